import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregate, normalizeOrder } from "./aggregate";
import { barsFromColumns, columnsFromBars, type Bar, type BarColumns } from "./columns";

const T0 = Date.parse("2024-03-04T14:30:00Z");

/** Random valid 1m bars: a subset of minutes over a few days, OHLC consistent. */
const arbMinuteBars = fc
  .array(
    fc.record({
      minute: fc.integer({ min: 0, max: 3 * 1440 }),
      o: fc.double({ min: 1, max: 1000, noNaN: true }),
      c: fc.double({ min: 1, max: 1000, noNaN: true }),
      up: fc.double({ min: 0, max: 10, noNaN: true }),
      down: fc.double({ min: 0, max: 0.9, noNaN: true }),
      v: fc.integer({ min: 0, max: 1_000_000 }),
      n: fc.integer({ min: 0, max: 5_000 }),
    }),
    { maxLength: 400 },
  )
  .map((rows) => {
    const seen = new Set<number>();
    const bars: Bar[] = [];
    for (const r of rows) {
      if (seen.has(r.minute)) continue;
      seen.add(r.minute);
      const hi = Math.max(r.o, r.c) + r.up;
      const lo = Math.min(r.o, r.c) * (1 - r.down);
      bars.push({ ts: T0 + r.minute * 60_000, open: r.o, high: hi, low: lo, close: r.c, volume: r.v, vwap: (hi + lo) / 2, trades: r.n });
    }
    return bars;
  });

function expectClose(a: BarColumns, b: BarColumns) {
  const A = barsFromColumns(a);
  const B = barsFromColumns(b);
  expect(A.length).toBe(B.length);
  A.forEach((x, i) => {
    const y = B[i]!;
    for (const k of ["ts", "open", "high", "low", "close", "volume", "trades"] as const) expect(x[k]).toBe(y[k]);
    if (Number.isNaN(x.vwap)) expect(y.vwap).toBeNaN();
    else expect(Math.abs(x.vwap - y.vwap)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x.vwap)));
  });
}

describe("aggregate", () => {
  it("1m→1h equals 1m→15m→1h, and 1m→1d equals 1m→5m→1h→4h→1d", () => {
    fc.assert(
      fc.property(arbMinuteBars, (bars) => {
        const c = columnsFromBars(bars);
        expectClose(aggregate(c, "1h"), aggregate(aggregate(c, "15m"), "1h"));
        expectClose(aggregate(c, "1d"), aggregate(aggregate(aggregate(aggregate(c, "5m"), "1h"), "4h"), "1d"));
      }),
      { numRuns: 200 },
    );
  });

  it("is idempotent and order-independent", () => {
    fc.assert(
      fc.property(arbMinuteBars, fc.integer(), (bars, seed) => {
        const c = columnsFromBars(bars);
        const h = aggregate(c, "1h");
        expectClose(aggregate(h, "1h"), h);
        const shuffled = [...bars].sort((a, b) => ((a.ts * 7919 + seed) % 101) - ((b.ts * 7919 + seed) % 101));
        expectClose(aggregate(columnsFromBars(shuffled), "1h"), h);
      }),
      { numRuns: 200 },
    );
  });

  it("computes OHLCV, vwap and trades of a known bucket", () => {
    const c = columnsFromBars([
      { ts: T0, open: 10, high: 11, low: 9, close: 10.5, volume: 100, vwap: 10, trades: 3 },
      { ts: T0 + 60_000, open: 10.5, high: 12, low: 10, close: 11, volume: 300, vwap: 11, trades: 5 },
      { ts: T0 + 5 * 60_000, open: 11, high: 11.5, low: 8, close: 9, volume: 0, vwap: 9, trades: 0 },
    ]);
    const [a, b] = barsFromColumns(aggregate(c, "5m"));
    expect(a).toEqual({ ts: T0, open: 10, high: 12, low: 9, close: 11, volume: 400, vwap: (10 * 100 + 11 * 300) / 400, trades: 8 });
    expect(b?.vwap).toBeNaN(); // no volume: vwap unknown
    const missing = columnsFromBars([{ ts: T0, open: 1, high: 1, low: 1, close: 1, volume: 5, vwap: Number.NaN, trades: Number.NaN }]);
    expect(aggregate(missing, "1h").vwap[0]).toBeNaN();
    expect(aggregate(missing, "1h").trades[0]).toBeNaN();
  });

  it("normalizeOrder sorts and keeps the last duplicate", () => {
    const c = columnsFromBars([
      { ts: 3, open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: 1, trades: 1 },
      { ts: 1, open: 2, high: 2, low: 2, close: 2, volume: 1, vwap: 1, trades: 1 },
      { ts: 3, open: 9, high: 9, low: 9, close: 9, volume: 1, vwap: 1, trades: 1 },
    ]);
    const n = normalizeOrder(c);
    expect(Array.from(n.ts)).toEqual([1, 3]);
    expect(n.open[1]).toBe(9);
  });
});
