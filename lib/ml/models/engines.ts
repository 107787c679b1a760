/**
 * Gradient engines over a WindowDataset: the fast LSTM in-process, or split across worker threads
 * (one tfjs-wasm instance per worker; wasm is single-threaded in Node, so this is how training uses
 * every core). Gradients of the parts are summed, so the result equals the single-thread one up to
 * float32 summation order. `createLstmEngine` picks the WebAssembly SIMD kernel engines (wasm-lstm.ts)
 * when available and these tfjs ones otherwise.
 */
import type * as TF from "@tensorflow/tfjs";
import os from "node:os";
import { initBackend, tf } from "../backend";
import type { WindowDataset } from "../dataset";
import { gatherTargets, gatherWindows } from "../dataset";
import { wasmLstmAvailable } from "../kernels/lstm-kernel";
import type { GradientEngine } from "../train";
import { FastLstm, fastLstmParamCount, type TFastLstmShape } from "./fast-lstm";
import { type LstmEngine, ParallelWasmLstm, ParallelWasmLstmEngine, WasmLstmEngine } from "./wasm-lstm";
import { chunked, type PoolReply, TsWorkerPool } from "../../threads/worker-pool";

export * from "./wasm-lstm";
export { WASM_LSTM_BACKEND, WasmLstm, wasmLstmAvailable } from "../kernels/lstm-kernel";

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

type Reply = PoolReply & { sse?: number; grads?: ArrayBuffer; pred?: ArrayBuffer };

/** Pool of worker threads, each holding a FastLstm on its own tfjs backend. */
export class ParallelFastLstm {
  private readonly pool: TsWorkerPool<Reply>;
  readonly ready: Promise<string[]>;

  constructor(
    readonly shape: TFastLstmShape,
    readonly threads = 2,
  ) {
    this.pool = new TsWorkerPool<Reply>(new URL("./fast-lstm.worker.ts", import.meta.url), threads, { shape });
    this.ready = this.pool.ready;
  }

  private call(w: number, msg: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Reply> {
    return this.pool.call(w, msg, transfer);
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

  close(): Promise<void> {
    return this.pool.close();
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

/** The tfjs FastLstm engines behind the LstmEngine interface (fallback). */
class TfjsLstmEngine implements LstmEngine {
  constructor(
    private readonly inner: FastLstmEngine | ParallelFastLstmEngine,
    readonly backend: string,
    readonly threads: number,
  ) {}
  get paramCount(): number {
    return this.inner.paramCount;
  }
  lossAndGrads(params: Float32Array, idx: Int32Array) {
    return this.inner.lossAndGrads(params, idx);
  }
  predict(params: Float32Array, idx: Int32Array) {
    return this.inner.predict(params, idx);
  }
  close(): Promise<void> {
    return this.inner instanceof ParallelFastLstmEngine ? this.inner.pool.close() : Promise.resolve();
  }
}

export interface CreateLstmEngineOptions {
  /** Worker threads (1: in-process). Default: available cores, at most 4. */
  threads?: number;
  /** Force an implementation (default: the kernel when available, else tfjs). */
  kind?: "wasm-simd-kernel" | "tfjs";
}

/**
 * The fastest LSTM engine for this runtime: the WebAssembly SIMD kernel (1 or more threads), falling back
 * to the tfjs FastLstm when the kernel cannot compile. Call `close()` when done (stops worker threads).
 */
export async function createLstmEngine(ds: WindowDataset, units: number, opts: CreateLstmEngineOptions = {}): Promise<LstmEngine> {
  const threads = opts.threads ?? Math.max(1, Math.min(os.availableParallelism(), 4));
  const kind = opts.kind ?? (wasmLstmAvailable() ? "wasm-simd-kernel" : "tfjs");
  const shape = { units, features: ds.features, window: ds.window };
  if (kind === "wasm-simd-kernel") {
    if (threads <= 1) return WasmLstmEngine.create(ds, units);
    const pool = new ParallelWasmLstm(shape, threads);
    try {
      await pool.ready;
      await pool.useDataset(ds);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return new ParallelWasmLstmEngine(pool, ds);
  }
  const info = await initBackend();
  if (threads <= 1) return new TfjsLstmEngine(new FastLstmEngine(tf, ds, units), `tfjs-${info.name}`, 1);
  const pool = new ParallelFastLstm(shape, threads);
  const names = await pool.ready;
  return new TfjsLstmEngine(new ParallelFastLstmEngine(pool, ds), `tfjs-${names[0] ?? info.name}`, threads);
}
