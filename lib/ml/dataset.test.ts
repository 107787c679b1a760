import { describe, expect, it } from "vitest";
import { buildWindowDataset, gatherLastStep, gatherWindows, makeLabels, parseDatasetSpec, specHash, type SymbolSeries } from "./dataset";

const DAY = 86_400_000;
const T0 = Date.parse("2024-01-01T00:00:00Z");

function series(symbol: string, n: number, F: number, seed: number): SymbolSeries {
  const ts = Float64Array.from({ length: n }, (_, t) => T0 + t * DAY);
  const features = Float32Array.from({ length: n * F }, (_, k) => Math.sin(seed * 13.1 + k * 0.37));
  const close = Float64Array.from({ length: n }, (_, t) => 100 + 10 * Math.sin(seed + t * 0.2));
  const { label, fwdReturn } = makeLabels({ kind: "forward_return", horizon: 3 }, [{ ts, close }])[0]!;
  return { symbol, ts, features, label, fwdReturn };
}

const spec = (o: Partial<Parameters<typeof parseDatasetSpec>[0]> = {}) =>
  parseDatasetSpec({ universe: ["A", "B"], timeframe: "1d", from: "2024-01-01", to: "2025-01-01", featureSet: "test", label: { kind: "forward_return", horizon: 3 }, window: 5, ...o });

describe("dataset spec", () => {
  it("validates with zod", () => {
    expect(() => spec({ from: "2025-01-01", to: "2024-01-01" })).toThrow();
    expect(() => spec({ universe: ["A", "A"] })).toThrow();
    expect(() => spec({ timeframe: "2d" as "1d" })).toThrow();
    expect(() => spec({ label: { kind: "direction", horizon: 0 } })).toThrow();
    expect(spec({ label: { kind: "direction", horizon: 2 } }).label).toEqual({ kind: "direction", horizon: 2, deadZone: 0 });
  });
  it("hash is canonical (key order) and changes with any field", () => {
    const a = spec();
    const b = parseDatasetSpec(JSON.parse(JSON.stringify({ window: 5, label: a.label, featureSet: "test", to: a.to, from: a.from, timeframe: "1d", universe: ["A", "B"] })));
    expect(specHash(a)).toBe(specHash(b));
    expect(specHash(spec({ window: 6 }))).not.toBe(specHash(a));
  });
});

describe("buildWindowDataset", () => {
  const F = 3;
  const data = [series("A", 40, F, 1), series("B", 30, F, 2)];
  const ds = buildWindowDataset(spec(), data);

  it("windows are the rows (t−W, t] of the sample's symbol, samples sorted by ts", () => {
    expect(ds.n).toBe(40 - 4 - 3 + (30 - 4 - 3));
    const w = gatherWindows(ds, [...Array(ds.n).keys()]);
    for (let i = 0; i < ds.n; i++) {
      const s = data[ds.symbol[i]!]!;
      const t = ds.row[i]!;
      expect(ds.ts[i]).toBe(s.ts[t]);
      expect(ds.labelEnd[i]).toBe(s.ts[t + 3]);
      expect(ds.y[i]).toBe(Math.fround(s.label[t]!));
      expect(Array.from(w.subarray(i * 5 * F, (i + 1) * 5 * F))).toEqual(Array.from(s.features.subarray((t - 4) * F, (t + 1) * F)));
      if (i > 0) expect(ds.ts[i]! >= ds.ts[i - 1]!).toBe(true);
    }
    const last = gatherLastStep(ds, [0, 1]);
    expect(Array.from(last.subarray(0, F))).toEqual(Array.from(w.subarray(4 * F, 5 * F)));
  });

  it("counts warm-up, NaN features and NaN labels", () => {
    expect(ds.counts).toEqual({ candidates: 70, kept: ds.n, warmup: 8, nanFeatures: 0, nanLabel: 6 });
    const bad = series("A", 40, F, 1);
    bad.features[20 * F + 1] = Number.NaN; // poisons the windows of t = 20 … 24
    const ds2 = buildWindowDataset(spec(), [bad, data[1]!]);
    expect(ds2.counts.nanFeatures).toBe(5);
    expect(ds2.n).toBe(ds.n - 5);
  });

  it("no look-ahead: changing rows after t never changes a sample at t", () => {
    const cut = 25;
    const changed = data.map((s) => {
      const f = s.features.slice();
      for (let k = (cut + 1) * F; k < f.length; k++) f[k] = 999;
      return { ...s, features: f };
    });
    const ds2 = buildWindowDataset(spec(), changed);
    const idx = [...Array(ds.n).keys()].filter((i) => ds.row[i]! <= cut);
    expect(Array.from(gatherWindows(ds2, idx))).toEqual(Array.from(gatherWindows(ds, idx)));
    expect(ds2.hash).not.toBe(ds.hash);
  });

  it("hash is deterministic over spec + data", () => {
    expect(buildWindowDataset(spec(), data).hash).toBe(ds.hash);
    expect(buildWindowDataset(spec({ window: 4 }), data).hash).not.toBe(ds.hash);
  });

  it("date range filters decision times; mismatched inputs throw", () => {
    const narrow = buildWindowDataset(spec({ from: "2024-01-10", to: "2024-01-20" }), data);
    expect(Math.min(...narrow.ts)).toBeGreaterThanOrEqual(Date.parse("2024-01-10"));
    expect(Math.max(...narrow.ts)).toBeLessThan(Date.parse("2024-01-20"));
    expect(() => buildWindowDataset(spec(), [data[0]!])).toThrow(RangeError);
    expect(() => buildWindowDataset(spec(), [data[1]!, data[0]!])).toThrow(RangeError);
  });

  it("cross-sectional rank labels are percentiles per timestamp", () => {
    const ts = Float64Array.from({ length: 10 }, (_, t) => T0 + t * DAY);
    const closes = [1, 2, 3].map((k) => ({ ts, close: Float64Array.from({ length: 10 }, (_, t) => 100 * (1 + 0.01 * k) ** t) }));
    const l = makeLabels({ kind: "cs_rank", horizon: 1 }, closes);
    expect([l[0]!.label[0], l[1]!.label[0], l[2]!.label[0]]).toEqual([0, 0.5, 1]);
    expect(Number.isNaN(l[0]!.label[9]!)).toBe(true);
  });
});
