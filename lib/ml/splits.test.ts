import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walkForwardSplits } from "./splits";

/** Panel of S symbols × P periods with label windows of h periods (labelEnd = ts + h). */
function panel(S: number, P: number, h: number) {
  const ts = new Float64Array(S * P);
  const labelEnd = new Float64Array(S * P);
  for (let p = 0; p < P; p++)
    for (let s = 0; s < S; s++) {
      ts[p * S + s] = p;
      labelEnd[p * S + s] = p + h;
    }
  return { ts, labelEnd };
}

describe("walkForwardSplits", () => {
  it("purges label windows overlapping the next segment and leaves the embargo gap", () => {
    fc.assert(
      fc.property(
        fc.record({
          h: fc.integer({ min: 1, max: 10 }),
          embargo: fc.integer({ min: 0, max: 8 }),
          folds: fc.integer({ min: 1, max: 4 }),
          test: fc.integer({ min: 1, max: 15 }),
          val: fc.integer({ min: 0, max: 10 }),
          rolling: fc.option(fc.integer({ min: 20, max: 60 }), { nil: undefined }),
        }),
        ({ h, embargo, folds, test, val, rolling }) => {
          const d = panel(3, 200, h);
          const out = walkForwardSplits(d, { folds, testPeriods: test, valPeriods: val, embargo, trainPeriods: rolling });
          expect(out).toHaveLength(folds);
          out.forEach((f, k) => {
            const maxEnd = (idx: Int32Array) => Math.max(...Array.from(idx, (i) => d.labelEnd[i]!));
            const minTs = (idx: Int32Array) => Math.min(...Array.from(idx, (i) => d.ts[i]!));
            const maxTs = (idx: Int32Array) => Math.max(...Array.from(idx, (i) => d.ts[i]!));
            const next = val > 0 ? f.val : f.test;
            expect(f.train.idx.length).toBeGreaterThan(0);
            // no train label window reaches val/test; no val label window reaches test
            expect(maxEnd(f.train.idx)).toBeLessThan(minTs(next.idx));
            if (val > 0 && f.val.idx.length) expect(maxEnd(f.val.idx)).toBeLessThan(minTs(f.test.idx));
            // embargo: at least `embargo` empty periods between segments
            expect(minTs(next.idx) - maxTs(f.train.idx) - 1).toBeGreaterThanOrEqual(Math.max(embargo, h));
            // test blocks tile the end of the data, in order
            expect(f.test.idx.length).toBe(3 * test);
            expect(maxTs(f.test.idx)).toBe(200 - (folds - 1 - k) * test - 1);
            if (rolling !== undefined) expect(f.train.periods).toBeLessThanOrEqual(rolling);
            // segments are disjoint
            const all = new Set<number>();
            for (const idx of [f.train.idx, f.val.idx, f.test.idx]) for (const i of idx) {
              expect(all.has(i)).toBe(false);
              all.add(i);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reports purge counts and throws when folds do not fit", () => {
    const d = panel(2, 100, 5);
    const [f] = walkForwardSplits(d, { testPeriods: 20, valPeriods: 10 });
    expect(f!.purged).toEqual({ train: 2 * 5, val: 2 * 5 });
    expect(f!.train.idx.length).toBe(2 * (70 - 5));
    const [g] = walkForwardSplits(d, { testPeriods: 20, valPeriods: 10, embargo: 5 });
    expect(g!.purged).toEqual({ train: 0, val: 0 });
    expect(() => walkForwardSplits(d, { folds: 6, testPeriods: 20 })).toThrow(RangeError);
  });
});
