import { UnrecoverableError, Worker } from "bullmq";
import type { WorkerDeps } from "./registry";
import { QUEUES, type TMaintenanceJob, type TMaintenanceResult } from "@/server/queues/names";
import { runMaintenance } from "@/server/services/maintenance/run-maintenance";

export function createMaintenanceWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.maintenance;
  return new Worker<TMaintenanceJob, TMaintenanceResult>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      return runMaintenance(p.data);
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
