/**
 * Feature definitions: the registry entry types shared by every feature set.
 */
import type { FeatureContext } from "./context";
import type { CrossSectionScratch } from "./cross-section";

/** Feature groups (documentation and UI grouping; not part of the storage order). */
export const FEATURE_GROUPS = [
  "kbar",
  "return",
  "volatility",
  "trend",
  "indicator",
  "volume",
  "range",
  "updown",
  "calendar",
  "cross-section",
] as const;
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

interface FeatureDefBase {
  /** `<MNEMONIC><window>` in upper case (STYLE.md §3), e.g. ROC5, MA20, CSRANK_ROC20. */
  name: string;
  /** One sentence: formula and normalisation. */
  description: string;
  group: FeatureGroup;
  /**
   * Warm-up in bars: on a clean series the first defined (non-NaN) value is at index `lookback`,
   * every value before it is NaN. Checked by registry.test.ts for every feature.
   */
  lookback: number;
}

/**
 * Per-symbol time-series feature: computed from one symbol's ADJUSTED bars. `compute` fills `out`
 * (length = bars) and must read bars `[0..i]` only for `out[i]`.
 */
export interface TsFeatureDef extends FeatureDefBase {
  kind: "ts";
  compute(ctx: FeatureContext, out: Float64Array<ArrayBuffer>): void;
}

/** Cross-sectional operator applied to one timestamp's values across symbols. */
export type CrossSectionOp = "rank" | "zscore";

/**
 * Cross-sectional feature: an operator applied, per timestamp, to a time-series feature (`base`,
 * which must belong to the same set) across the symbols present at that timestamp.
 * `compute(values, out, scratch)` maps one cross-section (one value per symbol, NaN = absent) to
 * one output per symbol (NaN for absent symbols).
 */
export interface CsFeatureDef extends FeatureDefBase {
  kind: "cs";
  base: string;
  op: CrossSectionOp;
  compute(values: Float64Array, out: Float64Array, scratch: CrossSectionScratch): void;
}

export type FeatureDef = TsFeatureDef | CsFeatureDef;

/** Serializable description of a feature (`describeFeatures`). */
export interface FeatureInfo {
  /** Position in the set's storage order. */
  index: number;
  name: string;
  description: string;
  group: FeatureGroup;
  lookback: number;
  kind: "ts" | "cs";
  /** Cross-sectional features only: the time-series feature they rank / standardise. */
  base?: string;
}
