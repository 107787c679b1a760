import { featureNames } from "@/lib/features";
import { buildWindowDataset, makeLabels, type SymbolSeries, type TDatasetSpec, type WindowDataset } from "@/lib/ml";
import { AppError } from "@/lib/errors";
import { loadSymbolSeries } from "./load-symbol-series";

/** Rows of history loaded before `from`: the first windows and the 12-1 momentum baseline (252 bars) need them. */
const BASELINE_LOOKBACK = 260;

export interface BuiltDataset {
  ds: WindowDataset;
  /** Adjusted closes per symbol, aligned with the dataset's series rows (for the price baselines). */
  closes: Float64Array[];
  features: string[];
  ms: number;
}

/**
 * A dataset spec → samples, from the feature store (point in time) and adjusted closes (labels via
 * lib/labels). Symbols without stored features make it fail: compute the features first.
 */
export async function buildDataset(spec: TDatasetSpec): Promise<BuiltDataset> {
  const t0 = performance.now();
  const features = spec.features ?? [...featureNames(spec.featureSet)];
  const from = Date.parse(`${spec.from}T00:00:00Z`);
  const to = Date.parse(`${spec.to}T00:00:00Z`);
  const rows = [];
  for (const symbol of spec.universe) {
    rows.push(
      await loadSymbolSeries({
        symbol,
        timeframe: spec.timeframe,
        featureSet: spec.featureSet,
        features,
        from,
        to,
        before: Math.max(spec.window, BASELINE_LOOKBACK),
        after: spec.label.horizon + 1,
      }),
    );
  }
  const empty = rows.filter((r) => r.ts.length === 0).map((r) => r.symbol);
  if (empty.length === rows.length) {
    throw new AppError("UNPROCESSABLE", { message: `no stored ${spec.featureSet} features for ${spec.universe.join(",")}`, userMessage: "No stored features for these symbols and dates: compute the feature store first." });
  }
  const labels = makeLabels(spec.label, rows.map((r) => ({ ts: r.ts, close: r.close })));
  const series: SymbolSeries[] = rows.map((r, k) => ({ symbol: r.symbol, ts: r.ts, features: r.features, label: labels[k]!.label, fwdReturn: labels[k]!.fwdReturn }));
  const ds = buildWindowDataset({ ...spec, features }, series);
  return { ds, closes: rows.map((r) => r.close), features, ms: performance.now() - t0 };
}
