/**
 * Point-in-time (no look-ahead) test over EVERY feature of EVERY registered set, so a new feature
 * cannot skip it. For several t (0, 1, around each distinct lookback, deep in the series, the end):
 * - time-series features: recomputing on bars[0..t], or on bars whose rows after t are replaced by
 *   garbage (including NaN), leaves every value at rows ≤ t bit-for-bit unchanged;
 * - cross-sectional features: truncating every symbol after a timestamp, or scrambling every
 *   symbol's bars after it (other symbols' futures included), leaves every value at or before it
 *   unchanged. Symbols start on different dates and have gaps, so the alignment is exercised too.
 */
import { describe, expect, it } from "vitest";
import type { BarColumns } from "@/lib/bars/columns";
import { computeFeatures, FeatureMatrix, fillCrossSectional } from "./compute";
import { FeatureContext } from "./context";
import { defineFeatureSet, FEATURE_SET_IDS, type FeatureSet, getFeatureSet } from "./feature-set";
import { copyRows, dropRows, loadDaily, sameValue, scrambleAfter, simDaily } from "./test-helpers";

const DATA: [string, BarColumns][] = [
  ["AAPL daily", loadDaily("AAPL")],
  ["simulated", simDaily(1, 21, "2012-01-01", "2016-12-31")[0]!],
];

/** Cut points: 0, 1, 2, each lookback −1/0/+1, a few deep rows and the second-to-last row. */
function cutPoints(lookbacks: readonly number[], n: number): number[] {
  const ts = new Set<number>([0, 1, 2, 300, 777, n - 2]);
  for (const lb of lookbacks) for (const d of [-1, 0, 1]) ts.add(lb + d);
  return [...ts].filter((t) => t >= 0 && t < n - 1).sort((a, b) => a - b);
}

/** First feature/row at ≤ t whose value differs (NaN equals NaN), or null. */
function firstDiff(full: FeatureMatrix, part: FeatureMatrix, t: number, only?: readonly number[]): string | null {
  for (const k of only ?? full.set.features.map((_, i) => i)) {
    const a = full.column(k);
    const b = part.column(k);
    for (let i = 0; i <= t; i++) {
      if (!sameValue(a[i], b[i])) return `${full.set.names[k]} at row ${i}: ${a[i]} vs ${b[i]}`;
    }
  }
  return null;
}

/** First look-ahead found in the set's time-series features over the cut points, or null. */
function timeSeriesLeak(set: FeatureSet, bars: BarColumns, cuts: readonly number[]): string | null {
  const ctx = new FeatureContext();
  const full = computeFeatures(bars, { set });
  const part = new FeatureMatrix(set);
  for (const t of cuts) {
    computeFeatures(copyRows(bars, 0, t + 1), { set, out: part, context: ctx });
    const truncated = firstDiff(full, part, t, set.tsIndices);
    if (truncated) return `truncated after row ${t}: ${truncated}`;
    computeFeatures(scrambleAfter(bars, t, 31 * t + 7), { set, out: part, context: ctx });
    const scrambled = firstDiff(full, part, t, set.tsIndices);
    if (scrambled) return `scrambled after row ${t}: ${scrambled}`;
  }
  return null;
}

describe("the point-in-time check", () => {
  it("catches a feature that peeks one bar ahead", () => {
    const leaky = defineFeatureSet("leaky", 1, [
      {
        kind: "ts",
        name: "PEEK1",
        group: "return",
        lookback: 0,
        description: "Reads the next close (must be caught).",
        compute: (ctx, out) => {
          for (let i = 0; i < ctx.n; i++) out[i] = i + 1 < ctx.n ? ctx.close[i + 1]! / ctx.close[i]! : NaN;
        },
      },
    ]);
    expect(timeSeriesLeak(leaky, DATA[0]![1], [10, 500])).toMatch(/PEEK1 at row 10/);
  });
});

describe.each(FEATURE_SET_IDS)("no look-ahead in %s", (setId) => {
  const set = getFeatureSet(setId);
  const lookbacks = [...new Set(set.features.map((f) => f.lookback))];

  it.each(DATA)("time-series features on %s: values at ≤ t ignore bars after t", (_name, bars) => {
    const leak = timeSeriesLeak(set, bars, cutPoints(lookbacks, bars.length));
    if (leak) expect.fail(leak);
  });

  it("cross-sectional features: values at ≤ ts ignore every symbol's bars after ts", () => {
    // Six symbols on one calendar; two list later, one has gaps.
    const raw = simDaily(6, 5, "2013-01-01", "2016-12-31");
    const universe = raw.map((b, s) => (s === 1 ? copyRows(b, 120, b.length) : s === 4 ? copyRows(b, 300, b.length) : s === 2 ? dropRows(b, new Set([5, 50, 260, 261, 500])) : b));
    const fullMatrices = universe.map((b) => computeFeatures(b, { set }));
    fillCrossSectional(fullMatrices);
    const timeline = raw[0]!.ts;
    const csLookbacks = set.csIndices.map((k) => set.features[k]!.lookback);
    const cuts = cutPoints(csLookbacks, timeline.length).concat([121, 650]);
    for (const c of cuts) {
      const cutTs = timeline[c]!;
      /** Rows of symbol s with ts ≤ cutTs. */
      const rowsUpTo = (b: BarColumns) => {
        let r = 0;
        while (r < b.length && b.ts[r]! <= cutTs) r++;
        return r;
      };
      for (const mode of ["truncated", "scrambled"] as const) {
        const altered = universe.map((b, s) => {
          const r = rowsUpTo(b);
          return mode === "truncated" ? copyRows(b, 0, r) : scrambleAfter(b, r - 1, 1000 * c + s);
        });
        const ms = altered.map((b) => computeFeatures(b, { set }));
        fillCrossSectional(ms);
        universe.forEach((b, s) => {
          const lastRow = rowsUpTo(b) - 1;
          const diff = firstDiff(fullMatrices[s]!, ms[s]!, lastRow, set.csIndices);
          if (diff) expect.fail(`${mode} after ${new Date(cutTs).toISOString().slice(0, 10)}, symbol ${s}: ${diff}`);
        });
      }
    }
  });
});
