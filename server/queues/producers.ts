import { Queue } from "bullmq";
import { serverEnv } from "../env";
import { getRedis } from "../redis";
import { DEFAULT_JOB_OPTIONS, QUEUES, QUEUE_KEYS, type QueueKey, type QueuePayload } from "./names";

const g = globalThis as unknown as { __mssQueues?: Map<string, Queue> };

/** Typed producer queue on the fail-fast command connection. */
export function getQueue(key: QueueKey): Queue {
  const env = serverEnv();
  g.__mssQueues ??= new Map();
  const cacheKey = `${env.QUEUE_PREFIX}/${key}`;
  let q = g.__mssQueues.get(cacheKey);
  if (!q) {
    q = new Queue(QUEUES[key].name, {
      connection: getRedis(env.REDIS_URL),
      prefix: env.QUEUE_PREFIX,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    q.on("error", () => {});
    g.__mssQueues.set(cacheKey, q);
  }
  return q;
}

export function allQueues(): { key: QueueKey; queue: Queue }[] {
  return QUEUE_KEYS.map((key) => ({ key, queue: getQueue(key) }));
}

/** Validate the payload against the queue's schema, then add it. */
export async function enqueue<K extends QueueKey>(
  key: K,
  payload: QueuePayload<K>,
  opts: { jobId?: string; delay?: number; priority?: number; attempts?: number; backoff?: { type: "exponential" | "fixed"; delay: number } } = {},
) {
  const data = QUEUES[key].payload.parse(payload);
  return getQueue(key).add(key, data, opts);
}
