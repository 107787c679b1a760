/**
 * Scale-free: every feature is unchanged (within 1e-9) when all prices are multiplied by 7 and/or
 * volumes by 1/7, because prices only enter as ratios and volumes only relative to volumes. A split
 * in RAW data is such a rescaling applied to part of the history only, which would break the
 * windows that straddle it: that is why features take adjusted bars.
 */
import { describe, expect, it } from "vitest";
import type { BarColumns } from "@/lib/bars/columns";
import { computeFeatures, type FeatureMatrix, fillCrossSectional } from "./compute";
import { FEATURE_SET_IDS, getFeatureSet } from "./feature-set";
import { cloneColumns, loadDaily, rescale, simDaily } from "./test-helpers";

const TOL = 1e-9;
// Factors whose rounding does not break exact price ties (×7 is exact on a binary price grid):
// indicators with tie-dependent branches (ADX's +DM vs −DM) are only continuous away from ties.

/** First feature/row where a and b differ by more than TOL·max(1, |a|) (NaN must match NaN). */
function firstMismatch(a: FeatureMatrix, b: FeatureMatrix, only?: readonly number[]): string | null {
  for (const k of only ?? a.set.features.map((_, i) => i)) {
    const x = a.column(k);
    const y = b.column(k);
    for (let i = 0; i < x.length; i++) {
      const u = x[i]!;
      const v = y[i]!;
      if (Number.isNaN(u) !== Number.isNaN(v) || Math.abs(u - v) > TOL * Math.max(1, Math.abs(u))) return `${a.set.names[k]}[${i}]: ${u} vs ${v}`;
    }
  }
  return null;
}

const DATA: [string, BarColumns][] = [
  ["AAPL daily", loadDaily("AAPL")],
  ["simulated", simDaily(1, 4, "2012-01-01", "2017-12-31")[0]!],
];

describe.each(FEATURE_SET_IDS)("scale-free features in %s", (setId) => {
  const set = getFeatureSet(setId);

  it.each(DATA)("%s: prices × 7 (volume × 1/7, or unchanged) leave every time-series feature unchanged", (_name, bars) => {
    const base = computeFeatures(bars, { set });
    for (const [p, v] of [
      [7, 1 / 7],
      [7, 1],
      [1, 1 / 7],
      [1, 1000],
    ] as const) {
      const diff = firstMismatch(base, computeFeatures(rescale(bars, p, v), { set }), set.tsIndices);
      if (diff) expect.fail(`prices × ${p}, volume × ${v}: ${diff}`);
    }
  });

  it("cross-sectional features are unchanged when each symbol is rescaled by its own factor", () => {
    const bars = simDaily(6, 8, "2014-01-01", "2016-12-31");
    const base = bars.map((b) => computeFeatures(b, { set }));
    fillCrossSectional(base);
    const scaled = bars.map((b, s) => computeFeatures(rescale(b, 7 ** (s - 2), 1 / 7 ** s), { set }));
    fillCrossSectional(scaled);
    base.forEach((m, s) => {
      const diff = firstMismatch(m, scaled[s]!, set.csIndices);
      if (diff) expect.fail(`symbol ${s}: ${diff}`);
    });
  });
});

describe("why inputs must be adjusted", () => {
  it("an unadjusted 2:1 split changes the features whose windows straddle it", () => {
    const bars = loadDaily("AAPL");
    const split = 1500;
    const raw = cloneColumns(bars);
    for (let i = split; i < raw.length; i++) {
      for (const f of ["open", "high", "low", "close"] as const) raw[f][i] = bars[f][i]! / 2;
      raw.volume[i] = bars.volume[i]! * 2;
    }
    const adjusted = computeFeatures(bars);
    const unadjusted = computeFeatures(raw);
    expect(unadjusted.column("ROC5")[split + 2]).toBeCloseTo((1 + adjusted.column("ROC5")[split + 2]!) / 2 - 1, 12);
    expect(unadjusted.column("HIGH252")[split + 10]).toBeGreaterThan(adjusted.column("HIGH252")[split + 10]! + 0.5);
    // Before the split nothing changes (no look-ahead) and long after it the windows are clean again.
    expect(unadjusted.column("MA20")[split - 1]).toBe(adjusted.column("MA20")[split - 1]);
    expect(unadjusted.column("MA20")[split + 100]).toBeCloseTo(adjusted.column("MA20")[split + 100]!, 9);
  });
});
