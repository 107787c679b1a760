import { z } from "zod";
import { getQueueStats } from "../../services/system/get-queue-stats";
import { listFailedJobs, removeFailedJobs, retryFailedJobs } from "../../services/system/manage-failed-jobs";
import { adminProcedure, authedProcedure, router } from "../../trpc";
import { ZQueueStats } from "../health/router";

const ZQueueName = z.string().regex(/^[a-z0-9-]+$/).max(64);
const ZJobRef = z.object({ queue: ZQueueName, jobId: z.string().max(200).optional() });

export const systemRouter = router({
  queues: authedProcedure.output(z.array(ZQueueStats)).query(() => getQueueStats()),
  /** Failed jobs hold other users' job data and errors: admins only, like retry and remove. */
  failedJobs: adminProcedure
    .input(z.object({ queue: ZQueueName, limit: z.number().int().min(1).max(200).default(50) }))
    .output(
      z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          data: z.unknown(),
          failedReason: z.string(),
          attemptsMade: z.number(),
          timestamp: z.date(),
          finishedOn: z.date().nullable(),
        }),
      ),
    )
    .query(({ input }) => listFailedJobs(input)),
  retryFailed: adminProcedure
    .input(ZJobRef)
    .output(z.object({ retried: z.number() }))
    .mutation(({ ctx, input }) => retryFailedJobs({ actorId: ctx.user.id, ...input })),
  removeFailed: adminProcedure
    .input(ZJobRef)
    .output(z.object({ removed: z.number() }))
    .mutation(({ ctx, input }) => removeFailedJobs({ actorId: ctx.user.id, ...input })),
});
