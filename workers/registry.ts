import type { Worker } from "bullmq";
import type { Redis } from "ioredis";

export interface WorkerDeps {
  connection: Redis;
  prefix: string;
  /** Job lock and stalled-check interval (ms). */
  lockMs: number;
}
import type { QueueKey } from "@/server/queues/names";
import { createComputeFeaturesWorker } from "./compute-features.worker";
import { createDeliverEmailWorker } from "./deliver-email.worker";
import { createDeliverWebhookWorker } from "./deliver-webhook.worker";
import { createIngestBarsWorker } from "./ingest-bars.worker";
import { createMaintenanceWorker } from "./maintenance.worker";
import { createPredictBatchWorker } from "./predict-batch.worker";
import { createRunScanWorker } from "./run-scan.worker";
import { createTrainModelWorker } from "./train-model.worker";

/** Exactly one Worker factory per queue. */
export const WORKER_FACTORIES: Record<QueueKey, (deps: WorkerDeps) => Worker> = {
  maintenance: createMaintenanceWorker,
  ingestBars: createIngestBarsWorker,
  computeFeatures: createComputeFeaturesWorker,
  runScan: createRunScanWorker,
  deliverWebhook: createDeliverWebhookWorker,
  deliverEmail: createDeliverEmailWorker,
  trainModel: createTrainModelWorker,
  predictBatch: createPredictBatchWorker,
};
