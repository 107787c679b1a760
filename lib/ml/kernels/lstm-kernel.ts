/**
 * Host side of the WebAssembly SIMD LSTM kernel (lstm.as → lstm.wasm): same model, parameter layout and
 * API as FastLstm (one layer, linear head on h_T, SSE), computed in one call per batch: forward, BPTT and
 * the weight gradient run inside the kernel with f32x4 arithmetic, no per-op dispatch.
 *
 * The parameters are rearranged per call into the kernel's layout (see lstm.as): W [K_PAD × 4U'] with
 * rows [Wh columns | Wx columns | bias] and gate columns interleaved by unit quads, U' = U rounded up to a
 * multiple of 4 (padded units have zero weights, so they stay at h = c = 0 and change nothing).
 * The .wasm is committed; `npm run build:wasm` regenerates it from lstm.as.
 */
import { readFileSync } from "node:fs";
import type { LossAndGrads, TFastLstmShape } from "../models/fast-lstm";
import { fastLstmLayout, ZFastLstmShape } from "../models/fast-lstm";

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  configure(t: number, f: number, u: number): number;
  predict(w: number, wo: number, bo: number, x: number, n: number, ws: number, out: number): void;
  train(w: number, whp: number, wo: number, bo: number, x: number, y: number, n: number, ws: number, g: number, gh: number): number;
}

/** Name recorded by runs and benchmarks for this engine. */
export const WASM_LSTM_BACKEND = "wasm-simd-kernel";

let bytes: Uint8Array<ArrayBuffer> | null = null;
function kernelBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= new Uint8Array(readFileSync(new URL("./lstm.wasm", import.meta.url)));
  return bytes;
}

/** True when this runtime can compile the kernel (WebAssembly with fixed-width SIMD; Node ≥ 16.4). */
export function wasmLstmAvailable(): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(kernelBytes());
  } catch {
    return false;
  }
}

let compiled: Promise<WebAssembly.Module> | null = null;
/** The compiled kernel module (compiled once per thread). */
export function loadLstmKernel(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(kernelBytes());
  return compiled;
}

const PAGE = 65536;
const al16 = (n: number) => (n + 15) & ~15;

/** One kernel instance (its own linear memory) bound to one LSTM shape. Not thread-safe; one per thread. */
export class WasmLstm {
  readonly shape: TFastLstmShape;
  private readonly k: KernelExports;
  private readonly up: number;
  private readonly kpad: number;
  private readonly p: number;
  // Fixed regions (byte offsets).
  private readonly oW: number;
  private readonly oWhp: number;
  private readonly oWo: number;
  private readonly oG: number;
  private readonly oGh: number;
  private readonly oWs: number;
  private readonly fixedEnd: number;
  // Batch regions, sized for `cap` windows.
  private cap = 0;
  private oY = 0;
  private oOut = 0;
  private oX = 0;

  private constructor(instance: WebAssembly.Instance, shape: TFastLstmShape) {
    this.shape = ZFastLstmShape.parse(shape);
    this.k = instance.exports as unknown as KernelExports;
    const { units: U, features: F, window: T } = this.shape;
    this.up = (U + 3) & ~3;
    this.kpad = (this.up + F + 2) & ~1;
    this.p = 4 * this.up;
    const ws = this.k.configure(T, F, this.up);
    let o = al16(this.k.heapBase());
    const take = (floats: number) => {
      const at = o;
      o = al16(o + 4 * floats);
      return at;
    };
    this.oW = take(this.kpad * this.p);
    this.oWhp = take(this.p * this.up);
    this.oWo = take(this.up);
    this.oG = take(this.kpad * this.p);
    this.oGh = take(this.up + 1);
    this.oWs = o;
    this.fixedEnd = al16(o + ws);
    this.reserve(1);
  }

  /** A kernel instance for `shape` (compiles lstm.wasm on first use, or uses the given module). */
  static async create(shape: TFastLstmShape, module?: WebAssembly.Module): Promise<WasmLstm> {
    const instance = await WebAssembly.instantiate(module ?? (await loadLstmKernel()), {});
    return new WasmLstm(instance, shape);
  }

  /** Makes room for n windows (grows the memory if needed). */
  private reserve(n: number): void {
    if (n <= this.cap) return;
    const { window: T, features: F } = this.shape;
    const cap = Math.max(n, 2 * this.cap);
    const oY = this.fixedEnd;
    const oOut = al16(oY + 4 * cap);
    const oX = al16(oOut + 4 * cap);
    const end = oX + 4 * cap * T * F;
    const mem = this.k.memory;
    if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / PAGE));
    this.cap = cap;
    this.oY = oY;
    this.oOut = oOut;
    this.oX = oX;
  }

  private f32(offset: number, length: number): Float32Array<ArrayBuffer> {
    return new Float32Array(this.k.memory.buffer, offset, length);
  }

  /**
   * Input buffers for B windows inside the kernel's memory (x [B × T × F], y [B]): fill them (e.g. with
   * gatherWindows(ds, idx, x)) and call `lossAndGradsInPlace` / `predictInPlace`. Valid until the next call
   * that needs a larger batch.
   */
  inputs(B: number): { x: Float32Array<ArrayBuffer>; y: Float32Array<ArrayBuffer> } {
    this.reserve(B);
    const { window: T, features: F } = this.shape;
    return { x: this.f32(this.oX, B * T * F), y: this.f32(this.oY, B) };
  }

  /** Writes params (FastLstm layout) into the kernel layout; returns the head bias. */
  private setParams(params: Float32Array, backward: boolean): number {
    const { units: U, features: F } = this.shape;
    const L = fastLstmLayout(this.shape);
    if (params.length !== L.size) throw new RangeError(`params has ${params.length} values, expected ${L.size}`);
    const { up, kpad, p: P } = this;
    const w = this.f32(this.oW, kpad * P).fill(0);
    for (let gate = 0; gate < 4; gate++) {
      for (let u = 0; u < U; u++) {
        const r = gate * U + u;
        const col = 16 * (u >> 2) + 4 * gate + (u & 3);
        for (let v = 0; v < U; v++) w[v * P + col] = params[L.wh + r * U + v]!;
        for (let f = 0; f < F; f++) w[(up + f) * P + col] = params[L.wx + r * F + f]!;
        w[(up + F) * P + col] = params[L.b + r]!;
      }
    }
    if (backward) {
      const whp = this.f32(this.oWhp, P * up);
      for (let v = 0; v < up; v++) for (let col = 0; col < P; col++) whp[col * up + v] = w[v * P + col]!;
    }
    const wo = this.f32(this.oWo, up).fill(0);
    wo.set(params.subarray(L.wo, L.bo));
    return params[L.bo]!;
  }

  /** Predictions for the B windows already in `inputs(B).x`. */
  predictInPlace(params: Float32Array, B: number): Float32Array {
    this.reserve(B);
    const bo = this.setParams(params, false);
    this.k.predict(this.oW, this.oWo, bo, this.oX, B, this.oWs, this.oOut);
    return this.f32(this.oOut, B).slice();
  }

  /** SSE and its gradient (FastLstm layout) for the B windows and targets already in `inputs(B)`. */
  lossAndGradsInPlace(params: Float32Array, B: number): LossAndGrads {
    this.reserve(B);
    const { units: U, features: F } = this.shape;
    const L = fastLstmLayout(this.shape);
    const bo = this.setParams(params, true);
    const sse = this.k.train(this.oW, this.oWhp, this.oWo, bo, this.oX, this.oY, B, this.oWs, this.oG, this.oGh);
    const { up, p: P } = this;
    const g = this.f32(this.oG, this.kpad * P);
    const grads = new Float32Array(L.size);
    for (let gate = 0; gate < 4; gate++) {
      for (let u = 0; u < U; u++) {
        const r = gate * U + u;
        const col = 16 * (u >> 2) + 4 * gate + (u & 3);
        for (let v = 0; v < U; v++) grads[L.wh + r * U + v] = g[v * P + col]!;
        for (let f = 0; f < F; f++) grads[L.wx + r * F + f] = g[(up + f) * P + col]!;
        grads[L.b + r] = g[(up + F) * P + col]!;
      }
    }
    const gh = this.f32(this.oGh, up + 1);
    grads.set(gh.subarray(0, U), L.wo);
    grads[L.bo] = gh[up]!;
    return { sse, grads };
  }

  private copyIn(x: Float32Array, y: Float32Array | null, B: number): void {
    const { window: T, features: F } = this.shape;
    if (x.length !== B * T * F) throw new RangeError(`x has ${x.length} values, expected ${B} × ${T} × ${F}`);
    if (y && y.length !== B) throw new RangeError(`y has ${y.length} values, expected ${B}`);
    const io = this.inputs(B);
    io.x.set(x);
    if (y) io.y.set(y);
  }

  /** Predictions for B windows x [B, T, F] (same contract as FastLstm.predict). */
  predict(params: Float32Array, x: Float32Array, B: number): Float32Array {
    this.copyIn(x, null, B);
    return this.predictInPlace(params, B);
  }

  /** SSE and its gradient for B windows x [B, T, F] with targets y [B] (same contract as FastLstm). */
  lossAndGrads(params: Float32Array, x: Float32Array, y: Float32Array, B: number): LossAndGrads {
    this.copyIn(x, y, B);
    return this.lossAndGradsInPlace(params, B);
  }
}
