import { UnrecoverableError, Worker } from "bullmq";
import { AppError } from "@/lib/errors";
import { QUEUES, type TPredictBatchJob, type TPredictBatchResult } from "@/server/queues/names";
import { predictBatch } from "@/server/services/models/predict-batch";
import type { WorkerDeps } from "./registry";

/** ml role: the daily batch prediction of the production model(s), and predictions on demand. */
export function createPredictBatchWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.predictBatch;
  return new Worker<TPredictBatchJob, TPredictBatchResult>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      try {
        return await predictBatch(p.data);
      } catch (err) {
        if (AppError.is(err) && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
