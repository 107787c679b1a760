import { UnrecoverableError, Worker } from "bullmq";
import { QUEUES, type TDeliverWebhookJob } from "@/server/queues/names";
import { deliverWebhook } from "@/server/services/alerts/deliver-webhook";
import type { WorkerDeps } from "./registry";

/** Signed webhook deliveries; failures are retried with exponential backoff (attempts set when queued). */
export function createDeliverWebhookWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.deliverWebhook;
  return new Worker<TDeliverWebhookJob, { status: number }>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      return deliverWebhook({ deliveryId: p.data.deliveryId, attempt: job.attemptsMade + 1 });
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
