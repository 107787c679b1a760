/**
 * Ingest benchmark (issue: market data history).
 *   2,000,000 simulated 1m bars (--quick: 200,000), written three ways in ONE run:
 *   - raw COPY: binary COPY of the rows into an empty table with the same primary key (the floor);
 *   - fresh backfill: the product's write path (quality checks, direct COPY, rollup to 5m..1d);
 *   - re-upsert: the same rows again (staging COPY + changed-only upsert + rollup).
 *   Then bar-query latency (warm): one symbol, 5 years of 1d (adjusted) and 1 month of 1m (warm = its
 *   past days in the day-chunk cache; also reported reading Postgres only: bar_query_1m_month_pg_only_p99_ms).
 * Last stdout line: { fresh_rows_per_s, raw_copy_rows_per_s, fresh_vs_raw_copy, reupsert_vs_raw_copy, bar_query_p99_ms, … }
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { benchDatabase, log, percentile } from "./_db";

const quick = process.argv.includes("--quick");
const TARGET = quick ? 200_000 : 2_000_000;
const SYMBOLS = quick ? 10 : 50;

const { cleanup } = await benchDatabase();
const { createSimulator } = await import("@/lib/sim");
const { db } = await import("@/server/db");
const { writeBars } = await import("@/server/services/bars/write-bars");
const { getBars } = await import("@/server/services/bars/get-bars");
const { encodeBarCopy, BAR_COPY_COLUMNS } = await import("@/server/services/bars/copy-binary");
const { loadBundledData } = await import("@/server/services/market/load-bundled-data");
type BarColumns = import("@/lib/bars/columns").BarColumns;

try {
  // Data: SYMBOLS stocks × enough NYSE minutes for TARGET bars.
  const sim = createSimulator({ seed: 11, symbols: SYMBOLS, start: "2023-01-01", end: "2024-12-31" });
  const perSymbol = Math.ceil(TARGET / SYMBOLS);
  const batches: { symbol: string; bars: BarColumns }[] = [];
  let total = 0;
  const tg = performance.now();
  for (let i = 0; i < SYMBOLS; i++) {
    const all = sim.minute(i, Date.parse("2023-01-03"), Date.parse("2024-12-31"));
    const n = Math.min(perSymbol, all.length, TARGET - total);
    const { sliceColumns } = await import("@/lib/bars/columns");
    batches.push({ symbol: sim.symbol(i).symbol, bars: sliceColumns(all, 0, n) });
    total += n;
  }
  log(`generated ${total.toLocaleString()} 1m bars for ${SYMBOLS} symbols in ${((performance.now() - tg) / 1000).toFixed(2)} s`);
  const sql = db().$client;

  // 1. Raw COPY floor: same encoder, same PK, empty table, no checks, no rollup.
  await sql`create table raw_copy_bars (like bars_1m including all)`;
  const t1 = performance.now();
  await sql.begin(async (tx) => {
    const w = await tx.unsafe(`copy raw_copy_bars (${BAR_COPY_COLUMNS}) from stdin (format binary)`).writable();
    await pipeline(Readable.from(encodeBarCopy(batches, "sim")), w);
  });
  const rawSecs = (performance.now() - t1) / 1000;
  const rawRate = total / rawSecs;
  log(`raw COPY: ${rawSecs.toFixed(2)} s → ${Math.round(rawRate).toLocaleString()} rows/s`);

  // 2. Fresh backfill through the product path, in backfill-sized batches (10 symbols per write).
  const write = async () => {
    const t = performance.now();
    let out = 0;
    for (let k = 0; k < batches.length; k += 10) {
      const r = await writeBars({ timeframe: "1m", source: "sim", batches: batches.slice(k, k + 10), now: Date.parse("2030-01-01") });
      out += r.rowsOut;
    }
    return { secs: (performance.now() - t) / 1000, out };
  };
  const fresh = await write();
  log(`fresh backfill: ${fresh.secs.toFixed(2)} s, ${fresh.out.toLocaleString()} rows stored → ${Math.round(total / fresh.secs).toLocaleString()} rows/s`);
  if (fresh.out !== total) throw new Error(`fresh backfill stored ${fresh.out} of ${total}`);

  // 3. Re-upsert the same rows (idempotent: nothing changes).
  const again = await write();
  log(`re-upsert: ${again.secs.toFixed(2)} s, ${again.out} rows changed → ${Math.round(total / again.secs).toLocaleString()} rows/s`);
  if (again.out !== 0) throw new Error(`re-upsert changed ${again.out} rows`);

  // 4. Bar queries, warm: 5 years of adjusted daily bars (bundled AAPL) and one month of 1m bars.
  await loadBundledData({ symbols: ["AAPL"] });
  const sym = batches[0]!.symbol;
  const m1 = batches[0]!.bars;
  const monthStart = m1.ts[0]!;
  const monthEnd = monthStart + 31 * 86_400_000;
  const q1d = () => getBars({ symbol: "AAPL", timeframe: "1d", from: Date.parse("2016-04-21"), to: Date.parse("2021-04-22"), adjusted: true, limit: 5000 });
  const q1m = () => getBars({ symbol: sym, timeframe: "1m", from: monthStart, to: monthEnd, limit: 20_000 });
  const q1mPg = () => getBars({ symbol: sym, timeframe: "1m", from: monthStart, to: monthEnd, limit: 20_000, cache: false });
  const n1d = (await q1d()).length;
  const n1m = (await q1m()).length;
  const lat = async (fn: () => Promise<unknown>, runs: number) => {
    for (let i = 0; i < 20; i++) await fn();
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    return xs;
  };
  const runs = quick ? 100 : 300;
  const l1d = await lat(q1d, runs);
  const l1m = await lat(q1m, runs);
  const l1mPg = await lat(q1mPg, runs);
  log(`query 5y 1d adjusted (${n1d} bars): p50 ${percentile(l1d, 50).toFixed(2)} ms, p99 ${percentile(l1d, 99).toFixed(2)} ms`);
  log(`query 1 month 1m (${n1m} bars): p50 ${percentile(l1m, 50).toFixed(2)} ms, p99 ${percentile(l1m, 99).toFixed(2)} ms (Postgres only, without the day-chunk cache: p50 ${percentile(l1mPg, 50).toFixed(2)} ms, p99 ${percentile(l1mPg, 99).toFixed(2)} ms)`);

  const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
  const result = {
    rows: total,
    fresh_rows_per_s: Math.round(total / fresh.secs),
    raw_copy_rows_per_s: Math.round(rawRate),
    reupsert_rows_per_s: Math.round(total / again.secs),
    fresh_vs_raw_copy: round(rawSecs / fresh.secs),
    reupsert_vs_raw_copy: round(rawSecs / again.secs),
    bar_query_p99_ms: round(Math.max(percentile(l1d, 99), percentile(l1m, 99)), 2),
    bar_query_1d_5y_p99_ms: round(percentile(l1d, 99), 2),
    bar_query_1m_month_p99_ms: round(percentile(l1m, 99), 2),
    bar_query_1m_month_pg_only_p99_ms: round(percentile(l1mPg, 99), 2),
    quick,
  };
  await db().$client.end({ timeout: 5 });
  await cleanup();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  await db().$client.end({ timeout: 5 }).catch(() => undefined);
  await cleanup();
  throw err;
}
