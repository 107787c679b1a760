import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql, TransactionSql } from "postgres";
import { aggregate } from "@/lib/bars/aggregate";
import { sliceColumns, type BarColumns } from "@/lib/bars/columns";
import { higherTimeframes, TIMEFRAME_MS, bucketStart, type Timeframe } from "@/lib/bars/timeframe";
import { BAR_COPY_COLUMNS, copyHeader, copyTrailer, encodeBarTuples } from "./copy-binary";

export const barTable = (tf: Timeframe) => `bars_${tf}`;

type Tx = Sql | TransactionSql;

/** The one upsert rule for derived bars: vendor-native rows (source ≠ "rollup") are never overwritten. */
const UPSERT_ROLLUP = `on conflict (symbol, ts) do update set
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades
       where b.source = 'rollup'
         and (b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trades)
             is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume, excluded.vwap, excluded.trades)`;

/**
 * SQL rollup of one level: rebuild `tf` bars for the given symbols over [from, to) from the next lower
 * timeframe. Same semantics as lib/bars/aggregate.ts (tested against it).
 */
async function rollupLevelSql(sql: Tx, lower: Timeframe, tf: Timeframe, symbols: string[], from: number, to: number): Promise<number> {
  const w = TIMEFRAME_MS[tf] / 1000;
  const res = await sql.unsafe(
    `insert into ${barTable(tf)} as b (symbol, ts, open, high, low, close, volume, vwap, trades, source)
     select symbol, bucket,
            (array_agg(open order by ts))[1], max(high), min(low), (array_agg(close order by ts desc))[1],
            sum(volume),
            case when bool_and(vwap is not null or volume = 0) and sum(volume) > 0
                 then sum(coalesce(vwap, 0) * volume) / sum(volume) end,
            case when bool_and(trades is not null) then sum(trades) end,
            'rollup'
     from (select l.*, to_timestamp(floor(extract(epoch from l.ts) / ${w}) * ${w}) as bucket
           from ${barTable(lower)} l
           where l.symbol = any(string_to_array($1, chr(31))) and l.ts >= $2::timestamptz and l.ts < $3::timestamptz) x
     group by symbol, bucket
     ${UPSERT_ROLLUP}`,
    [symbols.join("\u001f"), new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return res.count;
}

/**
 * Rebuild the higher-timeframe bars covering [from, to) from the next lower timeframe, level by level
 * (1m→5m→15m→1h→4h→1d), in SQL. Used when the written range overlapped stored rows.
 */
export async function rollupBars(sql: Tx, opts: { symbols: string[]; from: number; to: number; fromTimeframe: Timeframe }): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  if (opts.symbols.length === 0) return written;
  let lower = opts.fromTimeframe;
  let lo = opts.from;
  let hi = opts.to;
  for (const tf of higherTimeframes(opts.fromTimeframe)) {
    lo = bucketStart(lo, tf);
    hi = bucketStart(hi - 1, tf) + TIMEFRAME_MS[tf];
    written[tf] = await rollupLevelSql(sql, lower, tf, opts.symbols, lo, hi);
    lower = tf;
  }
  return written;
}

/**
 * Rollup for freshly written ranges (no stored lower-timeframe rows existed inside them): buckets that
 * lie entirely inside a symbol's range are aggregated in memory by lib/bars/aggregate (exact: all their
 * bars are in the batch) and upserted through one staging COPY per level; the two edge buckets per
 * level, which may also hold stored bars from outside the range, are rebuilt in SQL.
 */
export async function rollupFresh(
  sql: TransactionSql,
  opts: { batches: { symbol: string; bars: BarColumns; lo: number; hi: number }[]; fromTimeframe: Timeframe },
): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  const step = TIMEFRAME_MS[opts.fromTimeframe];
  let lower = opts.fromTimeframe;
  for (const tf of higherTimeframes(opts.fromTimeframe)) {
    const w = TIMEFRAME_MS[tf];
    const interior: { symbol: string; bars: BarColumns }[] = [];
    const edges = new Map<string, { from: number; to: number; symbols: string[] }>();
    for (const b of opts.batches) {
      const agg = aggregate(b.bars, tf);
      // Interior: [bucket, bucket + w) ⊆ [lo, hi + step).
      let a = 0;
      while (a < agg.length && agg.ts[a]! < b.lo) a++;
      let z = agg.length;
      while (z > a && agg.ts[z - 1]! + w > b.hi + step) z--;
      if (z > a) interior.push({ symbol: b.symbol, bars: sliceColumns(agg, a, z) });
      for (const e of [bucketStart(b.lo, tf), bucketStart(b.hi, tf)]) {
        const isInterior = e >= b.lo && e + w <= b.hi + step;
        if (isInterior) continue;
        const key = String(e);
        const cur = edges.get(key) ?? { from: e, to: e + w, symbols: [] };
        if (!cur.symbols.includes(b.symbol)) cur.symbols.push(b.symbol);
        edges.set(key, cur);
      }
    }
    let n = 0;
    if (interior.length > 0) {
      // Straight into the table when it holds nothing in these ranges (the usual backfill), else via staging.
      const ranges = interior.map((b) => ({ symbol: b.symbol, lo: b.bars.ts[0]!, hi: b.bars.ts[b.bars.length - 1]! }));
      const occupied = await sql.unsafe<{ n: number }[]>(
        `select count(*)::int as n from unnest(string_to_array($1, chr(31)), $2::float8[], $3::float8[]) as s(symbol, lo, hi)
         where exists (select 1 from ${barTable(tf)} b where b.symbol = s.symbol and b.ts >= to_timestamp(s.lo / 1000) and b.ts <= to_timestamp(s.hi / 1000))`,
        [ranges.map((r) => r.symbol).join("\u001f"), `{${ranges.map((r) => r.lo).join(",")}}`, `{${ranges.map((r) => r.hi).join(",")}}`],
      );
      const direct = (occupied[0]?.n ?? 1) === 0;
      const stage = direct ? barTable(tf) : `stage_${tf}`;
      if (!direct) await sql.unsafe(`create temp table ${stage} (like ${barTable(tf)} including defaults) on commit drop`);
      const writable = await sql.unsafe(`copy ${stage} (${BAR_COPY_COLUMNS}) from stdin (format binary)`).writable();
      await pipeline(
        Readable.from(
          (function* () {
            yield copyHeader();
            yield* encodeBarTuples(interior, "rollup");
            yield copyTrailer();
          })(),
        ),
        writable,
      );
      if (direct) n += interior.reduce((a, b) => a + b.bars.length, 0);
      else n += (await sql.unsafe(`insert into ${barTable(tf)} as b select * from ${stage} ${UPSERT_ROLLUP}`)).count;
    }
    for (const e of edges.values()) n += await rollupLevelSql(sql, lower, tf, e.symbols, e.from, e.to);
    written[tf] = n;
    lower = tf;
  }
  return written;
}
