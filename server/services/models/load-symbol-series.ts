import type { Timeframe } from "@/lib/bars/timeframe";
import { getFeatureSet } from "@/lib/features";
import { db } from "../../db";
import { getBars } from "../bars/get-bars";

export interface LoadSymbolSeriesOptions {
  symbol: string;
  timeframe: Timeframe;
  featureSet: string;
  /** Features to keep, in this order (names of the set). */
  features: readonly string[];
  /** Rows with ts in [from, to) (epoch ms); `before` more rows before `from` and `after` more at or after `to`. */
  from: number;
  to: number;
  before: number;
  after: number;
}

export interface SymbolRows {
  symbol: string;
  ts: Float64Array;
  /** rows × features, time-major (Float32, as stored). */
  features: Float32Array;
  /** Adjusted close at each row. */
  close: Float64Array;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms > 0 ? "infinity" : "-infinity");

/**
 * One symbol's stored feature rows (point in time, computed on adjusted bars) joined with its adjusted
 * closes on ts: the inputs of a dataset or a prediction. Rows without a bar are dropped.
 */
export async function loadSymbolSeries(o: LoadSymbolSeriesOptions): Promise<SymbolRows> {
  const set = getFeatureSet(o.featureSet);
  const idx = o.features.map((f) => {
    const k = set.names.indexOf(f);
    if (k < 0) throw new RangeError(`feature ${f} is not in ${set.id}`);
    return k;
  });
  const sql = db().$client;
  const rows = await sql<{ t: number; values: number[] }[]>`
    (select (extract(epoch from ts) * 1000)::float8 as t, values from feature_values
      where feature_set = ${set.id} and timeframe = ${o.timeframe} and symbol = ${o.symbol} and ts < ${iso(o.from)}::timestamptz
      order by ts desc limit ${o.before})
    union all
    (select (extract(epoch from ts) * 1000)::float8 as t, values from feature_values
      where feature_set = ${set.id} and timeframe = ${o.timeframe} and symbol = ${o.symbol} and ts >= ${iso(o.from)}::timestamptz and ts < ${iso(o.to)}::timestamptz)
    union all
    (select (extract(epoch from ts) * 1000)::float8 as t, values from feature_values
      where feature_set = ${set.id} and timeframe = ${o.timeframe} and symbol = ${o.symbol} and ts >= ${iso(o.to)}::timestamptz
      order by ts limit ${o.after})`;
  rows.sort((a, b) => a.t - b.t);
  const F = idx.length;
  if (rows.length === 0) return { symbol: o.symbol, ts: new Float64Array(0), features: new Float32Array(0), close: new Float64Array(0) };
  const bars = await getBars({ symbol: o.symbol, timeframe: o.timeframe, adjusted: true, from: rows[0]!.t, to: rows[rows.length - 1]!.t + 1, limit: 50_000 });
  const ts: number[] = [];
  const close: number[] = [];
  const feats = new Float32Array(rows.length * F);
  let j = 0;
  let n = 0;
  for (const r of rows) {
    while (j < bars.length && bars.ts[j]! < r.t) j++;
    if (j >= bars.length || bars.ts[j] !== r.t) continue;
    ts.push(r.t);
    close.push(bars.close[j]!);
    for (let f = 0; f < F; f++) {
      const v = r.values[idx[f]!];
      feats[n * F + f] = v === null || v === undefined ? Number.NaN : Number(v);
    }
    n++;
  }
  return { symbol: o.symbol, ts: Float64Array.from(ts), features: feats.slice(0, n * F), close: Float64Array.from(close) };
}
