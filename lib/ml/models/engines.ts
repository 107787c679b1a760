/**
 * Gradient engines over a WindowDataset: the fast LSTM in-process, or split across worker threads
 * (one tfjs-wasm instance per worker; wasm is single-threaded in Node, so this is how training uses
 * every core). Gradients of the parts are summed, so the result equals the single-thread one up to
 * float32 summation order.
 */
import type * as TF from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { WindowDataset } from "../dataset";
import { gatherTargets, gatherWindows } from "../dataset";
import type { GradientEngine } from "../train";
import { FastLstm, fastLstmParamCount, type TFastLstmShape } from "./fast-lstm";

/** Predictions in chunks (bounded memory). */
async function chunked(idx: Int32Array, chunk: number, f: (part: Int32Array) => Promise<Float32Array> | Float32Array): Promise<Float32Array> {
  const out = new Float32Array(idx.length);
  for (let s = 0; s < idx.length; s += chunk) out.set(await f(idx.subarray(s, Math.min(idx.length, s + chunk))), s);
  return out;
}

export class FastLstmEngine implements GradientEngine {
  readonly paramCount: number;
  private readonly model: FastLstm;
  constructor(
    tf: typeof TF,
    readonly ds: WindowDataset,
    units: number,
    readonly predictChunk = 2048,
  ) {
    this.model = new FastLstm(tf, { units, features: ds.features, window: ds.window });
    this.paramCount = fastLstmParamCount({ units, features: ds.features });
  }
  lossAndGrads(params: Float32Array, idx: Int32Array) {
    return this.model.lossAndGrads(params, gatherWindows(this.ds, idx), gatherTargets(this.ds, idx), idx.length);
  }
  predict(params: Float32Array, idx: Int32Array): Promise<Float32Array> {
    return chunked(idx, this.predictChunk, (p) => this.model.predict(params, gatherWindows(this.ds, p), p.length));
  }
}

type Reply = { id: number; sse?: number; grads?: ArrayBuffer; pred?: ArrayBuffer; error?: string };

/** Pool of worker threads, each holding a FastLstm on its own tfjs backend. */
export class ParallelFastLstm {
  private readonly workers: Worker[];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<string[]>;

  constructor(
    readonly shape: TFastLstmShape,
    readonly threads = 2,
  ) {
    // The worker is TypeScript: bootstrap it through tsx's ESM API (loader flags are not inherited by workers).
    const url = new URL("./fast-lstm.worker.ts", import.meta.url).href;
    const api = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
    const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(import.meta.url)}))`;
    this.workers = Array.from({ length: threads }, () => new Worker(code, { eval: true, workerData: { shape } }));
    this.ready = Promise.all(
      this.workers.map(
        (w) =>
          new Promise<string>((resolve, reject) => {
            w.once("message", (m: { ready?: string; error?: string }) => (m.ready ? resolve(m.ready) : reject(new Error(m.error))));
            w.once("error", reject);
          }),
      ),
    );
    void this.ready.then(() => {
      for (const w of this.workers) {
        w.on("message", (m: Reply) => {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if (m.error) p.reject(new Error(m.error));
          else p.resolve(m);
        });
      }
    });
  }

  private call(w: number, msg: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w]!.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Splits the batch evenly over the workers; returns the summed SSE and gradient. */
  async lossAndGrads(params: Float32Array, x: Float32Array, y: Float32Array, B: number): Promise<{ sse: number; grads: Float32Array }> {
    const per = this.shape.window * this.shape.features;
    const parts = Math.min(this.threads, B);
    const jobs: Promise<Reply>[] = [];
    for (let k = 0; k < parts; k++) {
      const a = Math.floor((B * k) / parts);
      const b = Math.floor((B * (k + 1)) / parts);
      const xs = x.slice(a * per, b * per);
      const ys = y.slice(a, b);
      const ps = params.slice();
      jobs.push(this.call(k, { op: "grad", params: ps.buffer, x: xs.buffer, y: ys.buffer, B: b - a }, [xs.buffer, ys.buffer, ps.buffer]));
    }
    const replies = await Promise.all(jobs);
    const grads = new Float32Array(params.length);
    let sse = 0;
    for (const r of replies) {
      sse += r.sse!;
      const g = new Float32Array(r.grads!);
      for (let i = 0; i < g.length; i++) grads[i]! += g[i]!;
    }
    return { sse, grads };
  }

  async predict(params: Float32Array, x: Float32Array, B: number): Promise<Float32Array> {
    const per = this.shape.window * this.shape.features;
    const parts = Math.min(this.threads, B);
    const jobs: Promise<Reply>[] = [];
    for (let k = 0; k < parts; k++) {
      const a = Math.floor((B * k) / parts);
      const b = Math.floor((B * (k + 1)) / parts);
      const xs = x.slice(a * per, b * per);
      const ps = params.slice();
      jobs.push(this.call(k, { op: "predict", params: ps.buffer, x: xs.buffer, B: b - a }, [xs.buffer, ps.buffer]));
    }
    const out = new Float32Array(B);
    let o = 0;
    for (const r of await Promise.all(jobs)) {
      const p = new Float32Array(r.pred!);
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** GradientEngine over a dataset backed by a ParallelFastLstm pool. */
export class ParallelFastLstmEngine implements GradientEngine {
  readonly paramCount: number;
  constructor(
    readonly pool: ParallelFastLstm,
    readonly ds: WindowDataset,
    readonly predictChunk = 4096,
  ) {
    this.paramCount = fastLstmParamCount(pool.shape);
  }
  lossAndGrads(params: Float32Array, idx: Int32Array) {
    return this.pool.lossAndGrads(params, gatherWindows(this.ds, idx), gatherTargets(this.ds, idx), idx.length);
  }
  predict(params: Float32Array, idx: Int32Array): Promise<Float32Array> {
    return chunked(idx, this.predictChunk, (p) => this.pool.predict(params, gatherWindows(this.ds, p), p.length));
  }
}
