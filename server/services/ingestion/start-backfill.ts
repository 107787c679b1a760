import { inArray } from "drizzle-orm";
import { symbols } from "@/db/schema";
import type { Timeframe } from "@/lib/bars/timeframe";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { enqueueIngestThenFeatures } from "../../queues/flows";
import { recordAudit } from "../audit/record-audit";
import { createIngestionRun } from "./runs";

export interface StartBackfillOptions {
  userId: string;
  symbols: string[];
  provider: string;
  timeframe: Timeframe;
  start: Date;
  end: Date;
  kind?: "backfill" | "update";
}

/** Create an ingestion run and enqueue it on the ingest workers. */
export async function startBackfill(opts: StartBackfillOptions) {
  const known = await db().select({ symbol: symbols.symbol }).from(symbols).where(inArray(symbols.symbol, opts.symbols));
  const missing = opts.symbols.filter((s) => !known.some((k) => k.symbol === s));
  if (missing.length) throw new AppError("BAD_REQUEST", { userMessage: `Not in the universe: ${missing.join(", ")}. Add them first.` });
  if (opts.end <= opts.start) throw new AppError("BAD_REQUEST", { userMessage: "The range end must be after its start" });
  const run = await createIngestionRun({
    provider: opts.provider,
    kind: opts.kind ?? "backfill",
    symbols: opts.symbols,
    timeframe: opts.timeframe,
    rangeStart: opts.start,
    rangeEnd: opts.end,
    createdBy: opts.userId,
  });
  // ingest-bars → compute-features: features are refreshed once the bars are in.
  const flow = await enqueueIngestThenFeatures({ runId: run.id }, { featureSet: "core-v1", timeframe: opts.timeframe, from: opts.start.getTime() });
  await recordAudit({ actorId: opts.userId, action: "ingestion.start", target: run.id, detail: { provider: opts.provider, symbols: opts.symbols.length, timeframe: opts.timeframe } });
  return { runId: run.id, jobId: flow.ingestJobId };
}
