/**
 * Labels: forward returns read exactly bar t+h, are NaN where t+h is beyond the data, direction and
 * up/down dead zones, cross-sectional rank of forward returns, declared horizons, frozen names.
 */
import { describe, expect, it } from "vitest";
import { barsOf, cloneColumns, simDaily } from "@/lib/features/test-helpers";
import { direction, forwardReturn, upDown } from "./forward-return";
import { computeLabels, describeLabels, fillCrossSectionalLabels, LABEL_NAMES, LABEL_SET_HASH, LABELS, MAX_LABEL_HORIZON } from "./registry";

const CLOSES = [10, 11, 12, 9, 9, 15, 20];
const BARS = barsOf(CLOSES.map((c) => ({ o: c, h: c, l: c, c })));

describe("forward returns", () => {
  it("read close[t + h] / close[t] − 1 and are NaN in the last h rows", () => {
    expect(Array.from(forwardReturn(Float64Array.from(CLOSES), 1))).toEqual([11 / 10 - 1, 12 / 11 - 1, 9 / 12 - 1, 0, 15 / 9 - 1, 20 / 15 - 1, NaN]);
    const f5 = forwardReturn(Float64Array.from(CLOSES), 5);
    expect(Array.from(f5)).toEqual([15 / 10 - 1, 20 / 11 - 1, NaN, NaN, NaN, NaN, NaN]);
    expect(Array.from(forwardReturn(Float64Array.from(CLOSES), 20))).toEqual(CLOSES.map(() => NaN));
    expect(Array.from(forwardReturn(Float64Array.of(10, NaN, 12, 13), 1))).toEqual([NaN, NaN, 13 / 12 - 1, NaN]);
    expect(() => forwardReturn(Float64Array.from(CLOSES), 0)).toThrow(RangeError);
  });

  it("depend on bar t + h and on nothing after it", () => {
    const bars = simDaily(1, 3, "2018-01-01", "2019-12-31")[0]!;
    const base = computeLabels(bars);
    const t = 100;
    for (const def of LABELS.filter((l) => l.kind === "ts")) {
      const h = def.horizon;
      const moved = cloneColumns(bars);
      // Move bar t+h to the other side of close[t] (changes every label kind, the direction too).
      moved.close[t + h] = bars.close[t]! * (bars.close[t + h]! >= bars.close[t]! ? 0.5 : 2);
      expect(computeLabels(moved).column(def.name)[t], `${def.name} must read bar t+${h}`).not.toBe(base.column(def.name)[t]);
      const later = cloneColumns(bars);
      for (let i = t + h + 1; i < later.length; i++) later.close[i] = 1 + i;
      expect(computeLabels(later).column(def.name)[t], `${def.name} must not read past t+${h}`).toBe(base.column(def.name)[t]);
    }
  });
});

describe("direction", () => {
  const fwd = Float64Array.of(0.02, -0.001, 0, NaN, -0.03, 0.004);
  it("is the sign, with an optional dead zone", () => {
    expect(Array.from(direction(fwd))).toEqual([1, -1, 0, NaN, -1, 1]);
    expect(Array.from(direction(fwd, 0.005))).toEqual([1, 0, 0, NaN, -1, 0]);
    expect(() => direction(fwd, -1)).toThrow(RangeError);
  });
  it("up/down is binary and drops the dead zone", () => {
    expect(Array.from(upDown(fwd, 0.005))).toEqual([1, NaN, NaN, NaN, 0, NaN]);
    expect(Array.from(upDown(fwd))).toEqual([1, 0, NaN, NaN, 0, 1]);
  });
});

describe("label set", () => {
  it("names follow LABEL_<what>, every label declares its horizon, the set is frozen", () => {
    for (const l of LABELS) {
      expect(l.name).toMatch(/^LABEL_[A-Z0-9_]+$/);
      expect(l.horizon).toBeGreaterThanOrEqual(1);
      expect(l.description.length).toBeGreaterThan(10);
    }
    expect(new Set(LABEL_NAMES).size).toBe(LABEL_NAMES.length);
    expect(LABEL_NAMES).toEqual([
      "LABEL_FWD_RET_1D",
      "LABEL_FWD_RET_5D",
      "LABEL_FWD_RET_20D",
      "LABEL_DIR_1D",
      "LABEL_DIR_5D",
      "LABEL_DIR_20D",
      "LABEL_CSRANK_FWD_RET_1D",
      "LABEL_CSRANK_FWD_RET_5D",
      "LABEL_CSRANK_FWD_RET_20D",
    ]);
    expect(LABEL_SET_HASH).toBe("3a4e9deba69d"); // frozen: add labels-v2 instead of editing
    expect(MAX_LABEL_HORIZON).toBe(20);
    expect(describeLabels().find((l) => l.name === "LABEL_FWD_RET_5D")).toMatchObject({ horizon: 5, kind: "ts" });
  });

  it("computeLabels fills per-symbol labels and leaves cross-sectional ones NaN", () => {
    const m = computeLabels(BARS);
    expect(m.column("LABEL_FWD_RET_1D")[0]).toBeCloseTo(0.1, 15);
    expect(Array.from(m.column("LABEL_DIR_1D"))).toEqual([1, 1, -1, 0, 1, 1, NaN]);
    expect(Array.from(m.column("LABEL_FWD_RET_5D").subarray(2))).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(Array.from(m.column("LABEL_CSRANK_FWD_RET_1D")).every(Number.isNaN)).toBe(true);
  });

  it("cross-sectional rank of forward returns per timestamp (0..1, ties averaged, NaN excluded)", () => {
    const mk = (closes: number[], start = Date.UTC(2024, 0, 2)) => computeLabels(barsOf(closes.map((c) => ({ o: c, h: c, l: c, c })), start));
    const a = mk([10, 11, 11]); // fwd1: 0.1, 0, NaN
    const b = mk([20, 22, 21]); // fwd1: 0.1, −1/22, NaN
    const c = mk([5, 4, 6]); // fwd1: −0.2, 0.5, NaN
    const d = mk([8, 8], Date.UTC(2024, 0, 3)); // starts one day later: fwd1 0 at day 2
    fillCrossSectionalLabels([a, b, c, d]);
    const r = (m: typeof a) => Array.from(m.column("LABEL_CSRANK_FWD_RET_1D"));
    // day 1: {0.1, 0.1, −0.2} → 0.75, 0.75, 0; day 2: {0, −1/22, 0.5, 0} → 0 ties at ranks 1,2
    expect(r(a)).toEqual([0.75, 0.5, NaN]);
    expect(r(b)).toEqual([0.75, 0, NaN]);
    expect(r(c)).toEqual([0, 1, NaN]);
    expect(r(d)).toEqual([0.5, NaN]);
  });
});
