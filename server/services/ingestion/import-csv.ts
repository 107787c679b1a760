import { inArray } from "drizzle-orm";
import { symbols as symbolsTable } from "@/db/schema";
import { parseCsvBars, type CsvInput, type CsvRejectedRow, type TCsvImportOptionsInput } from "@/lib/csv";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { writeBars } from "../bars/write-bars";
import { refreshAdjustments } from "../market/refresh-adjustments";
import { upsertSymbols } from "../market/upsert-symbols";
import { createIngestionRun, finishRun, markRunStarted, recordRunProgress } from "./runs";

export interface ImportCsvOptions {
  input: CsvInput;
  options: TCsvImportOptionsInput;
  fileName: string;
  userId: string | null;
  /** Total size in bytes when known (progress). */
  sizeBytes?: number;
}

export interface ImportCsvResult {
  runId: string;
  status: "succeeded" | "partial" | "failed";
  rows: number;
  stored: number;
  quarantined: number;
  rejected: number;
  rejectedSample: CsvRejectedRow[];
  symbols: string[];
  timeframe: string | null;
}

/**
 * Stream a CSV of bars into the store: parsed in bounded chunks, new symbols added to the universe,
 * every bar quality-checked and upserted idempotently. Rows that cannot be parsed are counted and
 * kept (with line and reason) in the run's error report; nothing already stored is touched by them.
 * A daily file with an adjusted-close column also yields adjustment factors.
 */
export async function importCsv(opts: ImportCsvOptions): Promise<ImportCsvResult> {
  const run = await createIngestionRun({ provider: "csv", kind: "import", symbols: [], timeframe: "auto", createdBy: opts.userId });
  await markRunStarted(run.id);
  const assetClassOf = new Map<string, string>(); // symbols seen in this file → asset class
  const adjusted = new Map<string, { ts: number[]; adj: number[] }>();
  const rejectedSample: CsvRejectedRow[] = [];
  let rows = 0;
  let stored = 0;
  let quarantined = 0;
  let rejected = 0;
  let timeframe: string | null = null;
  try {
    for await (const chunk of parseCsvBars(opts.input, opts.options)) {
      timeframe = chunk.timeframe;
      rejected += chunk.rejected.length;
      for (const r of chunk.rejected) if (rejectedSample.length < 50) rejectedSample.push(r);
      if (chunk.bars.length === 0) continue;
      if (!assetClassOf.has(chunk.symbol)) {
        const [known] = await db().select({ assetClass: symbolsTable.assetClass }).from(symbolsTable).where(inArray(symbolsTable.symbol, [chunk.symbol]));
        if (!known) await upsertSymbols([{ symbol: chunk.symbol, provider: "csv", assetClass: "stock" }]);
        assetClassOf.set(chunk.symbol, known?.assetClass ?? "stock");
      }
      const w = await writeBars({
        timeframe: chunk.timeframe,
        source: "csv",
        runId: run.id,
        batches: [{ symbol: chunk.symbol, bars: chunk.bars, assetClass: assetClassOf.get(chunk.symbol) }],
      });
      rows += chunk.bars.length;
      stored += w.rowsOut;
      quarantined += w.rowsQuarantined;
      if (chunk.timeframe === "1d" && chunk.adjClose) {
        const a = adjusted.get(chunk.symbol) ?? { ts: [], adj: [] };
        for (let i = 0; i < chunk.bars.length; i++) {
          if (Number.isFinite(chunk.adjClose[i]!)) {
            a.ts.push(chunk.bars.ts[i]!);
            a.adj.push(chunk.adjClose[i]!);
          }
        }
        adjusted.set(chunk.symbol, a);
      }
      await recordRunProgress(run.id, { rowsIn: chunk.bars.length + chunk.rejected.length, rowsOut: w.rowsOut, rowsQuarantined: w.rowsQuarantined + chunk.rejected.length, progress: 0 });
    }
    for (const [symbol, a] of adjusted) {
      if (a.ts.length > 1) await refreshAdjustments({ symbol, vendorAdjusted: { ts: Float64Array.from(a.ts), adjClose: Float64Array.from(a.adj) } });
    }
  } catch (err) {
    const message = AppError.is(err) ? err.userMessage : err instanceof Error ? err.message : String(err);
    await finishRun(run.id, "failed", message);
    await db().$client`update ingestion_runs set symbols = ${[...assetClassOf.keys()]}, timeframe = ${timeframe ?? "unknown"} where id = ${run.id}`;
    throw AppError.is(err) ? err : new AppError("UNPROCESSABLE", { userMessage: `Import failed: ${message}`, cause: err });
  }
  const status = rows === 0 ? "failed" : rejected > 0 ? "partial" : "succeeded";
  const report = rejectedSample.map((r) => `line ${r.line}: ${r.reason}`).join("\n");
  await db().$client`update ingestion_runs set symbols = ${[...assetClassOf.keys()]}, timeframe = ${timeframe ?? "unknown"} where id = ${run.id}`;
  await finishRun(run.id, status, rejected ? `${rejected} row(s) rejected from ${opts.fileName}:\n${report}` : rows === 0 ? `no data rows in ${opts.fileName}` : undefined);
  return { runId: run.id, status, rows, stored, quarantined, rejected, rejectedSample, symbols: [...assetClassOf.keys()], timeframe };
}
