import { UnrecoverableError, Worker } from "bullmq";
import { QUEUES, type TDeliverEmailJob } from "@/server/queues/names";
import { deliverEmail, EmailDeliveryError } from "@/server/services/alerts/deliver-email";
import type { WorkerDeps } from "./registry";

/** Alert e-mails (one per evaluation batch); transient SMTP failures retry with backoff, permanent ones fail at once. */
export function createDeliverEmailWorker({ connection, prefix, lockMs }: WorkerDeps) {
  const def = QUEUES.deliverEmail;
  return new Worker<TDeliverEmailJob, { status: string; messageId?: string }>(
    def.name,
    async (job) => {
      const p = def.payload.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
      try {
        return await deliverEmail({ deliveryId: p.data.deliveryId, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
      } catch (err) {
        if (err instanceof EmailDeliveryError && err.permanent) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    { connection, prefix, concurrency: def.concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
}
