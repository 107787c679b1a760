import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { QUEUES, type TTrainModelJob, type TTrainModelResult } from "@/server/queues/names";
import { finishModelRun } from "@/server/services/models/model-runs";
import type { WorkerDeps } from "./registry";

/** Sandboxed processor file (worker threads die with this process, so a kill -9 leaves no orphan training). */
export const TRAIN_MODEL_PROCESSOR = fileURLToPath(new URL("./train-model.sandbox.mjs", import.meta.url));

/**
 * ml role: one training per core (QUEUES.trainModel.concurrency), each in its own worker thread. A killed
 * worker's job is picked up by the stalled-job check and resumes from the run's last checkpoint.
 */
export function createTrainModelWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.trainModel;
  const worker = new Worker<TTrainModelJob, TTrainModelResult>(def.name, TRAIN_MODEL_PROCESSOR, {
    connection,
    prefix,
    concurrency: def.concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 2,
    useWorkerThreads: true,
  });
  // When the last attempt fails, the run is marked failed with the reason (earlier attempts resume it).
  worker.on("failed", (job, err) => {
    if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === "UnrecoverableError")) {
      void finishModelRun(job.data.runId, "failed", { error: err.message }).catch(() => undefined);
    }
  });
  return worker;
}
