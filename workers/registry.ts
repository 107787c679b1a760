import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { QueueKey } from "@/server/queues/names";
import { createMaintenanceWorker } from "./maintenance.worker";

/** Exactly one Worker factory per queue. */
export const WORKER_FACTORIES: Record<QueueKey, (connection: Redis, prefix: string) => Worker> = {
  maintenance: createMaintenanceWorker,
};
