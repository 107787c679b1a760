import { emptyColumns, type BarColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import { db } from "../../db";
import { barTable } from "./rollup-bars";

export const MAX_BARS_PER_PAGE = 5_000;

export interface GetBarsOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Inclusive lower bound (epoch ms). */
  from?: number;
  /** Exclusive upper bound (epoch ms); the page holds the newest bars before it. */
  to?: number;
  limit?: number;
  /** Apply corporate-action adjustment (prices × factor, volume ÷ split factor). */
  adjusted?: boolean;
}

/**
 * Up to `limit` bars of one symbol, newest before `to`, returned in ascending time order as columns.
 * Paginate backwards by passing the first returned ts as the next `to`.
 */
export async function getBars(opts: GetBarsOptions): Promise<BarColumns> {
  const limit = Math.min(Math.max(1, opts.limit ?? 1_000), MAX_BARS_PER_PAGE);
  const from = new Date(opts.from ?? 0).toISOString();
  const to = opts.to === undefined ? "9999-12-31T00:00:00Z" : new Date(opts.to).toISOString();
  const table = barTable(opts.timeframe);
  const rows = opts.adjusted
    ? await db().$client.unsafe<Row[]>(
        `select extract(epoch from b.ts) * 1000 as t, b.open * f.pf as open, b.high * f.pf as high, b.low * f.pf as low,
                b.close * f.pf as close, b.volume / f.vf as volume, b.vwap * f.pf as vwap, b.trades
         from ${table} b
         cross join lateral (
           select coalesce((select a.price_factor from adjustment_factors a where a.symbol = b.symbol and a.ts <= b.ts order by a.ts desc limit 1), 1) as pf,
                  coalesce((select a.volume_factor from adjustment_factors a where a.symbol = b.symbol and a.ts <= b.ts order by a.ts desc limit 1), 1) as vf
         ) f
         where b.symbol = $1 and b.ts >= $2 and b.ts < $3
         order by b.ts desc limit $4`,
        [opts.symbol, from, to, limit],
      )
    : await db().$client.unsafe<Row[]>(
        `select extract(epoch from b.ts) * 1000 as t, b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trades
         from ${table} b where b.symbol = $1 and b.ts >= $2 and b.ts < $3
         order by b.ts desc limit $4`,
        [opts.symbol, from, to, limit],
      );
  const n = rows.length;
  const c = emptyColumns(n);
  c.length = n;
  for (let k = 0; k < n; k++) {
    const r = rows[n - 1 - k]!;
    c.ts[k] = Number(r.t);
    c.open[k] = r.open;
    c.high[k] = r.high;
    c.low[k] = r.low;
    c.close[k] = r.close;
    c.volume[k] = r.volume;
    c.vwap[k] = r.vwap ?? Number.NaN;
    c.trades[k] = r.trades === null ? Number.NaN : Number(r.trades);
  }
  return c;
}

interface Row {
  t: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: string | number | null;
}
