import { UnrecoverableError, Worker } from "bullmq";
import { QUEUES, type TComputeFeaturesJob, type TComputeFeaturesResult } from "@/server/queues/names";
import { computeFeatureStore } from "@/server/services/features/compute-feature-store";
import type { WorkerDeps } from "./registry";

/** ml role: recompute the feature store after ingestion (child of an ingest-bars flow) or on demand. */
export function createComputeFeaturesWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.computeFeatures;
  return new Worker<TComputeFeaturesJob, TComputeFeaturesResult>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      return computeFeatureStore({ ...p.data, onProgress: (pct) => job.updateProgress(pct) });
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
