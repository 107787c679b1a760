import { describe, expect, it } from "vitest";
import type { BarColumns } from "../bars/columns";
import { BAR_FIELDS, concatColumns, emptyColumns } from "../bars/columns";
import { isOpenAt, sessionOf, tradingDays } from "../calendar";
import { createSimulator, type TickColumns } from "./index";

const DAY = 86_400_000;
const MIN = 60_000;

/**
 * Reference aggregation, written independently of the simulator: bars (or prints) grouped by
 * bucket = floor(ts / width); first open, max high, min low, last close, Σ volume,
 * vwap = Σ(vwap·volume)/Σ volume, Σ trades.
 */
function aggregateBars(b: BarColumns, width: number): BarColumns {
  const out = emptyColumns(b.length);
  let n = -1;
  let pv = 0;
  for (let i = 0; i < b.length; i++) {
    const bucket = Math.floor(b.ts[i]! / width) * width;
    if (n < 0 || out.ts[n] !== bucket) {
      if (n >= 0) out.vwap[n] = pv / out.volume[n]!;
      n++;
      pv = 0;
      out.ts[n] = bucket;
      out.open[n] = b.open[i]!;
      out.high[n] = b.high[i]!;
      out.low[n] = b.low[i]!;
      out.volume[n] = 0;
      out.trades[n] = 0;
    }
    out.high[n] = Math.max(out.high[n]!, b.high[i]!);
    out.low[n] = Math.min(out.low[n]!, b.low[i]!);
    out.close[n] = b.close[i]!;
    out.volume[n] = out.volume[n]! + b.volume[i]!;
    out.trades[n] = out.trades[n]! + b.trades[i]!;
    pv += b.vwap[i]! * b.volume[i]!;
  }
  if (n >= 0) out.vwap[n] = pv / out.volume[n]!;
  out.length = n + 1;
  return out;
}

/** Prints → 1m bars as a live bar builder would: vwap = Σ(p·q)/Σq, trades = count. */
function barsFromTicks(t: TickColumns): BarColumns {
  const b = emptyColumns(t.length);
  b.length = t.length;
  for (let i = 0; i < t.length; i++) {
    b.ts[i] = t.ts[i]!;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = b.vwap[i] = t.price[i]!;
    b.volume[i] = t.size[i]!;
    b.trades[i] = 1;
  }
  return aggregateBars(b, MIN);
}

function expectExactlyEqual(a: BarColumns, b: BarColumns, fields: readonly (typeof BAR_FIELDS)[number][] = BAR_FIELDS) {
  expect(a.length).toBe(b.length);
  for (const f of fields) {
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[f][i], b[f][i])) throw new Error(`${f}[${i}] ${a[f][i]} !== ${b[f][i]} (ts ${new Date(a.ts[i]!).toISOString()})`);
    }
  }
}

describe("1m bars aggregate exactly to daily bars", () => {
  const sim = createSimulator({ seed: 21, symbols: 24, start: "2019-06-01", end: "2020-06-30", cryptoShare: 0.25 });

  it.each([0, 1, 2, 5, 9, 13])("stock symbol %i over a year", (i) => {
    const daily = sim.daily(i);
    const agg = aggregateBars(sim.minute(i), DAY);
    expectExactlyEqual(agg, daily, ["ts", "open", "high", "low", "close", "volume", "trades"]);
    for (let d = 0; d < daily.length; d++) expect(Math.abs(agg.vwap[d]! / daily.vwap[d]! - 1)).toBeLessThan(1e-12);
  });

  it.each([3, 7])("crypto symbol %i over 60 days", (i) => {
    const from = Date.UTC(2020, 0, 1);
    const to = Date.UTC(2020, 2, 1);
    const daily = sim.daily(i, from, to);
    const agg = aggregateBars(sim.minute(i, from, to), DAY);
    expectExactlyEqual(agg, daily, ["ts", "open", "high", "low", "close", "volume", "trades"]);
    for (let d = 0; d < daily.length; d++) expect(Math.abs(agg.vwap[d]! / daily.vwap[d]! - 1)).toBeLessThan(1e-12);
  });

  it("also for illiquid symbols (few trades per minute)", () => {
    const thin = createSimulator({
      seed: 4,
      symbols: 6,
      start: "2020-01-01",
      end: "2020-04-30",
      stock: { baseVolume: { min: 1e3, max: 5e3 }, tradeSize: { min: 500, max: 2000 } },
    });
    for (let i = 0; i < 6; i++) {
      const daily = thin.daily(i);
      const m = thin.minute(i);
      expect(Math.max(...m.trades.subarray(0, 2000))).toBeLessThan(20);
      const agg = aggregateBars(m, DAY);
      expectExactlyEqual(agg, daily, ["ts", "open", "high", "low", "close", "volume", "trades"]);
      for (let d = 0; d < daily.length; d++) expect(Math.abs(agg.vwap[d]! / daily.vwap[d]! - 1)).toBeLessThan(1e-12);
      // Minutes with 1–4 prints use the anchors-only print layouts: ticks must still rebuild them exactly.
      const day = daily.ts[30]!;
      expectExactlyEqual(barsFromTicks(thin.ticks(i, day, day + DAY)), thin.minute(i, day, day + DAY));
    }
  });

  it("streams the same bars day by day", () => {
    const from = Date.UTC(2019, 10, 1);
    const to = Date.UTC(2020, 1, 1);
    const whole = sim.minute(1, from, to);
    const chunks = [...sim.minuteChunks(1, from, to)];
    expect(chunks.length).toBeGreaterThan(50);
    expectExactlyEqual(concatColumns(chunks), whole);
  });
});

describe("ticks aggregate exactly to 1m bars", () => {
  const sim = createSimulator({ seed: 8, symbols: 12, start: "2021-01-01", end: "2021-12-31", cryptoShare: 0.25 });

  it.each([0, 1, 3, 5])("symbol %i, vwap and trade count included (bitwise)", (i) => {
    const days = sim.days(i);
    const crypto = sim.symbol(i).assetClass === "crypto";
    for (const d of [0, 57, 200]) {
      // A whole stock session; for crypto (millions of prints a day for liquid coins) 3 hours.
      const from = crypto ? days[d]! + 13 * 3_600_000 : days[d]!;
      const to = crypto ? from + 3 * 3_600_000 : from + DAY;
      const m = sim.minute(i, from, to);
      const t = sim.ticks(i, from, to);
      expect(m.length).toBeGreaterThan(170);
      expect(t.length).toBe(m.trades.reduce((a, b) => a + b, 0));
      for (let k = 1; k < t.length; k++) if (t.ts[k]! < t.ts[k - 1]!) throw new Error("prints out of order");
      expectExactlyEqual(barsFromTicks(t), m);
    }
  });

  it("respects partial ranges and streams the same prints", () => {
    const from = sim.days(0)[10]! + 15 * 3_600_000 + 17 * MIN + 12_345;
    const to = from + 45 * MIN;
    const t = sim.ticks(0, from, to);
    expect(t.length).toBeGreaterThan(0);
    expect(t.ts[0]!).toBeGreaterThanOrEqual(from);
    expect(t.ts[t.length - 1]!).toBeLessThan(to);
    const full = sim.ticks(0, sim.days(0)[10]!, sim.days(0)[11]!);
    const start = full.ts.findIndex((x) => x >= from);
    expect(Array.from(t.price)).toEqual(Array.from(full.price.subarray(start, start + t.length)));
    const chunks = [...sim.tickChunks(0, sim.days(0)[10]!, sim.days(0)[13]!)];
    expect(chunks).toHaveLength(3);
    expect(chunks.reduce((a, c) => a + c.length, 0)).toBe(sim.ticks(0, sim.days(0)[10]!, sim.days(0)[13]!).length);
  });
});

describe("calendars", () => {
  it("stocks trade only in NYSE sessions (holidays, weekends and early closes included)", () => {
    const sim = createSimulator({ seed: 2, symbols: 4, start: "2020-11-20", end: "2021-01-08" });
    const from = Date.UTC(2020, 10, 20);
    const to = Date.UTC(2021, 0, 9);
    const daily = sim.daily(0);
    expect(Array.from(daily.ts)).toEqual(tradingDays("NYSE", from, to));
    const m = sim.minute(0);
    const perDay = new Map<number, number>();
    for (let i = 0; i < m.length; i++) {
      const ts = m.ts[i]!;
      if (!isOpenAt("NYSE", ts) || ts % MIN !== 0) throw new Error(`bar outside the session at ${new Date(ts).toISOString()}`);
      const day = Math.floor(ts / DAY) * DAY;
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    for (const day of tradingDays("NYSE", from, to)) {
      const s = sessionOf("NYSE", day)!;
      expect(perDay.get(day)).toBe((s.close - s.open) / MIN);
    }
    expect(perDay.get(Date.UTC(2020, 10, 26))).toBeUndefined(); // Thanksgiving
    expect(perDay.get(Date.UTC(2020, 10, 27))).toBe(210); // early close
    expect(perDay.get(Date.UTC(2020, 11, 25))).toBeUndefined(); // Christmas
    expect(perDay.get(Date.UTC(2020, 11, 26))).toBeUndefined(); // Saturday
    expect(perDay.get(Date.UTC(2021, 0, 1))).toBeUndefined(); // New Year
    const t = sim.ticks(0, Date.UTC(2020, 10, 27), Date.UTC(2020, 10, 28));
    const s = sessionOf("NYSE", Date.UTC(2020, 10, 27))!;
    expect(t.ts[0]!).toBeGreaterThanOrEqual(s.open);
    expect(t.ts[t.length - 1]!).toBeLessThan(s.close);
  });

  it("crypto trades 24/7, every minute of every UTC day", () => {
    const sim = createSimulator({ seed: 2, symbols: 4, start: "2020-12-20", end: "2021-01-03", cryptoShare: 1 });
    const daily = sim.daily(0);
    expect(daily.length).toBe(15);
    const m = sim.minute(0);
    expect(m.length).toBe(15 * 1440);
    for (let i = 0; i < m.length; i++) if (m.ts[i] !== Date.UTC(2020, 11, 20) + i * MIN) throw new Error(`gap at ${i}`);
  });
});
