import { UnrecoverableError, Worker } from "bullmq";
import type { WorkerDeps } from "./registry";
import { AppError } from "@/lib/errors";
import { QUEUES, type TIngestBarsJob, type TIngestBarsResult } from "@/server/queues/names";
import { runBackfill } from "@/server/services/ingestion/run-backfill";
import { finishRun } from "@/server/services/ingestion/runs";

export function createIngestBarsWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.ingestBars;
  const worker = new Worker<TIngestBarsJob, TIngestBarsResult>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      try {
        return await runBackfill({ runId: p.data.runId, jobId: job.id, onProgress: (pr) => job.updateProgress(pr) });
      } catch (err) {
        // A run that does not exist or makes no sense will not get better with retries.
        if (AppError.is(err) && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) throw new UnrecoverableError(err.message);
        // Network errors, 5xx and vendor throttling are retried with exponential backoff; the run resumes.
        throw err;
      }
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
  // When the last attempt fails, the run is marked failed with the reason (earlier attempts resume it).
  worker.on("failed", (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void finishRun(job.data.runId, "failed", err.message).catch(() => undefined);
  });
  return worker;
}
