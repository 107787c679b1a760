import { TsWorkerPool, type PoolReply } from "@/lib/threads/worker-pool";
import type { PersistJob } from "./persist-bar-steps";

export interface BarStoreThreadData {
  persist: boolean;
  streamKey: string;
  stateKey: string;
}

export type BarStoreRequest = { op: "store"; id: number; job: PersistJob } | { op: "close"; id: number };

export interface BarStoreThread {
  /** Resolves once the step's bars are stored and its entries acknowledged (steps complete in order). */
  store(job: PersistJob): Promise<void>;
  /** Steps sent and not yet stored. */
  readonly inFlight: number;
  /** Resolves when the next step in flight completes (stored or failed). */
  next(): Promise<void>;
  /** Waits for the queued steps, closes the thread's connections and ends it. */
  close(): Promise<void>;
}

/**
 * The bar builder's storage on a worker thread of its own (bar-store.thread.ts): the builder's thread
 * only turns ticks into bars and publishes them; storing (Postgres COPY upserts, quality findings) and
 * the snapshot + XACK that follow it run beside it, on the other core when there is one, and their
 * allocations never trigger a collection in the middle of a bucket close.
 */
export async function startBarStoreThread(data: BarStoreThreadData): Promise<BarStoreThread> {
  const pool = new TsWorkerPool<PoolReply>(new URL("./bar-store.thread.ts", import.meta.url), 1, data);
  try {
    await pool.ready;
  } catch (err) {
    await pool.close();
    throw err;
  }
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  return {
    get inFlight() {
      return inFlight;
    },
    next() {
      return inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
    async store(job) {
      inFlight++;
      try {
        await pool.call(0, { op: "store", job });
      } finally {
        inFlight--;
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
    },
    async close() {
      try {
        await pool.call(0, { op: "close" });
      } finally {
        await pool.close();
      }
    },
  };
}
