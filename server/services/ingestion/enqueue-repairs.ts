import type { Timeframe } from "@/lib/bars/timeframe";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { createIngestionRun } from "./runs";

/** One repair run per symbol, re-fetching the span of its gaps (the job id dedupes repeats). */
export async function enqueueRepairs(opts: { provider: string; timeframe: Timeframe; gaps: { symbol: string; from: number; to: number }[]; createdBy: string | null }) {
  const bySymbol = new Map<string, { from: number; to: number }>();
  for (const g of opts.gaps) {
    const cur = bySymbol.get(g.symbol);
    bySymbol.set(g.symbol, cur ? { from: Math.min(cur.from, g.from), to: Math.max(cur.to, g.to) } : { from: g.from, to: g.to });
  }
  for (const [symbol, r] of bySymbol) {
    const run = await createIngestionRun({
      provider: opts.provider,
      kind: "repair",
      symbols: [symbol],
      timeframe: opts.timeframe,
      rangeStart: new Date(r.from),
      rangeEnd: new Date(r.to),
      createdBy: opts.createdBy,
    });
    await enqueue("ingestBars", { runId: run.id }, { jobId: jobId("repair", symbol, opts.timeframe, r.from, r.to) });
  }
}
