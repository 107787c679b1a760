/**
 * Simulated datasets for the lib/ml tests and benchmarks: features = the simulator's hidden planted
 * signal at t (optionally blurred with noise), its lags and past returns, plus pure-noise columns; label =
 * forward return (or its rank) from lib/labels. The oracle (the true signal) gives the best achievable IC.
 */
import { createSimulator, Rng } from "@/lib/sim";
import type { TDatasetSpecInput, WindowDataset } from "./dataset";
import { buildWindowDataset, makeLabels, type SymbolSeries } from "./dataset";

export interface SimDatasetOptions {
  seed?: number;
  symbols?: number;
  plantedIC?: number;
  start?: string;
  end?: string;
  window?: number;
  /** Total feature count (≥ 4): signal, signal lag 1, return 1d, return 5d, then noise. */
  features?: number;
  horizon?: number;
  label?: "forward_return" | "cs_rank";
  /** Std of noise added to the observed signal (0: the model sees the exact signal). */
  signalNoise?: number;
  /** Shift the features by k rows: k > 0 uses stale rows (t − k), k < 0 injects look-ahead (t + |k|). */
  featureShift?: number;
  /** Columns 2–3 are past returns (default) or noise. Lagged returns carry a small genuine cross-sectional
   * signal in the simulator (betas × the autocorrelated regime drift), so leakage checks turn them off. */
  priceFeatures?: boolean;
}

export interface SimDataset {
  ds: WindowDataset;
  series: SymbolSeries[];
  closes: Float64Array[];
  /** The true signal per symbol (aligned with series rows). */
  signal: Float64Array[];
  /** Oracle score of each sample (true signal at t). */
  oracle: Float32Array;
}

export function simDataset(o: SimDatasetOptions = {}): SimDataset {
  const S = o.symbols ?? 60;
  const F = Math.max(4, o.features ?? 8);
  const start = o.start ?? "2020-01-01";
  const end = o.end ?? "2021-12-31";
  const sim = createSimulator({ seed: o.seed ?? 11, symbols: S, plantedIC: o.plantedIC ?? 0.1, start, end });
  const rng = new Rng(o.seed ?? 11, 0x5eed);
  const names = Array.from({ length: S }, (_, i) => sim.symbol(i).symbol);
  const closes: Float64Array[] = [];
  const signals: Float64Array[] = [];
  const bars = names.map((_, i) => sim.daily(i));
  bars.forEach((b, i) => {
    const sig = sim.signal(i);
    const map = new Map<number, number>();
    for (let d = 0; d < sig.length; d++) map.set(sig.ts[d]!, sig.value[d]!);
    const n = b.length;
    signals.push(Float64Array.from({ length: n }, (_, t) => map.get(b.ts[t]!) ?? Number.NaN));
    closes.push(b.close.slice(0, n));
  });
  const h = o.horizon ?? 1;
  const labels = makeLabels({ kind: o.label ?? "forward_return", horizon: h }, bars.map((b, i) => ({ ts: b.ts.subarray(0, b.length), close: closes[i]! })));
  const shift = o.featureShift ?? 0;
  const noise = o.signalNoise ?? 0;
  const series: SymbolSeries[] = bars.map((b, i) => {
    const n = b.length;
    const c = closes[i]!;
    const sig = signals[i]!;
    const x = new Float32Array(n * F);
    for (let t = 0; t < n; t++) {
      const src = t - shift;
      const ok = src >= 1 && src < n;
      const s = ok ? sig[src]! + noise * rng.normal() : Number.NaN;
      x[t * F] = s;
      x[t * F + 1] = ok ? sig[src - 1]! : Number.NaN;
      const price = o.priceFeatures ?? true;
      x[t * F + 2] = !ok ? Number.NaN : price ? 10 * (c[src]! / c[src - 1]! - 1) : rng.normal();
      x[t * F + 3] = !(ok && src >= 5) ? Number.NaN : price ? 10 * (c[src]! / c[src - 5]! - 1) : rng.normal();
      for (let j = 4; j < F; j++) x[t * F + j] = rng.normal();
    }
    return { symbol: names[i]!, ts: b.ts.slice(0, n), features: x, label: labels[i]!.label, fwdReturn: labels[i]!.fwdReturn };
  });
  const spec: TDatasetSpecInput = {
    universe: names,
    timeframe: "1d",
    from: start,
    to: "2100-01-01",
    featureSet: "sim-test",
    label: { kind: o.label ?? "forward_return", horizon: h },
    window: o.window ?? 1,
  };
  const ds = buildWindowDataset(spec, series);
  const oracle = new Float32Array(ds.n);
  for (let i = 0; i < ds.n; i++) oracle[i] = signals[ds.symbol[i]!]![ds.row[i]!]!;
  return { ds, series, closes, signal: signals, oracle };
}
