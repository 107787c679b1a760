import { availableParallelism } from "node:os";
import { z } from "zod";

/** Process roles: in production `ingest` runs on the cache host, `ml` on the ml host. */
export const WORKER_ROLES = ["ingest", "ml"] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export const ZMaintenanceJob = z.discriminatedUnion("task", [
  z.object({ task: z.literal("purge-sessions"), olderThanDays: z.number().int().min(0).max(3650).default(7) }),
  z.object({ task: z.literal("purge-audit-log"), olderThanDays: z.number().int().min(30).max(3650).default(365) }),
  /** Daily: bring every active symbol with an online provider up to date (one ingestion run per provider). */
  z.object({ task: z.literal("update-universe"), timeframe: z.enum(["1m", "5m", "15m", "1h", "4h", "1d"]).default("1d"), maxLookbackDays: z.number().int().min(1).max(3650).default(30) }),
]);
export type TMaintenanceJob = z.infer<typeof ZMaintenanceJob>;
export const ZMaintenanceResult = z.object({ task: z.string(), removed: z.number().int(), runs: z.number().int().optional() });
export type TMaintenanceResult = z.infer<typeof ZMaintenanceResult>;

/** Backfill / update / repair / import: the request lives in ingestion_runs; the job only names it. */
export const ZIngestBarsJob = z.object({ runId: z.uuid() });
export type TIngestBarsJob = z.infer<typeof ZIngestBarsJob>;
export const ZIngestBarsResult = z.object({ status: z.string(), rowsOut: z.number(), rowsQuarantined: z.number() });
export type TIngestBarsResult = z.infer<typeof ZIngestBarsResult>;

/** Recompute a feature set for the active universe from `from` on (the lookback is loaded automatically). */
export const ZComputeFeaturesJob = z.object({
  featureSet: z.string().regex(/^[a-z0-9-]+$/).default("core-v1"),
  timeframe: z.enum(["1m", "5m", "15m", "1h", "4h", "1d"]).default("1d"),
  /** Earliest bar (epoch ms) whose features may have changed; absent = full history. */
  from: z.number().int().optional(),
});
export type TComputeFeaturesJob = z.infer<typeof ZComputeFeaturesJob>;
export const ZComputeFeaturesResult = z.object({ symbols: z.number(), rows: z.number(), values: z.number(), ms: z.number() });
export type TComputeFeaturesResult = z.infer<typeof ZComputeFeaturesResult>;

/** A scheduled run of a saved scan for its alert rules (repeatable per rule). */
export const ZRunScanJob = z.object({ ruleId: z.uuid() });
export type TRunScanJob = z.infer<typeof ZRunScanJob>;
export const ZRunScanResult = z.object({ matches: z.number(), events: z.number() });
export type TRunScanResult = z.infer<typeof ZRunScanResult>;

/** One webhook delivery (the payload and secret are read from the database, never put in job data). */
export const ZDeliverWebhookJob = z.object({ deliveryId: z.uuid() });
export type TDeliverWebhookJob = z.infer<typeof ZDeliverWebhookJob>;

/** One alert e-mail (a batch of events): recipient, events and SMTP settings are read at delivery, never put in job data. */
export const ZDeliverEmailJob = z.object({ deliveryId: z.uuid() });
export type TDeliverEmailJob = z.infer<typeof ZDeliverEmailJob>;

/** Train one model run (its spec, params and options live in model_runs; the job only names it). */
export const ZTrainModelJob = z.object({ runId: z.uuid() });
export type TTrainModelJob = z.infer<typeof ZTrainModelJob>;
export const ZTrainModelResult = z.object({ status: z.string(), epochs: z.number().int(), ic: z.number().nullable() });
export type TTrainModelResult = z.infer<typeof ZTrainModelResult>;

/** Score the latest bars with the production model(s) (or one registered version) into `predictions`. */
export const ZPredictBatchJob = z.object({
  modelVersionId: z.uuid().optional(),
  /** Bars per symbol to (re)score, newest first (history for the chart). */
  bars: z.number().int().min(1).max(5000).default(5),
  /** Only these symbols (predict on demand); default: the active universe. */
  symbols: z.array(z.string().min(1).max(32)).min(1).max(500).optional(),
});
export type TPredictBatchJob = z.infer<typeof ZPredictBatchJob>;
export const ZPredictBatchResult = z.object({ versions: z.number().int(), rows: z.number().int(), ms: z.number() });
export type TPredictBatchResult = z.infer<typeof ZPredictBatchResult>;

/**
 * Every queue: its kebab-case name, the role whose worker consumes it, the payload schema and the
 * concurrency of that worker. Producers and workers both read this table.
 */
export const QUEUES = {
  maintenance: {
    name: "maintenance",
    role: "ingest",
    payload: ZMaintenanceJob,
    concurrency: 1,
  },
  ingestBars: {
    name: "ingest-bars",
    role: "ingest",
    payload: ZIngestBarsJob,
    concurrency: 2,
  },
  computeFeatures: {
    name: "compute-features",
    role: "ml",
    payload: ZComputeFeaturesJob,
    concurrency: 1,
  },
  runScan: {
    name: "run-scan",
    role: "ingest",
    payload: ZRunScanJob,
    concurrency: 2,
  },
  deliverWebhook: {
    name: "deliver-webhook",
    role: "ingest",
    payload: ZDeliverWebhookJob,
    concurrency: 4,
  },
  deliverEmail: {
    name: "deliver-email",
    role: "ingest",
    payload: ZDeliverEmailJob,
    concurrency: 2,
  },
  /** CPU-bound: a sandboxed worker thread per job, at most one training per core. */
  trainModel: {
    name: "train-model",
    role: "ml",
    payload: ZTrainModelJob,
    concurrency: Math.max(1, availableParallelism()),
  },
  predictBatch: {
    name: "predict-batch",
    role: "ml",
    payload: ZPredictBatchJob,
    concurrency: 1,
  },
} as const satisfies Record<
  string,
  { name: string; role: WorkerRole; payload: z.ZodType; concurrency: number }
>;

export type QueueKey = keyof typeof QUEUES;
export type QueuePayload<K extends QueueKey> = z.infer<(typeof QUEUES)[K]["payload"]>;
export const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];

export function queuesForRole(role: WorkerRole | "all"): QueueKey[] {
  return QUEUE_KEYS.filter((k) => role === "all" || QUEUES[k].role === role);
}

/** Default options for every job: retries with exponential backoff, bounded history. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
} as const;

/** Job ids: kebab-case, no ':' and never all digits (BullMQ reserves those). */
export function jobId(...parts: (string | number)[]): string {
  const id = parts
    .map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, "-"))
    .filter(Boolean)
    .join("-");
  if (/^\d+$/.test(id)) return `job-${id}`;
  return id;
}
