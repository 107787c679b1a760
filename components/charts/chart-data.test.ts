import { describe, expect, it } from "vitest";
import {
  formatBarTime,
  formatChangePct,
  formatCrosshairTime,
  formatPrice,
  formatTickMark,
  formatVolume,
  indexOfTs,
  pricePrecision,
  legendValues,
  planBarsUpdate,
  scoreAt,
  toChartTime,
  toSeriesData,
  withAlpha,
  type ChartBar,
} from "./chart-data";

const DAY = 86_400_000;
const colors = { up: "rgba(0, 255, 0, 0.5)", down: "rgba(255, 0, 0, 0.5)" };

/** n daily bars from 2024-01-01 UTC with a deterministic zig-zag. */
function makeBars(n: number, start = Date.UTC(2024, 0, 1), step = DAY): ChartBar[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 100 + i;
    const close = i % 2 === 0 ? open + 1 : open - 1;
    return { ts: start + i * step, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.5, close, volume: 1000 + i };
  });
}

describe("toSeriesData", () => {
  it("converts epoch ms to UTC seconds and keeps OHLC", () => {
    const bars = makeBars(3);
    const { candles, volume } = toSeriesData(bars, colors);
    expect(candles).toHaveLength(3);
    expect(candles[0]).toEqual({ time: Date.UTC(2024, 0, 1) / 1000, open: 100, high: 101.5, low: 99.5, close: 101 });
    expect(volume.map((v) => v.value)).toEqual([1000, 1001, 1002]);
  });

  it("colors volume by candle direction", () => {
    const { volume } = toSeriesData(makeBars(2), colors);
    expect(volume[0]!.color).toBe(colors.up); // close > open
    expect(volume[1]!.color).toBe(colors.down);
  });

  it("keeps a daily bar on its UTC date and intraday times in UTC", () => {
    expect(toChartTime(Date.UTC(2021, 3, 21))).toBe(1618963200);
    expect(formatBarTime(Date.UTC(2021, 3, 21), false)).toBe("2021-04-21");
    expect(formatBarTime(Date.UTC(2021, 3, 21, 13, 30), true)).toBe("2021-04-21 13:30");
    expect(formatCrosshairTime(toChartTime(Date.UTC(2021, 3, 21, 13, 30)), true)).toBe("Wed 2021-04-21 13:30 UTC");
    expect(formatCrosshairTime(toChartTime(Date.UTC(2021, 3, 21)), false)).toBe("Wed 2021-04-21");
  });

  it("formats tick marks in UTC", () => {
    const t = toChartTime(Date.UTC(2021, 3, 21, 9, 5, 7));
    expect(formatTickMark(t, 0)).toBe("2021");
    expect(formatTickMark(t, 1)).toBe("Apr");
    expect(formatTickMark(t, 2)).toBe("21 Apr");
    expect(formatTickMark(t, 3)).toBe("09:05");
    expect(formatTickMark(t, 4)).toBe("09:05:07");
  });
});

describe("planBarsUpdate", () => {
  const base = makeBars(10);

  it("detects no change, including equal bars in new objects", () => {
    expect(planBarsUpdate(base, base)).toEqual({ kind: "none" });
    expect(planBarsUpdate(base, base.map((b) => ({ ...b })))).toEqual({ kind: "none" });
  });

  it("updates the last bar in place", () => {
    const next = base.map((b) => ({ ...b }));
    next[9] = { ...next[9]!, close: 200, high: 201, volume: 5000 };
    expect(planBarsUpdate(base, next)).toEqual({ kind: "update", from: 9 });
  });

  it("appends new bars", () => {
    const next = makeBars(12);
    expect(planBarsUpdate(base, next)).toEqual({ kind: "update", from: 10 });
  });

  it("appends and updates the previous last bar", () => {
    const next = makeBars(12);
    next[9] = { ...next[9]!, close: 42 };
    expect(planBarsUpdate(base, next)).toEqual({ kind: "update", from: 9 });
  });

  it("updates a recently closed bar in place (late print) together with the forming one", () => {
    const next = base.map((b, i) => (i === 8 ? { ...b, close: b.close + 0.25 } : i === 9 ? { ...b, close: 1 } : b));
    expect(planBarsUpdate(base, next)).toEqual({ kind: "update", from: 8 });
    const appended = [...next, ...makeBars(1, Date.UTC(2024, 0, 11))];
    expect(planBarsUpdate(base, appended)).toEqual({ kind: "update", from: 8 });
    // Further back than the live tail: redraw.
    const older = base.map((b, i) => (i === 2 ? { ...b, close: 0 } : b));
    expect(planBarsUpdate(base, older)).toEqual({ kind: "reset" });
  });

  it("detects prepended history", () => {
    const older = makeBars(5, Date.UTC(2024, 0, 1) - 5 * DAY);
    expect(planBarsUpdate(base, [...older, ...base])).toEqual({ kind: "prepend", count: 5 });
  });

  it("detects prepended history with a ticking last bar", () => {
    const older = makeBars(5, Date.UTC(2024, 0, 1) - 5 * DAY);
    const next = [...older, ...base.slice(0, 9), { ...base[9]!, close: 1 }];
    expect(planBarsUpdate(base, next)).toEqual({ kind: "prepend", count: 5 });
  });

  it("resets when past bars change (adjusted prices) or the series is replaced", () => {
    const adjusted = base.map((b) => ({ ...b, open: b.open / 2, high: b.high / 2, low: b.low / 2, close: b.close / 2 }));
    expect(planBarsUpdate(base, adjusted)).toEqual({ kind: "reset" });
    expect(planBarsUpdate(base, makeBars(10, Date.UTC(2024, 0, 1), 60_000))).toEqual({ kind: "reset" });
    expect(planBarsUpdate(base, base.slice(0, 5))).toEqual({ kind: "reset" });
    expect(planBarsUpdate([], base)).toEqual({ kind: "reset" });
    expect(planBarsUpdate(base, [])).toEqual({ kind: "reset" });
    expect(planBarsUpdate([], [])).toEqual({ kind: "none" });
  });

  it("resets when a middle bar changed while older bars were prepended", () => {
    const older = makeBars(3, Date.UTC(2024, 0, 1) - 3 * DAY);
    const next = [...older, ...base.map((b, i) => (i === 4 ? { ...b, close: 0 } : b))];
    expect(planBarsUpdate(base, next)).toEqual({ kind: "reset" });
  });
});

describe("legend", () => {
  const bars = makeBars(3);

  it("gives OHLCV and the change vs the previous close", () => {
    const l = legendValues(bars, 1)!;
    expect(l).toMatchObject({ open: 101, close: 100, volume: 1001 });
    expect(l.changePct).toBeCloseTo(((100 - 101) / 101) * 100, 10);
    expect(l.up).toBe(false);
  });

  it("uses the open for the first bar and clamps the index", () => {
    expect(legendValues(bars, 0)!.changePct).toBeCloseTo(1, 10); // 100 → 101
    expect(legendValues(bars, 99)!.ts).toBe(bars[2]!.ts);
    expect(legendValues([], 0)).toBeNull();
  });

  it("finds bars by ts", () => {
    expect(indexOfTs(bars, bars[2]!.ts)).toBe(2);
    expect(indexOfTs(bars, bars[2]!.ts + 1)).toBe(-1);
    expect(indexOfTs([], 0)).toBe(-1);
  });

  it("formats numbers", () => {
    expect(formatPrice(1234.567)).toBe("1234.57");
    expect(formatPrice(0.123456)).toBe("0.1235");
    expect(formatPrice(0.0000123456)).toBe("0.00001235");
    expect(formatVolume(950)).toBe("950");
    expect(formatVolume(12_345)).toBe("12.3K");
    expect(formatVolume(4_560_000)).toBe("4.56M");
    expect(formatVolume(1.2e9)).toBe("1.20B");
    expect(formatChangePct(1.234)).toBe("+1.23%");
    expect(formatChangePct(-0.5)).toBe("-0.50%");
    expect([pricePrecision(185.64), pricePrecision(0.5), pricePrecision(0.00001234), pricePrecision(0)]).toEqual([2, 4, 8, 2]);
  });

  it("adds alpha to theme colors", () => {
    expect(withAlpha("#22c55e", 0.5)).toBe("rgba(34, 197, 94, 0.5)");
    expect(withAlpha("#fff", 0.2)).toBe("rgba(255, 255, 255, 0.2)");
    expect(withAlpha("rgb(1, 2, 3)", 0.3)).toBe("rgba(1, 2, 3, 0.3)");
    expect(withAlpha("tomato", 0.3)).toBe("tomato");
  });
});

describe("scoreAt", () => {
  const pts = [
    { ts: 10, value: 0.1 },
    { ts: 20, value: -0.2 },
    { ts: 40, value: 0.4 },
  ];
  it("takes the newest point at or before the bar, never a later one", () => {
    expect(scoreAt(pts, 20)).toBe(-0.2);
    expect(scoreAt(pts, 39)).toBe(-0.2);
    expect(scoreAt(pts, 1_000)).toBe(0.4);
  });
  it("is null before the first point and without points", () => {
    expect(scoreAt(pts, 9)).toBeNull();
    expect(scoreAt([], 50)).toBeNull();
  });
});
