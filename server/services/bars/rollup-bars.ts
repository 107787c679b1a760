import type { Sql, TransactionSql } from "postgres";
import { readStorageMode, type StorageMode } from "@/db/migrate";
import { aggregate } from "@/lib/bars/aggregate";
import { sliceColumns, type BarColumns } from "@/lib/bars/columns";
import { higherTimeframes, TIMEFRAME_MS, bucketStart, type Timeframe } from "@/lib/bars/timeframe";
import { copyBars, encodeBarTuples } from "./copy-binary";
import { isCopyConflict } from "./pg-binary";

/** Vendor-native bars of a timeframe (and, above a vendor's own lower timeframe, bars derived from it). */
export const barTable = (tf: Timeframe) => `bars_${tf}`;
/** Bars derived from 1m: a table kept by this module, or a continuous aggregate under TimescaleDB. */
export const rollupTable = (tf: Timeframe) => `bars_${tf}_rollup`;
/**
 * What every read uses (migration 0011): the bar in `bars_<tf>` where there is one (the vendor's, or one
 * rolled up from the vendor's own lower timeframe), else the rollup of 1m.
 */
export const barView = (tf: Timeframe) => (tf === "1m" ? "bars_1m" : `bars_${tf}_all`);

/**
 * Where one level of a rollup chain reads and writes. The chain from 1m fills the rollup relations;
 * a chain from a vendor's own higher timeframe (say 1h history) fills the vendor tables above it from
 * what reads see one level down (the vendor's bars, the rollup of 1m where the vendor has none), never
 * replacing a vendor's row.
 */
function chainTables(from: Timeframe, lower: Timeframe, tf: Timeframe) {
  if (from !== "1m") return { source: barView(lower), target: barTable(tf) };
  return { source: lower === "1m" ? barTable(lower) : rollupTable(lower), target: rollupTable(tf) };
}

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
 * timeframe. Same semantics as lib/bars/aggregate.ts (tested against it). `onlyStored`: only buckets
 * that already hold a derived row.
 */
async function rollupLevelSql(
  sql: Tx,
  chain: Timeframe,
  lower: Timeframe,
  tf: Timeframe,
  symbols: string[],
  from: number,
  to: number,
  onlyStored = false,
): Promise<number> {
  const w = TIMEFRAME_MS[tf] / 1000;
  const { source, target } = chainTables(chain, lower, tf);
  const res = await sql.unsafe(
    `insert into ${target} as b (symbol, ts, open, high, low, close, volume, vwap, trades, source)
     select symbol, bucket,
            (array_agg(open order by ts))[1], max(high), min(low), (array_agg(close order by ts desc))[1],
            sum(volume),
            case when bool_and(vwap is not null or volume = 0) and sum(volume) > 0
                 then sum(coalesce(vwap, 0) * volume) / sum(volume) end,
            case when bool_and(trades is not null) then sum(trades) end,
            'rollup'
     from (select l.*, to_timestamp(floor(extract(epoch from l.ts) / ${w}) * ${w}) as bucket
           from ${source} l
           where l.symbol = any(string_to_array($1, chr(31))) and l.ts >= $2::timestamptz and l.ts < $3::timestamptz) x
     group by symbol, bucket
     ${onlyStored ? `having exists (select 1 from ${target} d where d.symbol = x.symbol and d.ts = x.bucket and d.source = 'rollup')` : ""}
     ${UPSERT_ROLLUP}`,
    [symbols.join("\u001f"), new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return res.count;
}

/**
 * Rebuild the higher-timeframe bars covering [from, to) from the next lower timeframe, level by level
 * (1m→5m→15m→1h→4h→1d), in SQL. Used when the written range overlapped stored rows.
 */
export async function rollupBars(
  sql: Tx,
  opts: { symbols: string[]; from: number; to: number; fromTimeframe: Timeframe; onlyStored?: boolean },
): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  if (opts.symbols.length === 0) return written;
  let lower = opts.fromTimeframe;
  let lo = opts.from;
  let hi = opts.to;
  for (const tf of higherTimeframes(opts.fromTimeframe)) {
    lo = bucketStart(lo, tf);
    hi = bucketStart(hi - 1, tf) + TIMEFRAME_MS[tf];
    written[tf] = await rollupLevelSql(sql, opts.fromTimeframe, lower, tf, opts.symbols, lo, hi, opts.onlyStored);
    lower = tf;
  }
  return written;
}

/**
 * After 1m bars changed over [from, to): rebuild the bars the vendor tables hold that were rolled up from
 * a vendor's lower timeframe (source "rollup") in that window, as they read the rollup of 1m where the
 * vendor has no bar. One probe when there are none (the usual case).
 */
export async function refreshVendorRollups(sql: Tx, symbols: string[], from: number, to: number): Promise<Record<string, number>> {
  const levels = higherTimeframes("1m").slice(1); // 5m holds none: nothing below it but 1m
  const lo = bucketStart(from, "1d");
  const hi = bucketStart(to - 1, "1d") + TIMEFRAME_MS["1d"];
  const args = [symbols.join("\u001f"), new Date(lo).toISOString(), new Date(hi).toISOString()];
  const probe = levels
    .map((tf) => `(select 1 from ${barTable(tf)} where symbol = any(string_to_array($1, chr(31))) and ts >= $2::timestamptz and ts < $3::timestamptz and source = 'rollup' limit 1)`)
    .join(" union all ");
  if ((await sql.unsafe(probe, args)).length === 0) return {};
  // The chain above a vendor's 5m reads each level's view and writes the vendor tables: what these are.
  return rollupBars(sql, { symbols, from, to, fromTimeframe: "5m", onlyStored: true });
}

/** The bars of every higher timeframe, each level aggregated from the one below (1m→5m→…→1d). */
export function aggregateLevels(bars: BarColumns, from: Timeframe): BarColumns[] {
  const out: BarColumns[] = [];
  let lower = bars;
  for (const tf of higherTimeframes(from)) out.push((lower = aggregate(lower, tf)));
  return out;
}

/**
 * Rollup for freshly written ranges (no stored lower-timeframe rows existed inside them). Higher bars
 * are aggregated in memory by lib/bars/aggregate, level by level, and written with one COPY per level
 * (straight into the table when it has nothing there, else through a staging upsert). That is exact for
 * every bucket whose bars all come from the batch: all interior buckets, and the edge buckets too when
 * no stored bars of the source timeframe lie next to the range inside the widest (top-level) bucket.
 * Where such neighbours exist, the edge buckets are rebuilt in SQL from the stored bars instead.
 */
export async function rollupFresh(
  sql: TransactionSql,
  opts: {
    /** `levels`: aggregateLevels of the batch's stored bars (lo/hi: their first and last ts). */
    batches: { symbol: string; lo: number; hi: number; levels: BarColumns[] }[];
    fromTimeframe: Timeframe;
  },
): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  const levels = higherTimeframes(opts.fromTimeframe);
  const top = levels[levels.length - 1];
  if (!top) return written;
  const step = TIMEFRAME_MS[opts.fromTimeframe];
  const wTop = TIMEFRAME_MS[top];
  const spans = opts.batches.map((b) => ({ ...b, ds: bucketStart(b.lo, top), de: bucketStart(b.hi, top) + wTop }));
  const neighbours = await sql.unsafe<{ symbol: string }[]>(
    `select s.symbol from unnest(string_to_array($1, chr(31)), $2::float8[], $3::float8[], $4::float8[], $5::float8[]) as s(symbol, lo, hi, ds, de)
     where exists (select 1 from ${barTable(opts.fromTimeframe)} b
                   where b.symbol = s.symbol and b.ts >= to_timestamp(s.ds / 1000) and b.ts < to_timestamp(s.lo / 1000))
        or exists (select 1 from ${barTable(opts.fromTimeframe)} b
                   where b.symbol = s.symbol and b.ts > to_timestamp(s.hi / 1000) and b.ts < to_timestamp(s.de / 1000))`,
    [spans.map((b) => b.symbol).join("\u001f"), ...(["lo", "hi", "ds", "de"] as const).map((k) => `{${spans.map((b) => b[k]).join(",")}}`)],
  );
  const withNeighbours = new Set(neighbours.map((r) => r.symbol));

  let lower = opts.fromTimeframe;
  for (const [li, tf] of levels.entries()) {
    const w = TIMEFRAME_MS[tf];
    const rows: { symbol: string; bars: BarColumns }[] = [];
    const edges = new Map<string, { from: number; to: number; symbols: string[] }>();
    for (const b of opts.batches) {
      const agg = b.levels[li]!;
      if (!withNeighbours.has(b.symbol)) {
        if (agg.length > 0) rows.push({ symbol: b.symbol, bars: agg });
        continue;
      }
      // Interior only: [bucket, bucket + w) ⊆ [lo, hi + step); the edges come from SQL below.
      let a = 0;
      while (a < agg.length && agg.ts[a]! < b.lo) a++;
      let z = agg.length;
      while (z > a && agg.ts[z - 1]! + w > b.hi + step) z--;
      if (z > a) rows.push({ symbol: b.symbol, bars: sliceColumns(agg, a, z) });
      for (const e of [bucketStart(b.lo, tf), bucketStart(b.hi, tf)]) {
        if (e >= b.lo && e + w <= b.hi + step) continue;
        const cur = edges.get(String(e)) ?? { from: e, to: e + w, symbols: [] };
        if (!cur.symbols.includes(b.symbol)) cur.symbols.push(b.symbol);
        edges.set(String(e), cur);
      }
    }
    let n = 0;
    if (rows.length > 0) n += await copyRollupRows(sql, chainTables(opts.fromTimeframe, lower, tf).target, tf, rows);
    for (const e of edges.values()) n += await rollupLevelSql(sql, opts.fromTimeframe, lower, tf, e.symbols, e.from, e.to);
    written[tf] = n;
    lower = tf;
  }
  return written;
}

/**
 * COPY derived rows of one timeframe: directly when the table holds nothing in their spans, else
 * (or when a concurrent writer filled those spans meanwhile) staged and upserted.
 */
async function copyRollupRows(sql: TransactionSql, table: string, tf: Timeframe, rows: { symbol: string; bars: BarColumns }[]): Promise<number> {
  const occupied = await sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from unnest(string_to_array($1, chr(31)), $2::float8[], $3::float8[]) as s(symbol, lo, hi)
     where exists (select 1 from ${table} b where b.symbol = s.symbol and b.ts >= to_timestamp(s.lo / 1000) and b.ts <= to_timestamp(s.hi / 1000))`,
    [rows.map((r) => r.symbol).join("\u001f"), `{${rows.map((r) => r.bars.ts[0]).join(",")}}`, `{${rows.map((r) => r.bars.ts[r.bars.length - 1]).join(",")}}`],
  );
  if ((occupied[0]?.n ?? 1) === 0) {
    try {
      await copyBars(sql, table, encodeBarTuples(rows, "rollup"));
      return rows.reduce((a, r) => a + r.bars.length, 0);
    } catch (err) {
      if (!isCopyConflict(err)) throw err;
    }
  }
  const stage = `stage_${tf}`;
  await sql.unsafe(`create temp table ${stage} (like ${table} including defaults) on commit drop`);
  await copyBars(sql, stage, encodeBarTuples(rows, "rollup"));
  return (await sql.unsafe(`insert into ${table} as b select * from ${stage} ${UPSERT_ROLLUP}`)).count;
}

const modes = new WeakMap<Sql, Promise<StorageMode>>();

/** The database's storage mode; it only changes with a migration, so it is read once per client. */
export function storageModeOf(sql: Sql): Promise<StorageMode> {
  let mode = modes.get(sql);
  if (!mode) {
    mode = readStorageMode(sql);
    modes.set(sql, mode);
    mode.catch(() => modes.delete(sql));
  }
  return mode;
}

/**
 * TimescaleDB: bring the continuous aggregates over 1m up to date for [from, to), level by level (each
 * reads the one below), after the write committed (TimescaleDB refreshes outside transactions only).
 * Windows are whole buckets; only invalidated buckets inside them are recomputed. Like the refresh
 * policies (end offset one bucket), it never materializes the last bucket before `now` nor anything
 * later: those stay real-time, so live 1m bars written after this refresh still show in every level.
 */
export async function refreshRollups(sql: Sql, from: number, to: number, now = Date.now()): Promise<Timeframe[]> {
  const done: Timeframe[] = [];
  for (const tf of higherTimeframes("1m")) {
    const w = TIMEFRAME_MS[tf];
    const lo = bucketStart(from, tf);
    const hi = Math.min(bucketStart(to - 1, tf) + w, bucketStart(now - w, tf));
    if (hi <= lo) continue;
    await sql.unsafe(
      `call refresh_continuous_aggregate('${rollupTable(tf)}', '${new Date(lo).toISOString()}'::timestamptz, '${new Date(hi).toISOString()}'::timestamptz)`,
    );
    done.push(tf);
  }
  return done;
}
