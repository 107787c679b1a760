import { UnrecoverableError, Worker } from "bullmq";
import { AppError } from "@/lib/errors";
import { QUEUES, type TRunScanJob, type TRunScanResult } from "@/server/queues/names";
import { runAlertRule } from "@/server/services/alerts/run-alert-rule";
import type { WorkerDeps } from "./registry";

/** Scheduled scans of alert rules (one repeatable job per active rule). */
export function createRunScanWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.runScan;
  return new Worker<TRunScanJob, TRunScanResult>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      try {
        return await runAlertRule({ ruleId: p.data.ruleId });
      } catch (err) {
        // A deleted rule or scan, or a scan that no longer type-checks, will not get better with retries.
        if (AppError.is(err) && ["NOT_FOUND", "BAD_REQUEST", "UNPROCESSABLE"].includes(err.code)) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
