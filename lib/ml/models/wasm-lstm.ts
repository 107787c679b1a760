/**
 * Gradient engines on the WebAssembly SIMD LSTM kernel (kernels/lstm-kernel.ts): same model, parameter
 * layout and GradientEngine contract as FastLstmEngine, so `train()` (Adam, clipping, checkpoints) is
 * unchanged. The parallel engine shares the dataset with its worker threads once (SharedArrayBuffer) and
 * then sends only sample indices and parameters per batch; each worker gathers its part of the batch
 * straight into its kernel's memory and returns SSE + gradient, which are summed here.
 * `createLstmEngine` (engines.ts) picks these when WebAssembly SIMD is available.
 */
import os from "node:os";
import type { WindowDataset } from "../dataset";
import { gatherTargets, gatherWindows } from "../dataset";
import { WASM_LSTM_BACKEND, WasmLstm } from "../kernels/lstm-kernel";
import type { GradientEngine } from "../train";
import { fastLstmParamCount, type TFastLstmShape } from "./fast-lstm";
import { chunked, type PoolReply, splitRange, TsWorkerPool } from "../../threads/worker-pool";

/** A GradientEngine that reports what runs it and owns resources to release. */
export interface LstmEngine extends GradientEngine {
  /** "wasm-simd-kernel", or "tfjs-<backend>" for the tfjs fallback. */
  readonly backend: string;
  readonly threads: number;
  close(): Promise<void>;
}

/** In-process engine: one kernel instance, batches gathered straight into its memory. */
export class WasmLstmEngine implements LstmEngine {
  readonly paramCount: number;
  readonly backend = WASM_LSTM_BACKEND;
  readonly threads = 1;
  private constructor(
    private readonly kernel: WasmLstm,
    readonly ds: WindowDataset,
    readonly predictChunk: number,
  ) {
    this.paramCount = fastLstmParamCount(kernel.shape);
  }

  static async create(ds: WindowDataset, units: number, predictChunk = 4096): Promise<WasmLstmEngine> {
    const kernel = await WasmLstm.create({ units, features: ds.features, window: ds.window });
    return new WasmLstmEngine(kernel, ds, predictChunk);
  }

  lossAndGrads(params: Float32Array, idx: Int32Array) {
    const io = this.kernel.inputs(idx.length);
    gatherWindows(this.ds, idx, io.x);
    gatherTargets(this.ds, idx, io.y);
    return this.kernel.lossAndGradsInPlace(params, idx.length);
  }

  predict(params: Float32Array, idx: Int32Array): Promise<Float32Array> {
    return chunked(idx, this.predictChunk, (part) => {
      gatherWindows(this.ds, part, this.kernel.inputs(part.length).x);
      return this.kernel.predictInPlace(params, part.length);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

type Reply = PoolReply & { ready?: string; sse?: number; grads?: Float32Array; pred?: Float32Array };

/** Copy of a typed array in shared memory (or the array itself when it already is). */
function shared<T extends Float32Array | Int32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** Worker threads, each with its own kernel instance, sharing one dataset at a time. */
export class ParallelWasmLstm {
  private readonly pool: TsWorkerPool<Reply>;
  readonly ready: Promise<string[]>;
  private current: WindowDataset | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    readonly shape: TFastLstmShape,
    readonly threads = Math.max(1, Math.min(os.availableParallelism(), 4)),
  ) {
    this.pool = new TsWorkerPool<Reply>(new URL("./wasm-lstm.worker.ts", import.meta.url), threads, { shape });
    this.ready = this.pool.ready;
  }

  /** Shares ds's features and targets with every worker (no-op if already current). */
  useDataset(ds: WindowDataset): Promise<void> {
    if (ds.window !== this.shape.window || ds.features !== this.shape.features) {
      throw new RangeError(`dataset windows ${ds.window} × ${ds.features} ≠ engine ${this.shape.window} × ${this.shape.features}`);
    }
    if (this.current === ds && this.loading) return this.loading;
    this.current = ds;
    const msg = { op: "data", source: shared(ds.source), end: shared(ds.end), y: shared(ds.y) };
    this.loading = this.ready.then(async () => {
      await Promise.all(Array.from({ length: this.threads }, (_, w) => this.pool.call(w, msg)));
    });
    return this.loading;
  }

  /**
   * Runs `job` on consecutive pieces of n items, at most `piece` each, handing the next piece to whichever
   * worker is free (a descheduled thread on a busy machine then delays a batch by one piece, not by half a
   * batch). Results come back in piece order, so sums over them do not depend on the schedule.
   */
  private async scatter<T>(n: number, piece: number, job: (w: number, a: number, b: number) => Promise<T>): Promise<T[]> {
    const pieces = Math.max(1, Math.ceil(n / Math.max(1, piece)));
    const out: T[] = new Array(pieces);
    let next = 0;
    const loop = async (w: number) => {
      while (next < pieces) {
        const k = next++;
        const [a, b] = splitRange(n, pieces, k);
        out[k] = await job(w, a, b);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.threads, pieces) }, (_, w) => loop(w)));
    return out;
  }

  /** SSE and summed gradient of samples idx of the current dataset (pieces of ≤ `piece` samples per worker call). */
  async lossAndGrads(params: Float32Array, idx: Int32Array, piece = this.piece(idx.length, 32)): Promise<{ sse: number; grads: Float32Array }> {
    const replies = await this.scatter(idx.length, piece, (w, a, b) => this.pool.call(w, { op: "grad", params, idx: idx.slice(a, b) }));
    const grads = replies[0]!.grads!;
    let sse = replies[0]!.sse!;
    for (let r = 1; r < replies.length; r++) {
      sse += replies[r]!.sse!;
      const g = replies[r]!.grads!;
      for (let i = 0; i < g.length; i++) grads[i]! += g[i]!;
    }
    return { sse, grads };
  }

  /** Predictions for samples idx (pieces of ≤ 2048 windows: bounded worker memory, whole run load-balanced). */
  async predict(params: Float32Array, idx: Int32Array, piece = Math.min(2048, this.piece(idx.length, 64))): Promise<Float32Array> {
    const out = new Float32Array(idx.length);
    await this.scatter(idx.length, piece, async (w, a, b) => out.set((await this.pool.call(w, { op: "predict", params, idx: idx.slice(a, b) })).pred!, a));
    return out;
  }

  /** Piece size: 4 pieces per thread, but not below `min` items (per-call overhead). */
  private piece(n: number, min: number): number {
    return Math.max(min, Math.ceil(n / (4 * this.threads)));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** GradientEngine over a dataset backed by a ParallelWasmLstm pool. */
export class ParallelWasmLstmEngine implements LstmEngine {
  readonly paramCount: number;
  readonly backend = WASM_LSTM_BACKEND;
  constructor(
    readonly pool: ParallelWasmLstm,
    readonly ds: WindowDataset,
  ) {
    this.paramCount = fastLstmParamCount(pool.shape);
  }
  get threads(): number {
    return this.pool.threads;
  }
  async lossAndGrads(params: Float32Array, idx: Int32Array) {
    await this.pool.useDataset(this.ds);
    return this.pool.lossAndGrads(params, idx);
  }
  async predict(params: Float32Array, idx: Int32Array): Promise<Float32Array> {
    await this.pool.useDataset(this.ds);
    return this.pool.predict(params, idx);
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}
