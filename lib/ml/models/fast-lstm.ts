/**
 * Fast LSTM (one layer, U units, linear head on the last hidden state, MSE loss) with a hand-written
 * forward pass and backpropagation through time built from raw tf ops: no autodiff tape, no layer
 * machinery. Parameters live in one flat Float32Array owned by the caller, the optimizer runs in plain JS
 * (optim.ts), so a batch can be split across worker threads and the gradients summed.
 *
 * Layout choices, all measured on tfjs-wasm (per-op overhead ≈ 20 µs, matMul ≈ 20–28 GFLOPS, but ~2 GFLOPS
 * when an operand is transposed; sigmoid is vectorised, tanh is ~17× slower per element):
 * - feature-major activations [units, batch], so the four gates are contiguous row blocks (one `split`);
 * - one sigmoid over all 4U gate rows: the candidate rows (g) of Wx, Wh and b are pre-scaled by 2 so
 *   tanh(z) = 2σ(2z) − 1, and tanh(c) likewise; the gradient is scaled back (chain rule);
 * - one gate matMul per step on [x_t; h_{t−1}] (W = [Wx | Wh]); step inputs are uploaded per step (slicing a
 *   large tensor on wasm costs O(its size), ~10 ms);
 * - the weight gradient is one big matMul after the backward loop: dZ[4U, T·B] · [X; H][T·B, F+U].
 *
 * Parameter layout (gate order i, f, o, g): Wx [4U × F] | Wh [4U × U] | b [4U] | wo [U] | bo [1].
 */
import type * as TF from "@tensorflow/tfjs";
import { z } from "zod";
import { Rng } from "../util";

export const ZFastLstmShape = z.object({
  units: z.number().int().min(1).max(1024),
  features: z.number().int().min(1).max(4096),
  window: z.number().int().min(1).max(2048),
});
export type TFastLstmShape = z.infer<typeof ZFastLstmShape>;

export function fastLstmParamCount(s: { units: number; features: number }): number {
  const U = s.units;
  return 4 * U * s.features + 4 * U * U + 4 * U + U + 1;
}

/** Offsets of each block in the flat parameter vector. */
export function fastLstmLayout(s: { units: number; features: number }) {
  const U = s.units;
  const F = s.features;
  const wx = 0;
  const wh = wx + 4 * U * F;
  const b = wh + 4 * U * U;
  const wo = b + 4 * U;
  const bo = wo + U;
  return { wx, wh, b, wo, bo, size: bo + 1 };
}

/**
 * Seeded init (Keras defaults): Glorot-uniform Wx, scaled-uniform Wh (≈ orthogonal scale), zero bias with
 * forget-gate bias 1, Glorot-uniform head.
 */
export function initFastLstmParams(s: { units: number; features: number }, seed: number): Float32Array {
  const U = s.units;
  const F = s.features;
  const L = fastLstmLayout(s);
  const p = new Float32Array(L.size);
  const rng = new Rng(seed, 0x15f);
  const ax = Math.sqrt(6 / (F + 4 * U));
  for (let k = 0; k < 4 * U * F; k++) p[L.wx + k] = (2 * rng.uniform() - 1) * ax;
  const ah = Math.sqrt(3 / U);
  for (let k = 0; k < 4 * U * U; k++) p[L.wh + k] = (2 * rng.uniform() - 1) * ah;
  for (let u = 0; u < U; u++) p[L.b + U + u] = 1;
  const ao = Math.sqrt(6 / (U + 1));
  for (let u = 0; u < U; u++) p[L.wo + u] = (2 * rng.uniform() - 1) * ao;
  return p;
}

/** Rows [3U, 4U) (the candidate gate) of a [4U × cols] block scaled by k, copied. */
export interface LossAndGrads {
  /** Sum over the batch of squared errors (divide by the total count for the MSE). */
  sse: number;
  /** Gradient of the SSE (same layout as the parameters). */
  grads: Float32Array;
}

/** One LSTM shape bound to a tfjs instance (the caller picks the backend). */
export class FastLstm {
  readonly shape: TFastLstmShape;
  readonly layout: ReturnType<typeof fastLstmLayout>;
  private readonly tf: typeof TF;

  constructor(tf: typeof TF, shape: TFastLstmShape) {
    this.tf = tf;
    this.shape = ZFastLstmShape.parse(shape);
    this.layout = fastLstmLayout(shape);
  }

  /** x: [B, T, F] sample-major → per step t a [F, B] block (feature-major), stored contiguously t-major. */
  private stepInputs(x: Float32Array, B: number): Float32Array {
    const { window: T, features: F } = this.shape;
    if (x.length !== B * T * F) throw new RangeError(`x has ${x.length} values, expected ${B} × ${T} × ${F}`);
    const out = new Float32Array(T * F * B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const src = (b * T + t) * F;
        const dst = t * F * B + b;
        for (let f = 0; f < F; f++) out[dst + f * B] = x[src + f]!;
      }
    }
    return out;
  }

  /** W = [Wx | Wh] (4U × (F+U)) with the candidate rows ×2, its transposed recurrent part, bias, head. */
  private tensors(params: Float32Array) {
    const tf = this.tf;
    const { units: U, features: F } = this.shape;
    const L = this.layout;
    if (params.length !== L.size) throw new RangeError(`params has ${params.length} values, expected ${L.size}`);
    const K = F + U;
    const w = new Float32Array(4 * U * K);
    const whT = new Float32Array(U * 4 * U);
    const b = new Float32Array(4 * U);
    for (let r = 0; r < 4 * U; r++) {
      const k = r >= 3 * U ? 2 : 1;
      for (let f = 0; f < F; f++) w[r * K + f] = k * params[L.wx + r * F + f]!;
      for (let u = 0; u < U; u++) {
        const v = k * params[L.wh + r * U + u]!;
        w[r * K + F + u] = v;
        whT[u * 4 * U + r] = v;
      }
      b[r] = k * params[L.b + r]!;
    }
    return {
      W: tf.tensor2d(w, [4 * U, K]),
      WhT: tf.tensor2d(whT, [U, 4 * U]),
      b: tf.tensor2d(b, [4 * U, 1]),
      wo: tf.tensor2d(params.subarray(L.wo, L.bo), [1, U]),
      woCol: tf.tensor2d(params.subarray(L.wo, L.bo), [U, 1]),
      bo: params[L.bo]!,
    };
  }

  /** Predictions for B windows x [B, T, F]. */
  predict(params: Float32Array, x: Float32Array, B: number): Float32Array {
    const tf = this.tf;
    const { units: U, window: T, features: F } = this.shape;
    const xs = this.stepInputs(x, B);
    const out = tf.tidy(() => {
      const P = this.tensors(params);
      let H = tf.zeros([U, B]);
      let C = tf.zeros([U, B]);
      for (let t = 0; t < T; t++) {
        const Xt = tf.tensor2d(xs.subarray(t * F * B, (t + 1) * F * B), [F, B]);
        const Z = tf.add(tf.matMul(P.W, tf.concat([Xt, H], 0)), P.b);
        const [si, sf, so, sg] = tf.split(tf.sigmoid(Z), 4, 0) as [TF.Tensor, TF.Tensor, TF.Tensor, TF.Tensor];
        const G = tf.sub(tf.mul(sg, 2), 1);
        C = tf.add(tf.mul(sf, C), tf.mul(si, G));
        const Tc = tf.sub(tf.mul(tf.sigmoid(tf.mul(C, 2)), 2), 1);
        H = tf.mul(so, Tc);
      }
      return tf.add(tf.matMul(P.wo, H), P.bo);
    });
    const y = out.dataSync() as Float32Array;
    out.dispose();
    return Float32Array.from(y);
  }

  /** SSE and its gradient for B windows x [B, T, F] with targets y [B]. */
  lossAndGrads(params: Float32Array, x: Float32Array, y: Float32Array, B: number): LossAndGrads {
    const tf = this.tf;
    const { units: U, window: T, features: F } = this.shape;
    const L = this.layout;
    if (y.length !== B) throw new RangeError(`y has ${y.length} values, expected ${B}`);
    const xs = this.stepInputs(x, B);
    const [sseT, gW, gb, gwo, gbo] = tf.tidy(() => {
      const P = this.tensors(params);
      const S: TF.Tensor[] = [];
      const G: TF.Tensor[] = [];
      const C: TF.Tensor[] = [tf.zeros([U, B])];
      const Tc: TF.Tensor[] = [];
      const XH: TF.Tensor[] = [];
      let H: TF.Tensor = tf.zeros([U, B]);
      for (let t = 0; t < T; t++) {
        const xh = tf.concat([tf.tensor2d(xs.subarray(t * F * B, (t + 1) * F * B), [F, B]), H], 0);
        const s = tf.sigmoid(tf.add(tf.matMul(P.W, xh), P.b));
        const [si, sf, so, sg] = tf.split(s, 4, 0) as [TF.Tensor, TF.Tensor, TF.Tensor, TF.Tensor];
        const g = tf.sub(tf.mul(sg, 2), 1);
        const c = tf.add(tf.mul(sf, C[t]!), tf.mul(si, g));
        const tc = tf.sub(tf.mul(tf.sigmoid(tf.mul(c, 2)), 2), 1);
        XH.push(xh);
        S.push(s);
        G.push(g);
        C.push(c);
        Tc.push(tc);
        H = tf.mul(so, tc);
      }
      const yhat = tf.add(tf.matMul(P.wo, H), P.bo); // [1, B]
      const err = tf.sub(yhat, tf.tensor2d(y, [1, B]));
      const sse = tf.sum(tf.square(err));
      const dy = tf.mul(err, 2); // d SSE / d yhat
      const gwo = tf.matMul(dy, tf.transpose(H)); // [1, U]
      const gbo = tf.sum(dy);
      let dH = tf.matMul(P.woCol, dy); // [U, B]
      let dC: TF.Tensor | null = null;
      const dZ: TF.Tensor[] = new Array(T);
      for (let t = T - 1; t >= 0; t--) {
        const s = S[t]!;
        const [si, sf, so] = tf.split(s, 4, 0) as [TF.Tensor, TF.Tensor, TF.Tensor, TF.Tensor];
        const tc = Tc[t]!;
        const dcH = tf.mul(tf.mul(dH, so), tf.sub(1, tf.square(tc)));
        const dc: TF.Tensor = dC ? tf.add(dC, dcH) : dcH;
        const dA = tf.concat([tf.mul(dc, G[t]!), tf.mul(dc, C[t]!), tf.mul(dH, tc), tf.mul(tf.mul(dc, si), 2)], 0);
        const dz = tf.mul(dA, tf.sub(s, tf.square(s)));
        dZ[t] = dz;
        dC = tf.mul(dc, sf);
        if (t > 0) dH = tf.matMul(P.WhT, dz);
      }
      const dZall = tf.concat(dZ, 1); // [4U, T·B], column t·B + b
      const XHall = tf.transpose(tf.concat(XH, 1)); // [T·B, F + U]
      const gW = tf.matMul(dZall, XHall); // [4U, F + U]
      const gb = tf.sum(dZall, 1);
      return [sse, gW, gb, gwo, gbo];
    });
    const grads = new Float32Array(L.size);
    const K = F + U;
    const w = gW.dataSync() as Float32Array;
    // Chain rule for the ×2 pre-scaling of the candidate rows: dL/dp = 2 · dL/dp'.
    for (let r = 0; r < 4 * U; r++) {
      const k = r >= 3 * U ? 2 : 1;
      for (let f = 0; f < F; f++) grads[L.wx + r * F + f] = k * w[r * K + f]!;
      for (let u = 0; u < U; u++) grads[L.wh + r * U + u] = k * w[r * K + F + u]!;
    }
    const gbv = gb.dataSync();
    for (let r = 0; r < 4 * U; r++) grads[L.b + r] = (r >= 3 * U ? 2 : 1) * gbv[r]!;
    grads.set(gwo.dataSync() as Float32Array, L.wo);
    grads[L.bo] = gbo.dataSync()[0]!;
    const sse = sseT.dataSync()[0]!;
    tf.dispose([sseT, gW, gb, gwo, gbo]);
    return { sse, grads };
  }
}

/**
 * Float64 reference LSTM (plain loops, same parameter layout and semantics) for tests: prediction and SSE.
 */
export function referenceLstmSse(params: Float32Array | Float64Array, shape: TFastLstmShape, x: ArrayLike<number>, y: ArrayLike<number>, B: number): { sse: number; pred: Float64Array } {
  const { units: U, features: F, window: T } = shape;
  const L = fastLstmLayout(shape);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const pred = new Float64Array(B);
  let sse = 0;
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(U);
    let c = new Float64Array(U);
    for (let t = 0; t < T; t++) {
      const z = new Float64Array(4 * U);
      for (let r = 0; r < 4 * U; r++) {
        let s = params[L.b + r]!;
        for (let f = 0; f < F; f++) s += params[L.wx + r * F + f]! * x[(b * T + t) * F + f]!;
        for (let u = 0; u < U; u++) s += params[L.wh + r * U + u]! * h[u]!;
        z[r] = s;
      }
      const h2 = new Float64Array(U);
      const c2 = new Float64Array(U);
      for (let u = 0; u < U; u++) {
        const i = sig(z[u]!);
        const fg = sig(z[U + u]!);
        const o = sig(z[2 * U + u]!);
        const g = Math.tanh(z[3 * U + u]!);
        c2[u] = fg * c[u]! + i * g;
        h2[u] = o * Math.tanh(c2[u]!);
      }
      h = h2;
      c = c2;
    }
    let p = params[L.bo]!;
    for (let u = 0; u < U; u++) p += params[L.wo + u]! * h[u]!;
    pred[b] = p;
    sse += (p - y[b]!) ** 2;
  }
  return { sse, pred };
}
