import { describe, expect, it } from "vitest";
import { directionalAccuracy, evaluatePredictions, icByPeriod, mse, summarise, topMinusBottom } from "./metrics";

function corr(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("metrics", () => {
  it("mse and directional accuracy", () => {
    expect(mse([1, 2, 3], [1, 2, 5])).toBeCloseTo(4 / 3, 12);
    expect(directionalAccuracy([1, -1, 1, 1], [2, -3, -1, 0])).toBeCloseTo(2 / 3, 12);
    expect(directionalAccuracy([0.6, 0.4], [0.9, 0.45], 0.5)).toBe(1);
  });

  it("IC per period equals the cross-sectional correlation at each timestamp (interleaved input)", () => {
    const ts = [2, 1, 2, 1, 2, 1, 2, 1];
    const pred = [0.1, 3, 0.5, 1, 0.2, 2, 0.9, 5];
    const y = [1, 2, 3, 1, 2, 4, 7, 3];
    const r = icByPeriod(pred, y, ts);
    expect(Array.from(r.ts)).toEqual([1, 2]);
    expect(r.ic[0]).toBeCloseTo(corr([3, 1, 2, 5], [2, 1, 4, 3]), 12);
    expect(r.ic[1]).toBeCloseTo(corr([0.1, 0.5, 0.2, 0.9], [1, 3, 2, 7]), 12);
    expect(r.rankIc[1]).toBeCloseTo(1, 12);
    expect(r.rankIc[0]).toBeCloseTo(corr([2, 0, 1, 3], [1, 0, 3, 2]), 12);
  });

  it("summary ICIR and t-stat", () => {
    const s = summarise(new Float64Array([0.1, 0.2, Number.NaN, 0.3]));
    expect(s.mean).toBeCloseTo(0.2, 12);
    expect(s.std).toBeCloseTo(0.1, 12);
    expect(s.icir).toBeCloseTo(2, 12);
    expect(s.t).toBeCloseTo(2 * Math.sqrt(3), 12);
  });

  it("top-minus-bottom decile spread", () => {
    const ts = Array(20).fill(0);
    const pred = Array.from({ length: 20 }, (_, i) => i);
    const ret = Array.from({ length: 20 }, (_, i) => i / 100);
    const r = topMinusBottom(pred, ret, ts, 0.1);
    expect(r.mean).toBeCloseTo((0.19 + 0.18 - 0.0 - 0.01) / 2, 12);
    const rep = evaluatePredictions(pred, { y: ret, ts, fwdReturn: ret });
    expect(rep.ic.mean).toBeCloseTo(1, 12);
    expect(rep.topMinusBottom.mean).toBeCloseTo(r.mean, 12);
  });
});
