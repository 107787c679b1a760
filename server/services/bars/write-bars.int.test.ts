import { afterAll, describe, expect, it } from "vitest";
import { aggregate } from "@/lib/bars/aggregate";
import { barsFromColumns, columnsFromBars, type Bar, type BarColumns } from "@/lib/bars/columns";
import { TIMEFRAMES, type Timeframe } from "@/lib/bars/timeframe";
import { sessionMinutes } from "@/lib/calendar";
import { db } from "../../db";
import { getBars } from "./get-bars";
import { writeBars } from "./write-bars";

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

/** Deterministic pseudo-random 1m bars over NYSE sessions. */
function minuteBars(seed: number, from: string, to: string): BarColumns {
  let s = seed;
  const rnd = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  let p = 100;
  const bars: Bar[] = sessionMinutes("NYSE", Date.parse(from), Date.parse(to)).map((ts) => {
    const o = p;
    p = Math.max(1, p * (1 + (rnd() - 0.5) * 0.004));
    const hi = Math.max(o, p) * (1 + rnd() * 0.001);
    const lo = Math.min(o, p) * (1 - rnd() * 0.001);
    const v = Math.floor(rnd() * 10_000);
    return { ts, open: o, high: hi, low: lo, close: p, volume: v, vwap: (hi + lo + p) / 3, trades: Math.floor(rnd() * 50) };
  });
  return columnsFromBars(bars);
}

function expectSame(a: BarColumns, b: BarColumns) {
  const A = barsFromColumns(a);
  const B = barsFromColumns(b);
  expect(A.length).toBe(B.length);
  for (let i = 0; i < A.length; i++) {
    const x = A[i]!;
    const y = B[i]!;
    expect([x.ts, x.open, x.high, x.low, x.close, x.volume, x.trades]).toEqual([y.ts, y.open, y.high, y.low, y.close, y.volume, y.trades]);
    expect(Math.abs(x.vwap - y.vwap)).toBeLessThan(1e-9 * x.vwap);
  }
}

describe("writeBars (real Postgres)", () => {
  const NOW = Date.parse("2030-01-01T00:00:00Z");

  it("COPYs a fresh range, re-upserts idempotently, and rolls up exactly like lib/bars/aggregate", async () => {
    const a = minuteBars(1, "2024-03-04", "2024-03-07");
    const b = minuteBars(2, "2024-03-04", "2024-03-07");
    const first = await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA1", bars: a }, { symbol: "WBA2", bars: b }] });
    expect(first).toMatchObject({ rowsIn: a.length + b.length, rowsOut: a.length + b.length, rowsQuarantined: 0, path: { direct: a.length + b.length, upsert: 0 } });

    const again = await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA1", bars: a }] });
    expect(again).toMatchObject({ rowsOut: 0, path: { direct: 0, upsert: a.length } });

    for (const tf of TIMEFRAMES.slice(1) as Timeframe[]) {
      const stored = await getBars({ symbol: "WBA1", timeframe: tf, limit: 5000 });
      expectSame(stored, aggregate(a, tf));
    }
    expect((await getBars({ symbol: "WBA1", timeframe: "1m", limit: 5000 })).length).toBe(a.length);
  });

  it("updates only changed rows and refreshes the affected higher buckets", async () => {
    const a = minuteBars(3, "2024-04-01", "2024-04-02");
    await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA3", bars: a }] });
    a.close[10] = a.close[10]! * 1.0001;
    a.high[10] = Math.max(a.high[10]!, a.close[10]!);
    const r = await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA3", bars: a }] });
    expect(r.rowsOut).toBe(1);
    expectSame(await getBars({ symbol: "WBA3", timeframe: "1h", limit: 100 }), aggregate(a, "1h"));
  });

  it("quarantines bad bars with their values and stores the good ones of the same batch", async () => {
    const a = minuteBars(4, "2024-05-01", "2024-05-02");
    a.high[5] = a.low[5]! - 1; // high < low
    a.close[6] = -3;
    const r = await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA4", bars: a }] });
    expect(r.rowsQuarantined).toBe(2);
    expect(r.rowsOut).toBe(a.length - 2);
    const issues = await db().$client`select rule, quarantined, values from data_quality_issues where symbol = 'WBA4' and quarantined order by ts`;
    expect(issues.map((i) => i.rule)).toEqual(["invalid_ohlc", "non_positive_price"]);
    expect(issues[1]?.values).toMatchObject({ close: -3 });
    const stored = await getBars({ symbol: "WBA4", timeframe: "1m", limit: 5000 });
    expect(stored.length).toBe(a.length - 2);
    expect(Array.from(stored.ts)).not.toContain(a.ts[5]);
    // Quarantined bars are not used downstream: the rollups are built from the stored bars only.
    for (const tf of ["5m", "1h", "1d"] as Timeframe[]) expectSame(await getBars({ symbol: "WBA4", timeframe: tf, limit: 5000, cache: false }), aggregate(stored, tf));
  });

  it("never lets a rollup overwrite a vendor's native higher-timeframe bar", async () => {
    const a = minuteBars(5, "2024-06-03", "2024-06-04");
    const day = Date.parse("2024-06-03T00:00:00Z");
    await writeBars({
      timeframe: "1d",
      source: "vendor",
      now: NOW,
      batches: [{ symbol: "WBA5", bars: columnsFromBars([{ ts: day, open: 1, high: 2, low: 0.5, close: 1.5, volume: 42, vwap: Number.NaN, trades: Number.NaN }]) }],
    });
    await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA5", bars: a }] });
    const d = await getBars({ symbol: "WBA5", timeframe: "1d" });
    expect(d.volume[0]).toBe(42);
    expectSame(await getBars({ symbol: "WBA5", timeframe: "4h", limit: 100 }), aggregate(a, "4h"));
  });
});

describe("derived bars (real Postgres, plain mode: rollup tables)", () => {
  const NOW = Date.parse("2030-01-01T00:00:00Z");

  it("keeps rollups of 1m apart; a vendor's bars win, and what is rolled up above them reads the rollup of 1m where they have gaps", async () => {
    const minutes = minuteBars(6, "2024-06-10", "2024-06-11");
    await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA6", bars: minutes }] });
    const count = async (rel: string) => (await db().$client.unsafe(`select count(*)::int as n from ${rel} where symbol = 'WBA6'`))[0]!.n as number;
    expect(await count("bars_1h")).toBe(0);
    expect(await count("bars_1h_rollup")).toBe(aggregate(minutes, "1h").length);

    // A vendor's own 1h history over that day and the next (which has no 1m bars), with other volumes
    // and without the 15:00 hour of the first day.
    const gap = Date.parse("2024-06-10T15:00:00Z");
    const vendor = barsFromColumns(aggregate(minuteBars(7, "2024-06-10", "2024-06-12"), "1h"))
      .filter((b) => b.ts !== gap)
      .map((b, i) => ({ ...b, volume: 1000 + i }));
    await writeBars({ timeframe: "1h", source: "vendor", now: NOW, batches: [{ symbol: "WBA6", bars: columnsFromBars(vendor) }] });
    expect(await count("bars_1h")).toBe(vendor.length);

    const read = (tf: Timeframe) => getBars({ symbol: "WBA6", timeframe: tf, limit: 5000, cache: false });
    const expectLevels = async (m: BarColumns) => {
      // 1h: the vendor's bars, and the rollup of 1m in the hour the vendor lacks; above: rolled up from that.
      const hourly = columnsFromBars([...vendor, barsFromColumns(aggregate(m, "1h")).find((b) => b.ts === gap)!].sort((x, y) => x.ts - y.ts));
      expectSame(await read("1h"), hourly);
      for (const tf of ["4h", "1d"] as Timeframe[]) expectSame(await read(tf), aggregate(hourly, tf));
    };
    await expectLevels(minutes);

    // A correction of a minute in that hour reaches the bars rolled up above the vendor's hours.
    const i = minutes.ts.findIndex((t) => t === gap + 10 * 60_000);
    minutes.high[i] = minutes.high[i]! * 1.5;
    const r = await writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBA6", bars: minutes }] });
    expect(r.rowsOut).toBe(1);
    // One bar per level of the rollup of 1m, and the 4h and 1d bars rolled up above the vendor's hours.
    expect(r.rollup).toEqual({ "5m": 1, "15m": 1, "1h": 1, "4h": 2, "1d": 2 });
    await expectLevels(minutes);
  });
});

describe("writeBars against a concurrent writer (real Postgres)", () => {
  const NOW = Date.parse("2030-01-01T00:00:00Z");

  /**
   * Another transaction inserts rows in the range (so the writer's "is the range empty?" check sees
   * nothing, and its direct COPY waits on those keys), then commits: the COPY fails with a unique
   * violation after all its rows were sent. The write must fall back to the upsert path, not hang.
   */
  async function racing(insert: (sql: import("postgres").TransactionSql) => Promise<unknown>, write: () => Promise<unknown>) {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const ready = new Promise<void>((r) => (inserted = r));
    const other = db().$client.begin(async (tx) => {
      await insert(tx);
      inserted();
      await held;
    });
    await Promise.race([ready, other]);
    const writing = write();
    await new Promise((r) => setTimeout(r, 300)); // the writer is now waiting on the other's keys
    release();
    await other;
    return Promise.race([writing, new Promise((_, reject) => setTimeout(() => reject(new Error("writeBars hung")), 10_000))]);
  }

  it("falls back to the upsert when a concurrent writer commits bars of a range it found empty", async () => {
    const a = minuteBars(7, "2024-03-04", "2024-03-06");
    const t = a.ts[10]!;
    const r = await racing(
      (tx) => tx`insert into bars_1m (symbol, ts, open, high, low, close, volume, source) values ('WBRACE1', ${new Date(t).toISOString()}::timestamptz, 1, 1, 1, 1, 1, 'other')`,
      () => writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBRACE1", bars: a }] }),
    );
    expect(r).toMatchObject({ rowsOut: a.length, path: { direct: 0, upsert: a.length } });
    expectSame(await getBars({ symbol: "WBRACE1", timeframe: "1m", limit: 5000 }), a);
  });

  it("falls back to the staged rollup when a concurrent writer commits derived bars in its range", async () => {
    const a = minuteBars(8, "2024-03-04", "2024-03-06");
    const day = Date.parse("2024-03-05T00:00:00Z");
    await racing(
      (tx) => tx`insert into bars_1d_rollup (symbol, ts, open, high, low, close, volume, source) values ('WBRACE2', ${new Date(day).toISOString()}::timestamptz, 9, 9, 9, 9, 9, 'rollup')`,
      () => writeBars({ timeframe: "1m", source: "test", now: NOW, batches: [{ symbol: "WBRACE2", bars: a }] }),
    );
    expectSame(await getBars({ symbol: "WBRACE2", timeframe: "1d", limit: 10, cache: false }), aggregate(a, "1d"));
  });
});
