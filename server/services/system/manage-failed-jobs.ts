import { AppError } from "@/lib/errors";
import { QUEUES, type QueueKey } from "../../queues/names";
import { getQueue } from "../../queues/producers";
import { recordAudit } from "../audit/record-audit";

function queueKeyByName(name: string): QueueKey {
  const key = (Object.keys(QUEUES) as QueueKey[]).find((k) => QUEUES[k].name === name);
  if (!key) throw new AppError("NOT_FOUND", { userMessage: `Unknown queue ${name}` });
  return key;
}

/** Most recent failed jobs of a queue; payload shown as stored (payloads never hold secrets). */
export async function listFailedJobs({ queue, limit }: { queue: string; limit: number }) {
  const jobs = await getQueue(queueKeyByName(queue)).getJobs(["failed"], 0, limit - 1, false);
  return jobs
    .filter((j): j is NonNullable<typeof j> => Boolean(j?.id))
    .map((j) => ({
      id: String(j.id),
      name: j.name,
      data: j.data as unknown,
      failedReason: j.failedReason ?? "",
      attemptsMade: j.attemptsMade,
      timestamp: new Date(j.timestamp),
      finishedOn: j.finishedOn ? new Date(j.finishedOn) : null,
    }));
}

/** Retry one failed job, or all failed jobs of the queue when `jobId` is omitted. */
export async function retryFailedJobs({ actorId, queue, jobId }: { actorId: string; queue: string; jobId?: string }) {
  const q = getQueue(queueKeyByName(queue));
  let retried = 0;
  if (jobId) {
    const job = await q.getJob(jobId);
    if (!job || !(await job.isFailed())) throw new AppError("NOT_FOUND", { userMessage: "No failed job with that id" });
    await job.retry("failed");
    retried = 1;
  } else {
    retried = await q.getJobCountByTypes("failed");
    await q.retryJobs({ state: "failed", count: 1000 });
  }
  await recordAudit({ actorId, action: "queue.retry", target: queue, detail: { jobId: jobId ?? null, retried } });
  return { retried };
}

/** Remove one failed job, or clean all failed jobs of the queue when `jobId` is omitted. */
export async function removeFailedJobs({ actorId, queue, jobId }: { actorId: string; queue: string; jobId?: string }) {
  const q = getQueue(queueKeyByName(queue));
  let removed = 0;
  if (jobId) {
    const job = await q.getJob(jobId);
    if (!job || !(await job.isFailed())) throw new AppError("NOT_FOUND", { userMessage: "No failed job with that id" });
    await job.remove();
    removed = 1;
  } else {
    removed = (await q.clean(0, 10_000, "failed")).length;
  }
  await recordAudit({ actorId, action: "queue.remove-failed", target: queue, detail: { jobId: jobId ?? null, removed } });
  return { removed };
}
