/**
 * Baselines computed on the same test segment as the model, so every report shows the lift:
 * 12-1 momentum, 5-day reversal (from adjusted closes, reading only bars ≤ t) and ridge on the decision-time features.
 */
import type { WindowDataset } from "./dataset";
import { gatherLastStep, gatherTargets, pick } from "./dataset";
import type { EvalReport } from "./metrics";
import { evaluatePredictions } from "./metrics";
import { fitRidge, predictRidge } from "./models/ridge";

/** close[t−21] / close[t−252] − 1 (NaN without 252 bars of history). */
export function momentum12_1(close: Float64Array, t: number): number {
  return t >= 252 ? close[t - 21]! / close[t - 252]! - 1 : Number.NaN;
}

/** −(close[t] / close[t−5] − 1): last week's losers are expected to bounce. */
export function reversal5(close: Float64Array, t: number): number {
  return t >= 5 ? -(close[t]! / close[t - 5]! - 1) : Number.NaN;
}

/** Score of each sample in idx from per-symbol adjusted closes (aligned with the series the dataset was built from). NaN → 0 (neutral). */
export function priceBaseline(ds: WindowDataset, idx: ArrayLike<number>, closes: readonly Float64Array[], f: (close: Float64Array, t: number) => number): Float32Array {
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const v = f(closes[ds.symbol[idx[i]!]!]!, ds.row[idx[i]!]!);
    out[i] = Number.isFinite(v) ? v : 0;
  }
  return out;
}

/** Ridge on the decision-time feature rows: fit on train, predict test. */
export function ridgeBaseline(ds: WindowDataset, train: ArrayLike<number>, test: ArrayLike<number>, lambda = 1e-2): Float32Array {
  const model = fitRidge(gatherLastStep(ds, train), gatherTargets(ds, train), ds.features, { lambda });
  return predictRidge(model, gatherLastStep(ds, test));
}

export interface BaselineComparison {
  model: EvalReport;
  baselines: Record<string, EvalReport>;
  /** Model IC / rank IC minus each baseline's. */
  lift: Record<string, { ic: number; rankIc: number }>;
}

/** Evaluates model predictions and every baseline on the same test samples. */
export function compareWithBaselines(ds: WindowDataset, test: ArrayLike<number>, pred: ArrayLike<number>, baselines: Record<string, ArrayLike<number>>): BaselineComparison {
  const d = { y: pick(ds.y, test), ts: pick(ds.ts, test), fwdReturn: pick(ds.fwdReturn, test), center: ds.spec.label.kind === "cs_rank" ? 0.5 : 0 };
  const model = evaluatePredictions(pred, d);
  const out: BaselineComparison = { model, baselines: {}, lift: {} };
  for (const [name, p] of Object.entries(baselines)) {
    const r = evaluatePredictions(p, d);
    out.baselines[name] = r;
    out.lift[name] = { ic: model.ic.mean - r.ic.mean, rankIc: model.rankIc.mean - r.rankIc.mean };
  }
  return out;
}
