import { QUEUES } from "../../queues/names";
import { allQueues } from "../../queues/producers";

export const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "failed", "completed"] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueStats {
  name: string;
  role: string;
  counts: Record<JobState, number>;
  workers: number;
  paused: boolean;
}

/** Counts per state, connected worker count and paused flag for every queue. */
export async function getQueueStats(): Promise<QueueStats[]> {
  return Promise.all(
    allQueues().map(async ({ key, queue }) => {
      const [counts, workers, paused] = await Promise.all([
        queue.getJobCounts(...JOB_STATES),
        queue.getWorkersCount(),
        queue.isPaused(),
      ]);
      const c = Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>;
      return { name: QUEUES[key].name, role: QUEUES[key].role, counts: c, workers, paused };
    }),
  );
}
