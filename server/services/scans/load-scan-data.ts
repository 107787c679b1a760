import type { BarColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import { computeFeatures, FeatureContext, fillCrossSectional, type FeatureMatrix } from "@/lib/features";
import { db } from "../../db";
import { getBars } from "../bars/get-bars";

export interface ScanData {
  timeframe: Timeframe;
  symbols: string[];
  meta: { assetClass: string[]; exchange: string[]; sector: string[] };
  bars: BarColumns[];
  /** Lazily computed feature matrices (core-v1), same order as symbols. */
  features: FeatureMatrix[] | null;
  barsPerSymbol: number;
  lastBarTs: number;
  loadedAt: number;
  source: "postgres" | "cache";
}

const TTL_MS = 60_000;
const g = globalThis as unknown as { __mssScanData?: Map<string, ScanData> };

/**
 * The scanner's warm data: for every active symbol, its latest `barsNeeded` adjusted bars of a
 * timeframe (and, on demand, core-v1 features computed from them, cross-sections included). Kept in
 * process memory and reloaded from Postgres when older than a minute, when a deeper history is needed,
 * or when newer bars have arrived.
 */
export async function loadScanData(opts: { timeframe: Timeframe; barsNeeded: number; withFeatures: boolean }): Promise<ScanData> {
  g.__mssScanData ??= new Map();
  const [{ last }] = (await db().$client.unsafe(
    `select coalesce((extract(epoch from max(ts)) * 1000)::float8, 0) as last from bars_${opts.timeframe} where ts > now() - interval '3650 days'`,
  )) as unknown as [{ last: number }];
  const cached = g.__mssScanData.get(opts.timeframe);
  let data: ScanData;
  if (cached && cached.barsPerSymbol >= opts.barsNeeded && cached.lastBarTs === last && Date.now() - cached.loadedAt < TTL_MS) {
    data = { ...cached, source: "cache" };
  } else {
    const rows = await db().$client<{ symbol: string; asset_class: string; exchange: string | null; sector: string | null }[]>`
      select s.symbol, s.asset_class, s.exchange, s.sector from symbols s where s.active order by s.symbol`;
    const barsPerSymbol = Math.max(opts.barsNeeded, cached?.barsPerSymbol ?? 0, 300);
    const bars: BarColumns[] = new Array(rows.length);
    // A few concurrent reads: the pool has 10 connections.
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < rows.length) {
          const i = next++;
          bars[i] = await getBars({ symbol: rows[i]!.symbol, timeframe: opts.timeframe, adjusted: true, limit: barsPerSymbol });
        }
      }),
    );
    data = {
      timeframe: opts.timeframe,
      symbols: rows.map((r) => r.symbol),
      meta: { assetClass: rows.map((r) => r.asset_class), exchange: rows.map((r) => r.exchange ?? ""), sector: rows.map((r) => r.sector ?? "") },
      bars,
      features: null,
      barsPerSymbol,
      lastBarTs: last,
      loadedAt: Date.now(),
      source: "postgres",
    };
    g.__mssScanData.set(opts.timeframe, data);
  }
  if (opts.withFeatures && !data.features) {
    const ctx = new FeatureContext();
    const mats = data.bars.map((b) => computeFeatures(b, { set: "core-v1", context: ctx }));
    fillCrossSectional(mats);
    data.features = mats;
    const stored = g.__mssScanData.get(opts.timeframe);
    if (stored) stored.features = mats;
  }
  return data;
}
