import type { Redis } from "ioredis";
import { createRedis } from "@/server/redis";
import { BAR_BUILDER_GROUP } from "@/server/services/live/keys";

/** Helpers of the bar builder's integration tests: their Redis connections, stream state and waiting. */

/** A factory of worker-style Redis connections, and a function that closes every one it made. */
export function redisClients(): { client: () => Redis; closeAll: () => void } {
  const made: Redis[] = [];
  return {
    client: () => {
      const r = createRedis(process.env.REDIS_URL!, "worker");
      made.push(r);
      return r;
    },
    closeAll: () => {
      for (const r of made) r.disconnect();
    },
  };
}

/** The bar builder's group has read and acknowledged every entry of the tick stream `key`. */
export async function groupDrained(r: Redis, key: string): Promise<boolean> {
  const groups = (await r.xinfo("GROUPS", key).catch(() => [])) as unknown[][];
  const g = groups.map((x) => Object.fromEntries(Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]]))).find((x) => x.name === BAR_BUILDER_GROUP);
  return !!g && Number(g.pending) === 0 && Number(g.lag) === 0;
}

/** Poll `fn` every 20 ms until it is true; throws after `tries` polls. */
export async function until(fn: () => Promise<boolean>, what: string, tries = 300): Promise<void> {
  for (let i = 0; !(await fn()); i++) {
    if (i > tries) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
