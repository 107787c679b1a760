import { UnrecoverableError, Worker } from "bullmq";
import { QUEUES, type TDeliverWebhookJob } from "@/server/queues/names";
import { WebhookRefusedError, deliverWebhook } from "@/server/services/alerts/deliver-webhook";
import type { WorkerDeps } from "./registry";

/** Signed webhook deliveries; failures are retried with exponential backoff (attempts set when queued), a refused address is not. */
export function createDeliverWebhookWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.deliverWebhook;
  return new Worker<TDeliverWebhookJob, { status: number }>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      try {
        return await deliverWebhook({ deliveryId: p.data.deliveryId, attempt: job.attemptsMade + 1 });
      } catch (err) {
        if (err instanceof WebhookRefusedError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
