import { z } from "zod";
import { MODEL_KINDS, MODEL_RUN_STATUSES, MODEL_STAGES } from "@/db/schema";
import { ZDatasetSpec } from "@/lib/ml/dataset";
import { ZRunConfig } from "../../services/models/training-config";

export const ZModelName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lowercase letters, digits, . _ - (max 64)");

export const ZCreateDatasetSpecInput = z.object({ name: z.string().min(1).max(100), spec: ZDatasetSpec });
export const ZDatasetSpecOutput = z.object({ id: z.uuid(), name: z.string(), specHash: z.string(), spec: ZDatasetSpec, createdAt: z.date() });

export const ZStartTrainingInput = z.object({ modelName: ZModelName, datasetSpecId: z.uuid(), config: ZRunConfig });
export const ZStartTrainingOutput = z.object({ runId: z.uuid(), jobId: z.string() });

const ZHeadline = z.object({
  ic: z.number(),
  icir: z.number(),
  icT: z.number(),
  rankIc: z.number(),
  mse: z.number(),
  directionalAccuracy: z.number(),
  topMinusBottom: z.number(),
  samples: z.number(),
});

export const ZRunSummary = z.object({
  id: z.uuid(),
  modelName: z.string(),
  kind: z.enum(MODEL_KINDS),
  status: z.enum(MODEL_RUN_STATUSES),
  progress: z.number(),
  epoch: z.number().nullable(),
  epochs: z.number().nullable(),
  etaMs: z.number().nullable(),
  loss: z.number().nullable(),
  valLoss: z.number().nullable(),
  backend: z.string().nullable(),
  gitSha: z.string().nullable(),
  dataset: z.object({ symbols: z.number(), timeframe: z.string(), from: z.string(), to: z.string(), featureSet: z.string(), label: z.string(), window: z.number() }),
  specHash: z.string(),
  datasetHash: z.string().nullable(),
  metrics: ZHeadline.nullable(),
  baselines: z.record(z.string(), ZHeadline).nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  cancelRequested: z.boolean(),
  resumedFromEpoch: z.number().nullable(),
  version: z.number().nullable(),
  stage: z.enum(MODEL_STAGES).nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});

const ZSeries = z.object({ mean: z.number(), std: z.number(), icir: z.number(), t: z.number(), periods: z.number() });
const ZEval = z.object({
  samples: z.number(),
  mse: z.number(),
  directionalAccuracy: z.number(),
  ic: ZSeries,
  rankIc: ZSeries,
  topMinusBottom: ZSeries,
  perPeriod: z.object({ ts: z.array(z.number()), ic: z.array(z.number().nullable()), rankIc: z.array(z.number().nullable()) }).optional(),
});

export const ZRunDetail = ZRunSummary.extend({
  params: z.record(z.string(), z.unknown()),
  trainOptions: z.record(z.string(), z.unknown()),
  split: z.record(z.string(), z.unknown()),
  datasetSpec: z.record(z.string(), z.unknown()),
  curves: z.array(z.object({ epoch: z.number(), loss: z.number(), valLoss: z.number(), lr: z.number(), metrics: z.record(z.string(), z.number()), samplesPerSecond: z.number(), elapsedMs: z.number(), etaMs: z.number(), best: z.boolean() })),
  fullMetrics: z
    .object({
      model: ZEval,
      baselines: z.record(z.string(), ZEval),
      lift: z.record(z.string(), z.object({ ic: z.number(), rankIc: z.number() })),
      split: z.object({
        trainSamples: z.number(),
        valSamples: z.number(),
        testSamples: z.number(),
        purged: z.object({ train: z.number(), val: z.number() }),
        train: z.tuple([z.number(), z.number()]),
        val: z.tuple([z.number(), z.number()]),
        test: z.tuple([z.number(), z.number()]),
      }),
      counts: z.record(z.string(), z.number()),
      bestEpoch: z.number(),
      stopped: z.string(),
    })
    .nullable(),
  artifacts: z.object({ format: z.string(), features: z.array(z.string()), weightBytes: z.number(), predStats: z.object({ mean: z.number(), std: z.number() }) }).nullable(),
});

export const ZSetStageInput = z.object({ runId: z.uuid(), stage: z.enum(MODEL_STAGES), reason: z.string().min(3).max(500) });
export const ZRollbackInput = z.object({ modelName: ZModelName, reason: z.string().min(3).max(500) });

export const ZRegistryOutput = z.object({
  versions: z.array(
    z.object({
      id: z.uuid(),
      modelName: z.string(),
      version: z.number(),
      runId: z.uuid(),
      kind: z.string(),
      stage: z.enum(MODEL_STAGES),
      ic: z.number().nullable(),
      rankIc: z.number().nullable(),
      createdAt: z.date(),
      stageChangedAt: z.date().nullable(),
    }),
  ),
  audit: z.array(z.object({ id: z.uuid(), modelName: z.string(), version: z.number(), from: z.enum(MODEL_STAGES), to: z.enum(MODEL_STAGES), actor: z.string().nullable(), reason: z.string(), at: z.date() })),
});

export const ZSymbolPredictions = z.object({
  version: z.object({ id: z.uuid(), modelName: z.string(), version: z.number() }).nullable(),
  points: z.array(z.object({ ts: z.number(), horizon: z.number(), score: z.number(), confidence: z.number() })),
});
