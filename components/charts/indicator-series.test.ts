import { describe, expect, it } from "vitest";
import { detectPattern } from "@/lib/indicators/patterns";
import { computeIndicator, listIndicators } from "@/lib/indicators/registry";
import { bandRuns } from "./band-fill";
import { toChartTime, type ChartBar } from "./chart-data";
import {
  DEFAULT_CHART_INDICATORS,
  PatternFlagsCache,
  addIndicator,
  assignColorSlots,
  bandPoints,
  barsToColumns,
  chartIndicators,
  displayIndexOf,
  displayTimes,
  formatIndicatorValue,
  futureTimes,
  indicatorLabel,
  instanceNames,
  legendText,
  legendValuesAt,
  newIndicator,
  paramAriaLabel,
  parseChartIndicators,
  parseParamInput,
  patternHits,
  patternLabelsAt,
  patternMarkers,
  planIndicator,
  planIndicators,
  pointColors,
  removeIndicator,
  roleColor,
  sanitizeParams,
  setIndicatorParam,
  tailHasGap,
  toIndicatorPoints,
  togglePattern,
  valueAt,
  valuePrecision,
  type ChartIndicator,
  type ChartIndicatorsValue,
  type IndicatorPlan,
} from "./indicator-series";

const DAY = 86_400_000;
const MIN = 60_000;

/** n bars with a deterministic wave; daily on weekdays only (a stock) unless `step` is given. */
function makeBars(n: number, opts: { start?: number; step?: number; weekdaysOnly?: boolean } = {}): ChartBar[] {
  const out: ChartBar[] = [];
  let t = opts.start ?? Date.UTC(2024, 0, 1); // a Monday
  const step = opts.step ?? DAY;
  const weekdaysOnly = opts.weekdaysOnly ?? step === DAY;
  let p = 100;
  while (out.length < n) {
    const d = new Date(t).getUTCDay();
    if (!weekdaysOnly || (d !== 0 && d !== 6)) {
      const i = out.length;
      const open = p;
      p = p * (1 + 0.02 * Math.sin(i * 0.7) + 0.004 * Math.cos(i * 2.3));
      out.push({ ts: t, open, high: Math.max(open, p) * 1.006, low: Math.min(open, p) * 0.994, close: p, volume: 1000 + ((i * 37) % 500) });
    }
    t += step;
  }
  return out;
}

const ind = (id: string, params: Record<string, number | string> = {}, key = id): ChartIndicator => ({ key, id, params });
const plan = (bars: ChartBar[], i: ChartIndicator) => planIndicator(i, barsToColumns(bars));
const out = (p: IndicatorPlan, id: string) => {
  const o = p.outputs.find((x) => x.id === id);
  if (!o) throw new Error(`no output ${id} in ${p.outputs.map((x) => x.id).join(",")}`);
  return o;
};

describe("params and labels", () => {
  it("offers every registry indicator plus volume, with short labels", () => {
    const ids = chartIndicators().map((m) => m.id);
    for (const m of listIndicators()) expect(ids).toContain(m.id);
    expect(ids).toContain("volume");
    expect(chartIndicators().find((m) => m.id === "rsi")!.shortLabel).toBe("RSI");
  });

  it("labels instances with their params; enums only when not the default", () => {
    expect(indicatorLabel("rsi", { period: 14, source: "close" })).toBe("RSI(14)");
    expect(indicatorLabel("macd", {})).toBe("MACD(12, 26, 9)");
    expect(indicatorLabel("ema", { period: 50, source: "hl2" })).toBe("EMA(50, hl2)");
    expect(indicatorLabel("bbands", { period: 20, devUp: 2.5 })).toBe("BB(20, 2.5, 2)");
    expect(indicatorLabel("sar", {})).toBe("SAR(0.02, 0.2)");
    expect(indicatorLabel("vwap", {})).toBe("VWAP");
    expect(indicatorLabel("vwap", { anchor: "week" })).toBe("VWAP(week)");
    expect(indicatorLabel("obv", {})).toBe("OBV");
    expect(indicatorLabel("volume", { ma: 20 })).toBe("Volume(20)");
    expect(indicatorLabel("volume", { ma: 0 })).toBe("Volume");
  });

  it("sanitises params: clamps, rounds ints, fills defaults, drops unknown keys and bad enums", () => {
    const rsi = chartIndicators().find((m) => m.id === "rsi")!;
    expect(sanitizeParams(rsi.params, { period: 1, source: "nope", extra: 3 })).toEqual({ period: 2, source: "close" });
    expect(sanitizeParams(rsi.params, { period: 14.6 })).toEqual({ period: 15, source: "close" });
    expect(sanitizeParams(rsi.params, { period: "21" })).toEqual({ period: 21, source: "close" });
    expect(sanitizeParams(rsi.params, { period: Number.NaN })).toEqual({ period: 14, source: "close" });
    expect(sanitizeParams(rsi.params, { period: 1e9 }).period).toBe(5000);
  });

  it("accepts only complete, in-bounds values from a param input", () => {
    const rsiPeriod = chartIndicators().find((m) => m.id === "rsi")!.params.period!;
    expect(parseParamInput(rsiPeriod, "14")).toBe(14);
    expect(parseParamInput(rsiPeriod, "1")).toBeNull(); // min 2: still typing "14"
    expect(parseParamInput(rsiPeriod, "14.5")).toBeNull();
    expect(parseParamInput(rsiPeriod, "")).toBeNull();
    const acc = chartIndicators().find((m) => m.id === "sar")!.params.acceleration!;
    expect(parseParamInput(acc, "0.03")).toBe(0.03);
    expect(parseParamInput(acc, "2")).toBeNull();
  });

  it("gives stable accessible names per instance", () => {
    const list = [ind("ema", {}, "a"), ind("rsi", {}, "b"), ind("ema", {}, "c")];
    const names = instanceNames(list);
    expect([...names.values()]).toEqual(["EMA", "RSI", "EMA 2"]);
    const rsi = chartIndicators().find((m) => m.id === "rsi")!;
    const macd = chartIndicators().find((m) => m.id === "macd")!;
    const st = chartIndicators().find((m) => m.id === "supertrend")!;
    expect(paramAriaLabel("RSI", rsi.params.period!)).toBe("RSI period");
    expect(paramAriaLabel("MACD", macd.params.fast!)).toBe("MACD fast period");
    expect(paramAriaLabel("SuperTrend", st.params.multiplier!)).toBe("SuperTrend ATR multiplier");
  });
});

describe("picker state", () => {
  it("adds with default params and unique keys, edits and removes by key", () => {
    let v: ChartIndicatorsValue = { indicators: [], patterns: [] };
    v = addIndicator(v, "ema");
    v = addIndicator(v, "ema");
    expect(v.indicators.map((i) => i.key)).toEqual(["ema", "ema-2"]);
    expect(v.indicators[0]!.params).toEqual({ period: 20, source: "close" });
    v = setIndicatorParam(v, "ema-2", "period", 50);
    expect(v.indicators[1]!.params.period).toBe(50);
    expect(v.indicators[0]!.params.period).toBe(20);
    v = removeIndicator(v, "ema");
    expect(v.indicators.map((i) => i.key)).toEqual(["ema-2"]);
    expect(newIndicator("ema", v.indicators).key).toBe("ema");
    expect(() => newIndicator("nope", [])).toThrow(RangeError);
  });

  it("toggles patterns in the registry's order", () => {
    let v: ChartIndicatorsValue = { indicators: [], patterns: [] };
    v = togglePattern(v, "hammer", true);
    v = togglePattern(v, "bullish_engulfing", true);
    expect(v.patterns).toEqual(["bullish_engulfing", "hammer"]);
    expect(togglePattern(v, "hammer", true)).toBe(v);
    expect(togglePattern(v, "hammer", false).patterns).toEqual(["bullish_engulfing"]);
  });

  it("defaults to EMA(20) on price, RSI(14) and volume in panes", () => {
    const bars = makeBars(60);
    const plans = planIndicators(DEFAULT_CHART_INDICATORS.indicators, barsToColumns(bars));
    expect(plans.map((p) => [p.label, p.pane])).toEqual([
      ["EMA(20)", "price"],
      ["RSI(14)", "own"],
      ["Volume(20)", "own"],
    ]);
  });

  it("parses a stored value defensively", () => {
    expect(parseChartIndicators(null)).toBeNull();
    expect(parseChartIndicators({ indicators: "x" })).toBeNull();
    const v = parseChartIndicators({
      indicators: [
        { key: "a", id: "rsi", params: { period: 999999, source: "bogus" } },
        { key: "a", id: "ema", params: { period: 50 } }, // duplicate key
        { id: "nope", params: {} },
        { key: "c", id: "macd", color: "url(javascript:x)" },
        "junk",
      ],
      patterns: ["hammer", "not_a_pattern", "bullish_engulfing"],
    })!;
    expect(v.indicators.map((i) => [i.key, i.id])).toEqual([
      ["a", "rsi"],
      ["ema", "ema"],
      ["c", "macd"],
    ]);
    expect(v.indicators[0]!.params).toEqual({ period: 5000, source: "close" });
    expect(v.indicators[2]!.color).toBeUndefined();
    expect(v.indicators[2]!.params).toEqual({ fast: 12, slow: 26, signal: 9, source: "close" });
    expect(v.patterns).toEqual(["bullish_engulfing", "hammer"]);
    // Round trip of the default.
    expect(parseChartIndicators(JSON.parse(JSON.stringify(DEFAULT_CHART_INDICATORS)))).toEqual(DEFAULT_CHART_INDICATORS);
  });
});

describe("colours", () => {
  it("keeps preferred slots for pane indicators and avoids clashes among overlays", () => {
    const list = [ind("ema", {}, "e1"), ind("ema", {}, "e2"), ind("sma", {}, "s1"), ind("rsi", {}, "r"), ind("macd", {}, "m"), { ...ind("wma", {}, "w"), color: "#123456" }];
    const s = assignColorSlots(list);
    expect(s.get("e1")!.slot).toBe(0);
    expect(s.get("e2")!.slot).toBe(1); // next free after EMA's preferred 0
    expect(s.get("s1")!.slot).toBe(2); // SMA prefers 1, taken by the second EMA
    expect(s.get("r")!.slot).toBe(2); // own pane: its preferred slot, no clash possible
    expect(s.get("m")!.slot).toBe(0);
    expect(s.get("w")!.color).toBe("#123456");
    // Removing an unrelated pane indicator does not change overlay colours.
    const s2 = assignColorSlots(list.filter((i) => i.key !== "r"));
    expect(s2.get("s1")!.slot).toBe(2);
  });

  it("resolves roles against the palette and theme", () => {
    const c = { palette: ["p0", "p1", "p2"], up: "U", down: "D", muted: "M" };
    expect(roleColor("primary", { slot: 2 }, c)).toBe("p2");
    expect(roleColor("secondary", { slot: 2 }, c)).toBe("p0");
    expect(roleColor("tertiary", { slot: 2 }, c)).toBe("p1");
    expect(roleColor("primary", { slot: 2, color: "#fff" }, c)).toBe("#fff");
    expect(roleColor("up", { slot: 0 }, c)).toBe("U");
  });
});

describe("plans", () => {
  const bars = makeBars(300);
  const columns = barsToColumns(bars);

  it("matches the registry's values", () => {
    const p = plan(bars, ind("rsi", { period: 14 }));
    const ref = computeIndicator("rsi", columns, { period: 14 }).rsi!;
    expect(Array.from(out(p, "rsi").values)).toEqual(Array.from(ref));
    expect(p.guides).toEqual([70, 30]);
    expect(p.range).toEqual({ min: 0, max: 100 });
  });

  it("draws Bollinger bands as three price lines with a fill, not %B/bandwidth", () => {
    const p = plan(bars, ind("bbands"));
    expect(p.pane).toBe("price");
    expect(p.outputs.map((o) => o.id)).toEqual(["upper", "middle", "lower"]);
    expect(p.bands).toEqual([{ upper: "upper", lower: "lower", kind: "fill", role: "primary" }]);
  });

  it("draws MACD with the histogram below the two lines, in its own pane", () => {
    const p = plan(bars, ind("macd"));
    expect(p.pane).toBe("own");
    expect(p.outputs.map((o) => [o.id, o.kind])).toEqual([
      ["hist", "histogram"],
      ["macd", "line"],
      ["signal", "line"],
    ]);
  });

  it("shifts Ichimoku senkou spans forward and chikou back, for display only", () => {
    const p = plan(bars, ind("ichimoku", { displacement: 26 }));
    expect(out(p, "senkouA").shift).toBe(26);
    expect(out(p, "senkouB").shift).toBe(26);
    expect(out(p, "tenkan").shift).toBe(0);
    expect(out(p, "chikou").shift).toBe(-26);
    expect(p.futureBars).toBe(26);
    expect(p.bands[0]!.kind).toBe("cloud");
    // The computed values themselves are not shifted.
    const ref = computeIndicator("ichimoku", columns, {}).senkouA!;
    expect(Array.from(out(p, "senkouA").values)).toEqual(Array.from(ref));
    // The cloud over bar t was computed at t − 26.
    expect(valueAt(out(p, "senkouA"), 200)).toBe(ref[174]);
  });

  it("splits SuperTrend into up/down lines by direction", () => {
    const p = plan(bars, ind("supertrend"));
    const ref = computeIndicator("supertrend", columns, {});
    const up = out(p, "up").values;
    const down = out(p, "down").values;
    for (let i = 0; i < bars.length; i++) {
      if (ref.direction![i] === 1) expect([up[i], down[i]]).toEqual([ref.supertrend![i], NaN]);
      else if (ref.direction![i] === -1) expect([up[i], down[i]]).toEqual([NaN, ref.supertrend![i]]);
      else expect([up[i], down[i]]).toEqual([NaN, NaN]);
    }
    // The legend shows only the active side.
    const i = bars.length - 1;
    expect(legendValuesAt(p, i)).toHaveLength(1);
  });

  it("draws SAR as points and ADX with ±DI", () => {
    expect(out(plan(bars, ind("sar")), "sar").kind).toBe("points");
    expect(plan(bars, ind("adx")).outputs.map((o) => [o.id, o.role])).toEqual([
      ["adx", "primary"],
      ["plusDi", "up"],
      ["minusDi", "down"],
    ]);
  });

  it("plans volume in a pane or overlaid on price, with an optional MA", () => {
    const pane = plan(bars, ind("volume", { ma: 20, placement: "pane" }));
    expect(pane.pane).toBe("own");
    expect(pane.outputs.map((o) => o.id)).toEqual(["volume", "ma"]);
    expect(out(pane, "volume").coloring).toBe("candle");
    const overlay = plan(bars, ind("volume", { ma: 0, placement: "overlay" }));
    expect(overlay.pane).toBe("price");
    expect(overlay.outputs.map((o) => o.id)).toEqual(["volume"]);
    expect(out(overlay, "volume").priceScaleId).toBe("volume:volume");
    expect(overlay.layout).not.toBe(pane.layout);
  });

  it("never throws: unknown ids and bad params become errors or sanitised values", () => {
    const p = plan(bars, ind("nope"));
    expect(p.error).toMatch(/Unknown indicator/);
    expect(p.outputs).toEqual([]);
    expect(plan(bars, ind("rsi", { period: -4 })).params.period).toBe(2);
    expect(plan([], ind("macd")).outputs.every((o) => o.values.length === 0)).toBe(true);
  });

  it("keeps plan identity for unchanged indicators and recomputes edited ones", () => {
    const cache = new Map<string, IndicatorPlan>();
    const a = planIndicators([ind("ema", { period: 20 }), ind("rsi")], columns, cache);
    const b = planIndicators([ind("ema", { period: 21 }), ind("rsi")], columns, cache);
    expect(b[1]).toBe(a[1]);
    expect(b[0]).not.toBe(a[0]);
    expect(cache.size).toBe(2); // the EMA(20) plan is dropped
  });

  it("computes every registry indicator on few bars without throwing", () => {
    const few = makeBars(3);
    for (const m of chartIndicators()) {
      const p = plan(few, ind(m.id));
      expect(p.error, m.id).toBeUndefined();
      for (const o of p.outputs) expect(o.values.length, `${m.id}.${o.id}`).toBe(3);
    }
  });
});

describe("time axis", () => {
  it("extends daily stock bars over weekdays only", () => {
    const bars = makeBars(20); // Mon 2024-01-01 …, weekdays
    const last = new Date(bars[bars.length - 1]!.ts);
    expect(last.getUTCDay()).toBe(5); // a Friday
    const f = futureTimes(bars, 3, DAY);
    expect(f.map((t) => new Date(t).getUTCDay())).toEqual([1, 2, 3]);
  });

  it("extends 24/7 daily bars over every day and intraday bars by their interval", () => {
    const crypto = makeBars(20, { weekdaysOnly: false });
    const f = futureTimes(crypto, 2, DAY);
    expect(f).toEqual([crypto[19]!.ts + DAY, crypto[19]!.ts + 2 * DAY]);
    const m5 = makeBars(20, { step: 5 * MIN });
    expect(futureTimes(m5, 2, 5 * MIN)).toEqual([m5[19]!.ts + 5 * MIN, m5[19]!.ts + 10 * MIN]);
    // Unknown interval: inferred from the bars.
    expect(futureTimes(m5, 1, 0)).toEqual([m5[19]!.ts + 5 * MIN]);
    expect(futureTimes([], 5, DAY)).toEqual([]);
  });

  it("appends future times to the bar times and finds display indexes", () => {
    const bars = makeBars(10, { step: MIN });
    const t = displayTimes(bars, 3, MIN);
    expect(t).toHaveLength(13);
    expect(t.slice(0, 10)).toEqual(bars.map((b) => b.ts));
    expect(displayIndexOf(t, bars[4]!.ts)).toBe(4);
    expect(displayIndexOf(t, bars[9]!.ts + 2 * MIN)).toBe(11);
    expect(displayIndexOf(t, bars[4]!.ts + 1)).toBe(-1);
  });
});

describe("series data", () => {
  const times = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => Date.UTC(2024, 0, 1 + i));
  const secs = times.map(toChartTime);

  it("skips the NaN warm-up and breaks the line at later NaNs", () => {
    const v = Float64Array.from([NaN, NaN, 1, 2, NaN, 3]);
    expect(toIndicatorPoints(v, 0, times.slice(0, 6))).toEqual([
      { time: secs[2], value: 1 },
      { time: secs[3], value: 2 },
      { time: secs[4] },
      { time: secs[5], value: 3 },
    ]);
    // Trailing NaNs add nothing.
    expect(toIndicatorPoints(Float64Array.from([1, NaN]), 0, times)).toEqual([{ time: secs[0], value: 1 }]);
  });

  it("draws forward shifts into the extended times and backward shifts from the start", () => {
    const v = Float64Array.from([NaN, 10, 11, 12, 13]);
    expect(toIndicatorPoints(v, 3, times)).toEqual([
      { time: secs[4], value: 10 },
      { time: secs[5], value: 11 },
      { time: secs[6], value: 12 },
      { time: secs[7], value: 13 },
    ]);
    expect(toIndicatorPoints(v, -2, times)).toEqual([
      { time: secs[0], value: 11 },
      { time: secs[1], value: 12 },
      { time: secs[2], value: 13 },
    ]);
    // Not enough future times: the rest is cut, not misplaced.
    expect(toIndicatorPoints(v, 5, times)).toEqual([
      { time: secs[6], value: 10 },
      { time: secs[7], value: 11 },
    ]);
  });

  it("returns only the changed tail for incremental updates, NaNs as whitespace", () => {
    const v = Float64Array.from([1, 2, 3, NaN, 5]);
    expect(toIndicatorPoints(v, 0, times, { from: 3 })).toEqual([{ time: secs[3] }, { time: secs[4], value: 5 }]);
    expect(tailHasGap(v, 5)).toBe(false);
    expect(tailHasGap(v, 4)).toBe(true); // bar 3 (before the first changed one) is a gap
  });

  it("hides the segment lightweight-charts would draw across a gap", () => {
    const v = Float64Array.from([NaN, 1, 2, NaN, NaN, 3, 4, NaN]);
    const pts = toIndicatorPoints(v, 0, times, { breakGaps: true, colorAt: () => "c" });
    expect(pts).toEqual([
      { time: secs[1], value: 1, color: "c" },
      { time: secs[2], value: 2, color: "transparent" },
      { time: secs[3] },
      { time: secs[4] },
      { time: secs[5], value: 3, color: "c" },
      { time: secs[6], value: 4, color: "c" }, // trailing gap: nothing to hide, colour kept
    ]);
  });

  it("colours volume by candle and MACD histogram by sign and momentum", () => {
    const bars = makeBars(5);
    const columns = barsToColumns(bars);
    const c = { up: "U", down: "D", upWeak: "u", downWeak: "d" };
    const vol = plan(bars, ind("volume", { ma: 0 }));
    const colorAt = pointColors(out(vol, "volume"), columns, c)!;
    bars.forEach((b, i) => expect(colorAt(i, b.volume)).toBe(b.close >= b.open ? "U" : "D"));
    const hist = { ...out(plan(makeBars(60), ind("macd")), "hist"), values: Float64Array.from([NaN, 1, 2, 1, -1, -2, -1]) };
    const m = pointColors(hist, columns, c)!;
    expect([1, 2, 3, 4, 5, 6].map((i) => m(i, hist.values[i]!))).toEqual(["U", "U", "u", "D", "D", "d"]);
  });

  it("aligns band edges with their shifts and breaks at gaps", () => {
    const bars = makeBars(6);
    const t = displayTimes(bars, 2, DAY);
    const base = out(plan(makeBars(60), ind("bbands")), "upper");
    const upper = { ...base, values: Float64Array.from([NaN, 5, 6, 7, 8, 9]), shift: 2 };
    const lower = { ...base, values: Float64Array.from([NaN, 1, 2, NaN, 4, 5]), shift: 2 };
    const pts = bandPoints(upper, lower, t);
    expect(pts.map((p) => [p.time, p.upper, p.lower])).toEqual([
      [toChartTime(t[3]!), 5, 1],
      [toChartTime(t[4]!), 6, 2],
      [toChartTime(t[5]!), NaN, NaN],
      [toChartTime(t[6]!), 8, 4],
      [toChartTime(t[7]!), 9, 5],
    ]);
  });

  it("splits a cloud where its edges cross and keeps one run for a plain fill", () => {
    const px = [
      { x: 0, yUpper: 10, yLower: 20, diff: 1 },
      { x: 10, yUpper: 30, yLower: 10, diff: -2 },
      { x: 20, yUpper: 30, yLower: 10, diff: -2 },
      { x: NaN, yUpper: NaN, yLower: NaN, diff: NaN },
      { x: 40, yUpper: 5, yLower: 6, diff: 1 },
      { x: 50, yUpper: 5, yLower: 6, diff: 1 },
    ];
    const runs = bandRuns(px, true);
    expect(runs.map((r) => r.positive)).toEqual([true, false, true]);
    // Crossing at a third of the first segment (diff 1 → −2).
    const [x, y] = runs[0]!.upper[1]!;
    expect(x).toBeCloseTo(10 / 3);
    expect(y).toBeCloseTo(10 + 20 / 3);
    expect(runs[1]!.upper[0]).toEqual(runs[0]!.upper[1]);
    expect(bandRuns(px, false)).toHaveLength(2);
  });

  it("chooses axis precision from the values' magnitude", () => {
    const base = out(plan(makeBars(60), ind("rsi")), "rsi");
    expect(valuePrecision([{ ...base, values: Float64Array.from([NaN, 56.2]) }])).toBe(2);
    expect(valuePrecision([{ ...base, values: Float64Array.from([0.0123, -0.05]) }])).toBe(4);
    expect(valuePrecision([{ ...base, values: Float64Array.from([0.00012]) }])).toBe(7);
  });
});

describe("legend", () => {
  const bars = makeBars(120);

  it("formats 'RSI(14) 56.21' at a display index, and '—' during warm-up", () => {
    const p = plan(bars, ind("rsi", { period: 14 }));
    const v = out(p, "rsi").values[100]!;
    expect(legendText(p, 100)).toBe(`RSI(14) ${v.toFixed(2)}`);
    expect(legendText(p, 3)).toBe("RSI(14) —");
  });

  it("lists multi-output values in draw order and uses the price format on overlays", () => {
    const macd = plan(bars, ind("macd"));
    expect(legendValuesAt(macd, 110).map((v) => v.id)).toEqual(["hist", "macd", "signal"]);
    const ema = plan(bars, ind("ema"));
    expect(legendText(ema, 50)).toBe(`EMA(20) ${out(ema, "ema").values[50]!.toFixed(2)}`);
    expect(legendText(plan(bars, ind("nope")), 5)).toMatch(/^nope Unknown indicator/);
  });

  it("shows Ichimoku's cloud values in the future slots", () => {
    const p = plan(bars, ind("ichimoku"));
    const future = bars.length + 10; // a display slot after the last bar
    const vals = legendValuesAt(p, future);
    expect(vals.find((v) => v.id === "senkouA")!.value).toBe(out(p, "senkouA").values[future - 26]);
    expect(Number.isNaN(vals.find((v) => v.id === "tenkan")!.value)).toBe(true);
  });

  it("formats values by kind", () => {
    expect(formatIndicatorValue(56.214, "number")).toBe("56.21");
    expect(formatIndicatorValue(-0.01234, "number")).toBe("-0.0123");
    expect(formatIndicatorValue(0.000123456, "number")).toBe("0.000123");
    expect(formatIndicatorValue(2_500_000, "volume")).toBe("2.50M");
    expect(formatIndicatorValue(1_234_567, "number")).toBe("1.23M");
    expect(formatIndicatorValue(123.456, "price")).toBe("123.46");
    expect(formatIndicatorValue(NaN, "price")).toBe("—");
  });
});

describe("patterns", () => {
  const bars = makeBars(400);
  const columns = barsToColumns(bars);
  const ids = ["bullish_engulfing", "bearish_engulfing", "doji", "hammer"];

  it("puts bullish arrows below, bearish above, neutral circles above, one marker per side and bar", () => {
    const flags = new Map<string, Uint8Array>([
      ["bullish_engulfing", Uint8Array.from([0, 1, 0, 1])],
      ["hammer", Uint8Array.from([0, 1, 0, 0])],
      ["bearish_engulfing", Uint8Array.from([0, 0, 1, 1])],
      ["doji", Uint8Array.from([1, 0, 0, 0])],
    ]);
    const hits = patternHits(flags, 4);
    expect(hits.map((h) => h.index)).toEqual([0, 1, 2, 3]);
    const m = patternMarkers(hits, bars, { up: "U", down: "D", muted: "M" });
    expect(m.map((x) => [x.time, x.position, x.shape, x.color, x.text])).toEqual([
      [toChartTime(bars[0]!.ts), "aboveBar", "circle", "M", "Doji"],
      [toChartTime(bars[1]!.ts), "belowBar", "arrowUp", "U", "Engulf·Hammer"],
      [toChartTime(bars[2]!.ts), "aboveBar", "arrowDown", "D", "Engulf"],
      [toChartTime(bars[3]!.ts), "belowBar", "arrowUp", "U", "Engulf"],
      [toChartTime(bars[3]!.ts), "aboveBar", "arrowDown", "D", "Engulf"],
    ]);
    expect(patternLabelsAt(hits, 1)).toEqual(["Bullish engulfing", "Hammer (confirmed)"]);
    expect(patternLabelsAt(hits, 7)).toEqual([]);
  });

  it("matches detectPattern, and recomputes only the tail when the last bar ticks or bars are appended", () => {
    const cache = new PatternFlagsCache();
    for (const id of ids) expect(Array.from(cache.flags(id, bars, columns))).toEqual(Array.from(detectPattern(id, columns)));
    // The last bar changes, then two bars are appended.
    const ticked = [...bars.slice(0, -1), { ...bars[bars.length - 1]!, close: bars[bars.length - 1]!.open * 1.05, high: bars[bars.length - 1]!.open * 1.06 }];
    const appended = [...ticked, ...makeBars(402).slice(400).map((b, i) => ({ ...b, ts: ticked[ticked.length - 1]!.ts + (i + 1) * DAY }))];
    for (const next of [ticked, appended]) {
      const c = barsToColumns(next);
      for (const id of ids) expect(Array.from(cache.flags(id, next, c)), id).toEqual(Array.from(detectPattern(id, c)));
    }
    // Prepended history: full recompute, still equal.
    const older = makeBars(450).slice(0, 50).map((b, i) => ({ ...b, ts: bars[0]!.ts - (50 - i) * DAY }));
    const pre = [...older, ...appended];
    const pc = barsToColumns(pre);
    for (const id of ids) expect(Array.from(cache.flags(id, pre, pc))).toEqual(Array.from(detectPattern(id, pc)));
  });
});
