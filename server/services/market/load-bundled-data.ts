import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { columnsFromBars, type BarColumns } from "@/lib/bars/columns";
import type { CorporateAction } from "@/lib/bars/adjust";
import { writeBars } from "../bars/write-bars";
import { createIngestionRun, finishRun, markRunStarted, recordRunProgress } from "../ingestion/runs";
import { refreshAdjustments } from "./refresh-adjustments";
import { upsertSymbols } from "./upsert-symbols";

export const BUNDLED_DIR = path.join(process.cwd(), "db", "seed", "market-data");

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

/** One bundled daily file: raw bars and the vendor's adjusted close (also served by the `bundled` provider). */
export function readBundledDaily(symbol: string): { bars: BarColumns; adjClose: Float64Array } | null {
  let rows: string[][];
  try {
    rows = readCsv(path.join(BUNDLED_DIR, "daily", `${symbol}.csv`));
  } catch {
    return null;
  }
  const bars = columnsFromBars(
    rows.map((r) => ({ ts: day(r[0]!), open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]), volume: Number(r[5]), vwap: Number.NaN, trades: Number.NaN })),
  );
  return { bars, adjClose: Float64Array.from(rows, (r) => Number(r[6])) };
}

function readCsv(file: string): string[][] {
  return readFileSync(file, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(","));
}

/**
 * Load the bundled real daily data (59 US large caps, 2011-2021; see db/seed/market-data/SOURCES.md):
 * universe rows, raw daily bars (quality-checked), corporate actions, and adjustment factors reconciled
 * with the vendor's adj_close. Idempotent: a second load changes nothing.
 */
export async function loadBundledData(opts: { symbols?: string[]; createdBy?: string | null } = {}) {
  const daily = path.join(BUNDLED_DIR, "daily");
  const available = readdirSync(daily)
    .filter((f) => f.endsWith(".csv") && f !== "corporate_actions.csv")
    .map((f) => f.slice(0, -4));
  const wanted = opts.symbols ? available.filter((s) => opts.symbols!.includes(s)) : available;
  const meta = new Map(readCsv(path.join(BUNDLED_DIR, "symbols.csv")).map((r) => [r[0]!, r]));
  await upsertSymbols(
    wanted.map((s) => {
      const m = meta.get(s);
      return { symbol: s, name: m?.[1] ?? null, exchange: m?.[2] ?? null, sector: m?.[3] ?? null, industry: m?.[4] ?? null, assetClass: "stock", provider: "bundled" };
    }),
  );
  const actionsBySymbol = new Map<string, CorporateAction[]>();
  for (const [s, d, div, split] of readCsv(path.join(daily, "corporate_actions.csv"))) {
    const list = actionsBySymbol.get(s!) ?? [];
    if (Number(div) > 0) list.push({ ts: day(d!), kind: "dividend", value: Number(div) });
    if (Number(split) !== 1) list.push({ ts: day(d!), kind: "split", value: Number(split) });
    actionsBySymbol.set(s!, list);
  }

  const run = await createIngestionRun({ provider: "bundled", kind: "demo", symbols: wanted, timeframe: "1d", createdBy: opts.createdBy ?? null });
  await markRunStarted(run.id);
  let done = 0;
  try {
    for (const s of wanted) {
      const file = readBundledDaily(s);
      if (!file) throw new Error(`bundled file for ${s} is unreadable`);
      const actions = actionsBySymbol.get(s) ?? [];
      const res = await writeBars({
        timeframe: "1d",
        source: "bundled",
        runId: run.id,
        batches: [{ symbol: s, bars: file.bars, assetClass: "stock", actionDays: new Set(actions.map((a) => a.ts)) }],
      });
      await refreshAdjustments({
        symbol: s,
        actions,
        source: "bundled",
        vendorAdjusted: { ts: file.bars.ts, adjClose: file.adjClose },
      });
      done++;
      await recordRunProgress(run.id, { rowsIn: res.rowsIn, rowsOut: res.rowsOut, rowsQuarantined: res.rowsQuarantined, doneSymbol: s, progress: done / wanted.length });
    }
    await finishRun(run.id, "succeeded");
  } catch (err) {
    await finishRun(run.id, "failed", err instanceof Error ? err.message : String(err));
    throw err;
  }
  return { runId: run.id, symbols: wanted.length };
}
