import { describe, expect, it } from "vitest";
import { StandardScaler, fitScalerOnTrain } from "./scaler";
import { simDataset } from "./test-helpers";
import { holdoutSplit } from "./splits";

describe("StandardScaler", () => {
  it("matches a two-pass mean/std, ignores NaN, constant columns get std 1", () => {
    const x = new Float64Array([1, 5, 7, 2, 5, Number.NaN, 3, 5, 9, 6, 5, 11]);
    const s = StandardScaler.fit(x, 3);
    expect(Array.from(s.mean)).toEqual([3, 5, 9]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 4), 12);
    expect(s.std[1]).toBe(1);
    expect(s.std[2]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    const z = s.transform(x);
    expect(z[0]).toBeCloseTo(-2 / s.std[0]!, 12);
    const back = s.inverse(z);
    expect(back[3]).toBeCloseTo(2, 12);
  });

  it("JSON round trip is exact", () => {
    const x = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i * 1.7) * 1e3 + 1 / (i + 3));
    const s = StandardScaler.fit(x, 5);
    const r = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(Array.from(r.mean)).toEqual(Array.from(s.mean));
    expect(Array.from(r.std)).toEqual(Array.from(s.std));
    expect(Array.from(r.transform(x))).toEqual(Array.from(s.transform(x)));
    expect(() => StandardScaler.fromJSON({ kind: "minmax" })).toThrow();
  });

  it("fitScalerOnTrain only reads rows of train windows (changing later rows leaves it unchanged)", () => {
    const { ds } = simDataset({ symbols: 8, end: "2020-12-31", window: 5 });
    const f = holdoutSplit(ds);
    const a = fitScalerOnTrain(ds, f.train.idx);
    const lastTrainTs = Math.max(...Array.from(f.train.idx, (i) => ds.ts[i]!));
    const src = ds.source.slice();
    for (let i = 0; i < ds.n; i++) if (ds.ts[i]! > lastTrainTs) src.fill(123, ds.end[i]! * ds.features, (ds.end[i]! + 1) * ds.features);
    const b = fitScalerOnTrain({ ...ds, source: src }, f.train.idx);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(Array.from(b.std)).toEqual(Array.from(a.std));
  });
});
