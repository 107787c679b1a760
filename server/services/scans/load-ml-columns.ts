import type { BarColumns } from "@/lib/bars/columns";
import { db } from "../../db";
import { getProductionVersion } from "../models/get-production-version";

export interface MlColumnRequest {
  key: string;
  name: "ml_score" | "ml_confidence";
  lags: number;
}

/**
 * Lag-major ml_score / ml_confidence columns for a scan from the production model's stored predictions:
 * the value of symbol s, k bars before its scan bar, is the prediction made at that bar (NaN when there is
 * none). Null when no model is in production for the scan's timeframe (the scan then reports ML as unavailable).
 */
export async function loadMlColumns(opts: { timeframe: string; symbols: readonly string[]; bars: readonly (BarColumns | undefined)[]; columns: MlColumnRequest[] }): Promise<Record<string, Float64Array> | null> {
  if (opts.columns.length === 0) return {};
  const version = await getProductionVersion();
  if (!version || version.timeframe !== opts.timeframe) return null;
  const S = opts.symbols.length;
  const maxLag = Math.max(...opts.columns.map((c) => c.lags));
  let minTs = Number.POSITIVE_INFINITY;
  for (const b of opts.bars) if (b && b.length > 0) minTs = Math.min(minTs, b.ts[Math.max(0, b.length - maxLag)]!);
  const out: Record<string, Float64Array> = Object.fromEntries(opts.columns.map((c) => [c.key, new Float64Array(S * c.lags).fill(Number.NaN)]));
  if (!Number.isFinite(minTs)) return out;
  const rows = await db().$client<{ symbol: string; t: number; score: number; confidence: number }[]>`
    select symbol, (extract(epoch from ts) * 1000)::float8 as t, score, confidence from predictions
    where model_version_id = ${version.id} and horizon = ${version.horizon} and ts >= ${new Date(minTs).toISOString()}::timestamptz`;
  const bySymbol = new Map<string, Map<number, { score: number; confidence: number }>>();
  for (const r of rows) {
    let m = bySymbol.get(r.symbol);
    if (!m) bySymbol.set(r.symbol, (m = new Map()));
    m.set(r.t, r);
  }
  for (let s = 0; s < S; s++) {
    const b = opts.bars[s];
    const m = bySymbol.get(opts.symbols[s]!);
    if (!b || !m || b.length === 0) continue;
    for (const c of opts.columns) {
      const col = out[c.key]!;
      for (let k = 0; k < c.lags && b.length - 1 - k >= 0; k++) {
        const p = m.get(b.ts[b.length - 1 - k]!);
        if (p) col[k * S + s] = c.name === "ml_score" ? p.score : p.confidence;
      }
    }
  }
  return out;
}
