/**
 * Feature engine (pure: no db, no fetch, no env). See README.md in this folder.
 *
 *   const ctx = new FeatureContext();                         // reuse across symbols
 *   const m = computeFeatures(adjustedBars, { set: "core-v1", context: ctx });
 *   m.column("ROC20");                                        // Float64Array view, NaN in warm-up
 *   fillCrossSectional([mA, mB, mC]);                         // CSRANK_* / CSZ_* aligned on ts
 *   m.row(i, new Float32Array(m.width));                      // storage vector, set order
 *   featureNames("core-v1"); describeFeatures("core-v1"); featureSetHash("core-v1");
 *
 * Labels (the only code that reads the future) live in lib/labels; nothing here imports them.
 */
export { civilFromDays, dayNumber, daysInMonth, weekdayOf, weekdaysAfter } from "./calendar";
export type { ComputeFeaturesOptions, CrossSectionPanel, TimestampedRows } from "./compute";
export { computeCrossSectionalPanel, computeFeatures, crossSectionalBases, FeatureMatrix, fillCrossSectional, forEachCrossSection } from "./compute";
export { assertBarColumns, FeatureContext } from "./context";
export { CORE_V1_CODE_VERSION, CORE_V1_FEATURES } from "./core-v1";
export { CrossSectionScratch, csRank, csZScore, MIN_CS_SYMBOLS } from "./cross-section";
export type { FeatureSet, FeatureSetId } from "./feature-set";
export {
  DEFAULT_FEATURE_SET,
  defineFeatureSet,
  describeFeatures,
  FEATURE_SET_IDS,
  FEATURE_SETS,
  featureNames,
  featureSetHash,
  fnv1a64,
  getFeatureSet,
  isFeatureSetId,
} from "./feature-set";
export { rollingCorr, rollingExtreme, rollingMean, rollingMeanStd, rollingRank, rollingSlope, rollingSum } from "./rolling";
export type { CrossSectionOp, CsFeatureDef, FeatureDef, FeatureGroup, FeatureInfo, TsFeatureDef } from "./types";
export { FEATURE_GROUPS } from "./types";
