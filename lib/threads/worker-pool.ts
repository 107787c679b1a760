/**
 * A fixed pool of worker threads running a TypeScript module (bootstrapped through tsx's ESM API: loader
 * flags are not inherited by workers). Each worker posts `{ ready }` (or `{ error }`) once, then answers
 * `{ id, ... }` messages with `{ id, ..., error? }`. Used by the parallel LSTM engines (plus their batching
 * helpers) and by the live bar builder's storage thread.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export interface PoolReply {
  id: number;
  error?: string;
}

export class TsWorkerPool<R extends PoolReply> {
  private readonly workers: Worker[];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  /** Resolves with each worker's `ready` value. */
  readonly ready: Promise<string[]>;

  constructor(
    url: URL,
    readonly threads: number,
    workerData: unknown,
  ) {
    const api = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
    const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`;
    this.workers = Array.from({ length: threads }, () => new Worker(code, { eval: true, workerData }));
    this.ready = Promise.all(
      this.workers.map(
        (w) =>
          new Promise<string>((resolve, reject) => {
            w.once("message", (m: { ready?: string; error?: string }) => (m.ready ? resolve(m.ready) : reject(new Error(m.error))));
            w.once("error", reject);
          }),
      ),
    );
    void this.ready
      .then(() => {
        for (const w of this.workers) {
          w.on("message", (m: R) => {
            const p = this.pending.get(m.id);
            if (!p) return;
            this.pending.delete(m.id);
            if (m.error) p.reject(new Error(m.error));
            else p.resolve(m);
          });
          const failAll = (err: Error) => {
            for (const p of this.pending.values()) p.reject(err);
            this.pending.clear();
          };
          w.on("error", failAll);
          w.on("exit", (code) => failAll(new Error(`worker exited (code ${code})`)));
        }
      })
      .catch(() => {});
  }

  /** Sends one request to worker w and resolves with its reply. */
  call(w: number, msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<R> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w]!.postMessage({ ...msg, id }, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** [from, to) bounds of part k when n items are split evenly into `parts`. */
export function splitRange(n: number, parts: number, k: number): [number, number] {
  return [Math.floor((n * k) / parts), Math.floor((n * (k + 1)) / parts)];
}

/** Predictions in chunks (bounded memory). */
export async function chunked(idx: Int32Array, chunk: number, f: (part: Int32Array) => Promise<Float32Array> | Float32Array): Promise<Float32Array> {
  const out = new Float32Array(idx.length);
  for (let s = 0; s < idx.length; s += chunk) out.set(await f(idx.subarray(s, Math.min(idx.length, s + chunk))), s);
  return out;
}
