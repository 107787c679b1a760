/**
 * Labels: training targets. The only module tree that reads bars after t (forward-return.ts).
 * lib/features never imports it; lib/labels may import lib/features' pure helpers (csRank, hash,
 * timestamp alignment).
 *
 *   const lm = computeLabels(adjustedBars);           // LABEL_FWD_RET_*D, LABEL_DIR_*D
 *   fillCrossSectionalLabels([lmA, lmB, lmC]);         // LABEL_CSRANK_FWD_RET_*D
 *   lm.column("LABEL_FWD_RET_5D");                     // NaN in the last 5 rows
 *   MAX_LABEL_HORIZON                                  // purge / embargo in bars
 */
export { direction, forwardReturn, upDown } from "./forward-return";
export type { CsLabelDef, LabelContext, LabelDef, TsLabelDef } from "./registry";
export {
  computeLabels,
  describeLabels,
  fillCrossSectionalLabels,
  LABEL_NAMES,
  LABEL_SET_HASH,
  LABEL_SET_ID,
  LabelMatrix,
  labelNames,
  LABELS,
  LABELS_CODE_VERSION,
  MAX_LABEL_HORIZON,
} from "./registry";
