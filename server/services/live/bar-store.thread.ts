/**
 * The bar builder's storage thread (started by startBarStoreThread): stores builder steps in order,
 * merging whatever queued up while the previous batch was being written, and answers each step's
 * message once its bars are stored and its stream entries acknowledged. Its own heap, Postgres pool and
 * Redis connections: the COPY encoding, quality checks and driver buffers of storage never run on, nor
 * leave garbage in, the thread that turns ticks into bar events.
 */
import { parentPort, workerData } from "node:worker_threads";
import { db, redis } from "../../db";
import { serverEnv } from "../../env";
import { createRedis } from "../../redis";
import { persistBarSteps, type PersistJob } from "./persist-bar-steps";
import type { BarStoreThreadData, BarStoreRequest } from "./bar-store-thread";

const port = parentPort!;
const { persist, streamKey, stateKey } = workerData as BarStoreThreadData;

try {
  const commands = createRedis(serverEnv().REDIS_URL, "worker", { connectionName: "mss-live-store" });
  const queue: { id: number; job: PersistJob }[] = [];
  let draining: Promise<void> | null = null;
  let failed: string | null = null;

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      try {
        if (failed) throw new Error(failed);
        await persistBarSteps({ jobs: batch.map((b) => b.job), persist, commands, streamKey, stateKey });
        for (const b of batch) port.postMessage({ id: b.id });
      } catch (err) {
        // Nothing later may be acknowledged after a failed step: every queued step fails with it.
        failed ??= err instanceof Error ? err.message : String(err);
        for (const b of batch) port.postMessage({ id: b.id, error: failed });
      }
    }
  };

  port.on("message", (m: BarStoreRequest) => {
    if (m.op === "store") {
      queue.push({ id: m.id, job: m.job });
      draining ??= drain().finally(() => (draining = null));
      return;
    }
    // close: after the queued steps, release the connections so the thread can end.
    void (async () => {
      await draining;
      await commands.quit().catch(() => undefined);
      await redis()
        .quit()
        .catch(() => undefined);
      await db()
        .$client.end({ timeout: 2 })
        .catch(() => undefined);
      port.postMessage({ id: m.id });
    })();
  });
  port.postMessage({ ready: "bar-store" });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
