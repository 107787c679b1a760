import type { Sql, TransactionSql } from "postgres";
import { higherTimeframes, TIMEFRAME_MS, bucketStart, type Timeframe } from "@/lib/bars/timeframe";

export const barTable = (tf: Timeframe) => `bars_${tf}`;

/**
 * Rebuild the higher-timeframe bars covering [from, to) from the next lower timeframe, level by level
 * (1m→5m→15m→1h→4h→1d), for the given symbols. Same semantics as lib/bars/aggregate.ts (tested
 * against it). Rows written by a vendor natively (source ≠ "rollup") are never overwritten.
 * Set-based SQL, identical in TimescaleDB and plain-PostgreSQL mode.
 */
export async function rollupBars(
  sql: Sql | TransactionSql,
  opts: { symbols: string[]; from: number; to: number; fromTimeframe: Timeframe },
): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  if (opts.symbols.length === 0) return written;
  let lower = opts.fromTimeframe;
  let lo = opts.from;
  let hi = opts.to;
  for (const tf of higherTimeframes(opts.fromTimeframe)) {
    const w = TIMEFRAME_MS[tf] / 1000;
    lo = bucketStart(lo, tf);
    hi = bucketStart(hi - 1, tf) + TIMEFRAME_MS[tf];
    const res = await sql`insert into ${sql(barTable(tf))} as b (symbol, ts, open, high, low, close, volume, vwap, trades, source)
       select symbol, bucket,
              (array_agg(open order by ts))[1], max(high), min(low), (array_agg(close order by ts desc))[1],
              sum(volume),
              case when bool_and(vwap is not null or volume = 0) and sum(volume) > 0
                   then sum(coalesce(vwap, 0) * volume) / sum(volume) end,
              case when bool_and(trades is not null) then sum(trades) end,
              'rollup'
       from (select l.*, to_timestamp(floor(extract(epoch from l.ts) / ${w}) * ${w}) as bucket
             from ${sql(barTable(lower))} l
             where l.symbol = any(${sql.array(opts.symbols)}::text[]) and l.ts >= ${new Date(lo).toISOString()}::timestamptz and l.ts < ${new Date(hi).toISOString()}::timestamptz) x
       group by symbol, bucket
       on conflict (symbol, ts) do update set
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades
       where b.source = 'rollup'
         and (b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trades)
             is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume, excluded.vwap, excluded.trades)`;
    written[tf] = res.count;
    lower = tf;
  }
  return written;
}
