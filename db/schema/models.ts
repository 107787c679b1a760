import {
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { timestamps, tsz } from "./columns";

/** Raw bytes (model weights, checkpoints): Buffer in, Buffer out. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "bytea",
});

/**
 * A dataset spec (lib/ml ZDatasetSpec: universe, timeframe, dates, feature set, label, window) with the
 * hash of its canonical JSON. The same spec is stored once; runs copy it and add the data's content hash.
 */
export const datasetSpecs = pgTable(
  "dataset_specs",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    spec: jsonb().$type<Record<string, unknown>>().notNull(),
    specHash: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [uniqueIndex("dataset_specs_hash_idx").on(t.specHash)],
);

export const MODEL_RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type ModelRunStatus = (typeof MODEL_RUN_STATUSES)[number];
export const modelRunStatus = pgEnum("model_run_status", MODEL_RUN_STATUSES);

export const MODEL_KINDS = ["ridge", "mlp", "lstm", "gru"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** One epoch of a run's curves (lib/ml EpochProgress, trimmed). */
export interface RunEpoch {
  epoch: number;
  loss: number;
  valLoss: number;
  lr: number;
  metrics: Record<string, number>;
  samplesPerSecond: number;
  elapsedMs: number;
  etaMs: number;
  best: boolean;
}

/** Test-segment metrics of one prediction vector (lib/ml EvalReport, perPeriod only for the model). */
export interface RunEvalSummary {
  samples: number;
  mse: number;
  directionalAccuracy: number;
  ic: { mean: number; std: number; icir: number; t: number; periods: number };
  rankIc: { mean: number; std: number; icir: number; t: number; periods: number };
  topMinusBottom: { mean: number; std: number; icir: number; t: number; periods: number };
  perPeriod?: { ts: number[]; ic: (number | null)[]; rankIc: (number | null)[] };
}

export interface RunMetrics {
  model: RunEvalSummary;
  baselines: Record<string, RunEvalSummary>;
  lift: Record<string, { ic: number; rankIc: number }>;
  split: { trainSamples: number; valSamples: number; testSamples: number; purged: { train: number; val: number }; train: [number, number]; val: [number, number]; test: [number, number] };
  counts: Record<string, number>;
  bestEpoch: number;
  stopped: string;
}

/**
 * A training run: what was asked (kind, params, train options, dataset spec + hashes), where it ran
 * (code version, backend), how it went (status, progress, per-epoch curves, timing) and what came out
 * (test metrics with the baselines on the same segment). Artifacts and checkpoints live in their own tables.
 */
export const modelRuns = pgTable(
  "model_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    modelName: text().notNull(),
    kind: text().$type<ModelKind>().notNull(),
    params: jsonb().$type<Record<string, unknown>>().notNull(),
    trainOptions: jsonb().$type<Record<string, unknown>>().notNull(),
    split: jsonb().$type<Record<string, unknown>>().notNull(),
    datasetSpecId: uuid().references(() => datasetSpecs.id, { onDelete: "set null" }),
    datasetSpec: jsonb().$type<Record<string, unknown>>().notNull(),
    specHash: text().notNull(),
    /** Content hash of every input byte (set once the dataset is built). */
    datasetHash: text(),
    gitSha: text(),
    backend: text(),
    status: modelRunStatus().notNull().default("queued"),
    progress: real().notNull().default(0),
    epoch: integer(),
    epochs: integer(),
    etaMs: integer(),
    curves: jsonb().$type<RunEpoch[]>().notNull().default([]),
    metrics: jsonb().$type<RunMetrics>(),
    /** Epoch the latest attempt resumed after (null = started from scratch). */
    resumedFromEpoch: integer(),
    cancelRequested: boolean().notNull().default(false),
    error: text(),
    jobId: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    startedAt: tsz(),
    finishedAt: tsz(),
    durationMs: integer(),
    ...timestamps,
  },
  (t) => [index("model_runs_created_idx").on(t.createdAt), index("model_runs_status_idx").on(t.status, t.createdBy)],
);

/** The trained model: topology/params JSON + weights bytes, the train-fitted scaler and the feature list. */
export const modelArtifacts = pgTable("model_artifacts", {
  runId: uuid()
    .primaryKey()
    .references(() => modelRuns.id, { onDelete: "cascade" }),
  /** "layers" (tfjs model.json + weights), "fast-lstm" (shape + flat float32 params), "ridge" (JSON weights). */
  format: text().notNull(),
  modelJson: jsonb().$type<Record<string, unknown>>().notNull(),
  weights: bytea(),
  scaler: jsonb().$type<Record<string, unknown>>().notNull(),
  features: text().array().notNull(),
  /** Mean / std of the model's test-segment predictions (confidence of new predictions). */
  predStats: jsonb().$type<{ mean: number; std: number }>().notNull(),
  createdAt: tsz().notNull().defaultNow(),
});

/** The latest resumable training state of a run (rewritten every epoch). */
export const modelCheckpoints = pgTable("model_checkpoints", {
  runId: uuid()
    .primaryKey()
    .references(() => modelRuns.id, { onDelete: "cascade" }),
  epoch: integer().notNull(),
  state: jsonb().$type<Record<string, unknown>>().notNull(),
  /** params | best | adamM | adamV, float32 each, concatenated. */
  data: bytea().notNull(),
  updatedAt: tsz().notNull().defaultNow(),
});

export const MODEL_STAGES = ["none", "staging", "production", "archived"] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];
export const modelStage = pgEnum("model_stage", MODEL_STAGES);

/** Registry: model name → numbered versions (one per registered run), each in one stage. */
export const modelVersions = pgTable(
  "model_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    modelName: text().notNull(),
    version: integer().notNull(),
    runId: uuid()
      .notNull()
      .references(() => modelRuns.id, { onDelete: "cascade" }),
    stage: modelStage().notNull().default("none"),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    stageChangedAt: tsz(),
    ...timestamps,
  },
  (t) => [uniqueIndex("model_versions_name_version_idx").on(t.modelName, t.version), uniqueIndex("model_versions_run_idx").on(t.runId), index("model_versions_stage_idx").on(t.stage)],
);

/** Audit of every stage change: who, when, from → to, why. */
export const modelStageChanges = pgTable(
  "model_stage_changes",
  {
    id: uuid().primaryKey().defaultRandom(),
    modelVersionId: uuid()
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    modelName: text().notNull(),
    version: integer().notNull(),
    fromStage: modelStage().notNull(),
    toStage: modelStage().notNull(),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    reason: text().notNull(),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [index("model_stage_changes_name_idx").on(t.modelName, t.createdAt)],
);

/** Model outputs: one score per (symbol, decision bar, horizon, model version). */
export const predictions = pgTable(
  "predictions",
  {
    symbol: text().notNull(),
    ts: tsz().notNull(),
    horizon: integer().notNull(),
    score: doublePrecision().notNull(),
    confidence: doublePrecision().notNull(),
    modelVersionId: uuid()
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.ts, t.horizon, t.modelVersionId] }), index("predictions_version_ts_idx").on(t.modelVersionId, t.ts)],
);
