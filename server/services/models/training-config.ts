import { z } from "zod";
// Schemas only, from their modules: this file is reachable from the web app, which must not bundle tfjs.
import { ZModelParams } from "@/lib/ml/models/layers";
import { ZTrainOptions } from "@/lib/ml/train";

/** How a run's samples are split: one walk-forward fold (train … embargo … val … embargo … test), by periods. */
export const ZSplitOptions = z.object({
  testFraction: z.number().gt(0).max(0.5).default(0.2),
  valFraction: z.number().min(0).max(0.5).default(0.15),
  /** Periods skipped between segments; at least the label horizon (purge covers the rest). */
  embargo: z.number().int().min(0).max(252).optional(),
  /** Rolling train window in periods (default: expanding). */
  trainPeriods: z.number().int().min(20).optional(),
});
export type TSplitOptions = z.infer<typeof ZSplitOptions>;

/** Neural models train with lib/ml train(); LSTM with one layer uses the hand-written fast engine. */
export const ZRunConfig = z.object({
  model: ZModelParams,
  train: ZTrainOptions.default(ZTrainOptions.parse({})),
  split: ZSplitOptions.default(ZSplitOptions.parse({})),
});
export type TRunConfig = z.infer<typeof ZRunConfig>;
export type TRunConfigInput = z.input<typeof ZRunConfig>;
