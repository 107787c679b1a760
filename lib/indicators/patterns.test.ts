import * as ti from "technicalindicators";
import { afterEach, describe, expect, it, vi } from "vitest";
import { columnsFromBars } from "@/lib/bars/columns";
import { AppError } from "@/lib/errors";
import { CANDLE_PATTERNS, detectAllPatterns, detectPattern, getPattern, patternSeries } from "./patterns";
import { loadDaily, randomWalk } from "./test-helpers";

type Ohlc = [number, number, number, number];
const candles = (rows: Ohlc[]) =>
  columnsFromBars(rows.map(([open, high, low, close], i) => ({ ts: i * 86_400_000, open, high, low, close, volume: 1, vwap: NaN, trades: NaN })));

afterEach(() => vi.restoreAllMocks());

/** The technicalindicators function a pattern id wraps (its exported name, e.g. bullishengulfingpattern). */
function libraryFunction(id: string): (data: unknown) => unknown {
  const name = id
    .replace(/_/g, "")
    .replace(/^(bullish|bearish)engulfing$/, "$1engulfingpattern")
    .replace(/^hammer(unconfirmed)?$/, "hammerpattern$1");
  const fn = (ti as unknown as Record<string, unknown>)[name];
  if (typeof fn !== "function") throw new Error(`technicalindicators has no ${name}`);
  return fn as (data: unknown) => unknown;
}

describe("candlestick patterns", () => {
  it("ids are unique lowercase snake_case", () => {
    const ids = CANDLE_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it.each(CANDLE_PATTERNS.map((p) => [p.id, p.bars] as const))("%s reads exactly %i bars (the detector's requiredCount)", (id, bars) => {
    // technicalindicators warns "Data count less than data required" when given fewer bars than it needs.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const w = (k: number) => ({ open: Array(k).fill(10), high: Array(k).fill(11), low: Array(k).fill(9), close: Array(k).fill(10.5) });
    getPattern(id).detect(w(bars));
    expect(warn).not.toHaveBeenCalled();
    if (bars > 1) {
      getPattern(id).detect(w(bars - 1));
      expect(warn).toHaveBeenCalled();
    }
  });

  it.each(CANDLE_PATTERNS.map((p) => p.id))("%s: flag at i = the library's verdict on bars up to i", (id) => {
    const p = getPattern(id);
    const fn = libraryFunction(id);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const c of [loadDaily("AAPL"), randomWalk(1500, { seed: 31, vol: 0.02, tick: 0.05, start: 20 })]) {
      const series = detectPattern(id, c);
      for (let i = 0; i < c.length; i++) {
        // The library reads the last requiredCount bars of what it is given; give it a few more.
        const from = Math.max(0, i + 1 - (p.bars + 3));
        const prefix = { open: Array.from(c.open.subarray(from, i + 1)), high: Array.from(c.high.subarray(from, i + 1)), low: Array.from(c.low.subarray(from, i + 1)), close: Array.from(c.close.subarray(from, i + 1)) };
        const want = i + 1 >= p.bars && fn(prefix) === true ? 1 : 0;
        if (series[i] !== want) expect.fail(`${id} at ${i}: ${series[i]} vs library ${want}`);
      }
    }
  });

  it("golden: bullish and bearish engulfing", () => {
    // [open, high, low, close]: a red bar then a green bar whose body engulfs it.
    const c = candles([
      [10, 10.2, 8.8, 9],
      [8.9, 10.6, 8.7, 10.5],
      [10.6, 10.7, 8.5, 8.6], // red bar engulfing the green body → bearish engulfing
    ]);
    expect(Array.from(detectPattern("bullish_engulfing", c))).toEqual([0, 1, 0]);
    expect(Array.from(detectPattern("bearish_engulfing", c))).toEqual([0, 0, 1]);
  });

  it("golden: doji and morning star", () => {
    const doji = candles([
      [10, 11, 9, 10],
      [10, 11, 9, 10.5],
    ]);
    expect(Array.from(detectPattern("doji", doji))).toEqual([1, 0]);
    // Long red bar, small bar gapping below it, green bar opening above the star and closing above the first midpoint.
    const star = candles([
      [20, 20.5, 15, 15.5],
      [14, 14.5, 13, 13.8],
      [14.8, 19, 14.6, 18.5],
    ]);
    expect(Array.from(detectPattern("morning_star", star))).toEqual([0, 0, 1]);
  });

  it("a missing OHLC value clears the flags of every window containing it", () => {
    const c = loadDaily("AAPL");
    const all = detectPattern("doji", c);
    const i = all.findIndex((v) => v === 1);
    expect(i).toBeGreaterThanOrEqual(0);
    c.high[i] = NaN;
    expect(detectPattern("doji", c)[i]).toBe(0);
    const three = detectPattern("three_white_soldiers", c);
    expect(three[i]! + three[i + 1]! + three[i + 2]!).toBe(0);
  });

  it("detectAllPatterns returns one Uint8Array per pattern", () => {
    const c = loadDaily("AAPL");
    const all = detectAllPatterns(c);
    expect(Object.keys(all)).toEqual(CANDLE_PATTERNS.map((p) => p.id));
    for (const s of Object.values(all)) {
      expect(s).toBeInstanceOf(Uint8Array);
      expect(s.length).toBe(c.length);
      expect(s.every((v) => v === 0 || v === 1)).toBe(true);
    }
    expect(all.doji.some((v) => v === 1)).toBe(true);
  });

  it("unknown pattern → AppError BAD_REQUEST; mismatched lengths → RangeError", () => {
    expect(() => getPattern("hammer_time")).toThrow(AppError);
    const a = new Float64Array(3);
    expect(() => patternSeries("doji", a, a, a, new Float64Array(2))).toThrow(RangeError);
  });
});
