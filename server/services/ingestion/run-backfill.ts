import { inArray } from "drizzle-orm";
import { symbols as symbolsTable } from "@/db/schema";
import { TIMEFRAME_MS, parseTimeframe } from "@/lib/bars/timeframe";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { logger } from "../../logger";
import { VendorPayloadError, VendorRequestError } from "../../providers/types";
import { writeBars } from "../bars/write-bars";
import { fillSymbolProfile } from "../market/fill-symbol-profile";
import { refreshAdjustments } from "../market/refresh-adjustments";
import { getHistoryProvider } from "../providers/get-history-provider";
import { enqueueRepairs } from "./enqueue-repairs";
import { finishRun, getIngestionRun, markRunStarted, recordRunProgress } from "./runs";

export interface BackfillProgress {
  pct: number;
  symbol: string;
  rowsOut: number;
  etaSeconds: number | null;
}

/** How much history one provider request chunk covers, per timeframe. */
const CHUNK_MS: Record<string, number> = {
  "1m": 5 * 86_400_000,
  "5m": 30 * 86_400_000,
  "15m": 60 * 86_400_000,
  "1h": 180 * 86_400_000,
  "4h": 365 * 86_400_000,
  "1d": 3650 * 86_400_000,
};

/**
 * Execute an ingestion run: for each symbol not yet done, fetch the range chunk by chunk from the
 * run's provider and store it (validated, idempotent). Resumable: symbols already marked done are
 * skipped, a half-done symbol is re-fetched and its rows upserted (nothing is stored twice).
 * A symbol the vendor rejects (unknown, broken payload) is recorded and the run ends "partial";
 * transient failures propagate so the job is retried with backoff.
 */
export async function runBackfill(opts: { runId: string; jobId?: string; onProgress?: (p: BackfillProgress) => Promise<void> | void; now?: number }) {
  const run = await getIngestionRun(opts.runId);
  if (!run) throw new AppError("NOT_FOUND", { message: `ingestion run ${opts.runId} not found` });
  if (run.status === "succeeded" || run.status === "cancelled") return { status: run.status, rowsOut: run.rowsOut, rowsQuarantined: run.rowsQuarantined };
  if (!run.rangeStart || !run.rangeEnd) throw new AppError("BAD_REQUEST", { message: "run has no range" });
  const timeframe = parseTimeframe(run.timeframe);
  const provider = getHistoryProvider(run.provider);
  await markRunStarted(run.id, opts.jobId);

  const meta = new Map(
    (await db().select().from(symbolsTable).where(inArray(symbolsTable.symbol, run.symbols))).map((s) => [s.symbol, s]),
  );
  const start = run.rangeStart.getTime();
  const end = run.rangeEnd.getTime();
  const chunk = Math.max(CHUNK_MS[timeframe] ?? 86_400_000, TIMEFRAME_MS[timeframe]);
  const todo = run.symbols.filter((s) => !run.doneSymbols.includes(s));
  const total = run.symbols.length;
  let done = total - todo.length;
  const failures: string[] = [];
  const t0 = Date.now();
  let rowsOut = 0;
  let rowsQuarantined = 0;
  const gaps: { symbol: string; from: number; to: number }[] = [];

  for (const symbol of todo) {
    const current = await getIngestionRun(run.id);
    if (current?.status === "cancelled") return { status: "cancelled", rowsOut, rowsQuarantined };
    const m = meta.get(symbol);
    try {
      let symbolRows = 0;
      let profiled = false;
      for (let a = start; a < end; a += chunk) {
        const b = Math.min(end, a + chunk);
        const res = await provider.fetchBars({ symbol, vendorSymbol: m?.providerIds?.[run.provider], timeframe, start: a, end: b });
        if (res.profile && !profiled) {
          profiled = true;
          await fillSymbolProfile(symbol, res.profile, { pricesFrom: m?.provider === run.provider });
        }
        const actionDays = new Set(res.actions.map((x) => x.ts));
        const w = await writeBars({
          timeframe,
          source: run.provider,
          runId: run.id,
          now: opts.now,
          batches: [{ symbol, bars: res.bars, assetClass: m?.assetClass ?? "stock", actionDays }],
        });
        if (timeframe === "1d" && (res.actions.length > 0 || res.adjClose)) {
          await refreshAdjustments({
            symbol,
            actions: res.actions.map((x) => ({ ts: x.ts, kind: x.kind, value: x.value })),
            source: run.provider,
            vendorAdjusted: res.adjClose ? { ts: res.bars.ts.slice(0, res.bars.length), adjClose: res.adjClose } : undefined,
          });
        }
        for (const f of w.findings) {
          if (f.rule === "gap") gaps.push({ symbol, from: Date.parse(String(f.values.from)), to: Date.parse(String(f.values.to)) });
        }
        symbolRows += w.rowsOut;
        rowsOut += w.rowsOut;
        rowsQuarantined += w.rowsQuarantined;
        const frac = (done + (b - start) / (end - start)) / total;
        const elapsed = (Date.now() - t0) / 1000;
        const progressed = frac - (total - todo.length) / total;
        await recordRunProgress(run.id, {
          rowsIn: w.rowsIn,
          rowsOut: w.rowsOut,
          rowsQuarantined: w.rowsQuarantined,
          requests: res.requests,
          progress: frac,
          ...(b >= end ? { doneSymbol: symbol } : {}),
        });
        await opts.onProgress?.({ pct: Math.round(frac * 1000) / 10, symbol, rowsOut, etaSeconds: progressed > 0 ? Math.round((elapsed / progressed) * (1 - frac)) : null });
      }
      if (start >= end) await recordRunProgress(run.id, { rowsIn: 0, rowsOut: 0, rowsQuarantined: 0, doneSymbol: symbol, progress: (done + 1) / total });
      logger.info({ runId: run.id, symbol, rows: symbolRows }, "symbol backfilled");
    } catch (err) {
      if (err instanceof VendorRequestError || err instanceof VendorPayloadError) {
        failures.push(`${symbol}: ${err.message}`);
        await recordRunProgress(run.id, { rowsIn: 0, rowsOut: 0, rowsQuarantined: 0, doneSymbol: symbol, progress: (done + 1) / total });
      } else {
        throw err;
      }
    }
    done++;
  }
  const status = failures.length === 0 ? "succeeded" : failures.length === todo.length && todo.length > 0 ? "failed" : "partial";
  await finishRun(run.id, status, failures.length ? failures.join("\n") : undefined);
  if (run.kind !== "repair" && gaps.length > 0) await enqueueRepairs({ provider: run.provider, timeframe, gaps, createdBy: run.createdBy });
  return { status, rowsOut, rowsQuarantined };
}
