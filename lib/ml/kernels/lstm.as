// LSTM kernel (AssemblyScript → WebAssembly SIMD): one layer of U units, linear head on the last hidden
// state, SSE loss; forward pass, BPTT and the weight gradient for a batch of windows. Compiled by
// build.ts (`npm run build:wasm`) to lstm.wasm; the host side is lstm-kernel.ts. Not TypeScript: the
// .as extension keeps tsc and eslint away from AssemblyScript's types (f32, v128, usize).
//
// Memory is raw (no GC, no allocation here): the host places every buffer and passes byte pointers.
// Shapes are set once by configure(T, F, U) with U already padded to a multiple of 4.
//
// Layouts (f32, row-major):
// - XH row (K_PAD floats) per step and sample: [h_{t-1} (U) | x_t (F) | 1 | zero pad]; row T holds h_T.
//   The forward gate product is then one reduction over k < K1 = U + F + 1 (bias = row of the constant 1)
//   and the weight gradient is one product over the same rows.
// - Gate columns interleaved by unit quads: column p = 16·q + 4·gate + lane for unit u = 4·q + lane,
//   gate order i, f, o, g. One tile of 4 vectors holds all four gates of 4 units, so the cell update
//   follows the gate product without a pass over memory.
// - W  [K_PAD × P] (P = 4U), row k multiplies XH[k];  WHP [P × U] = the h rows of W transposed (for dh).
// - Per sample of the pair being processed: XH [(T+1) × K_PAD], S [T × P] gate activations (overwritten by
//   the gate pre-activation gradients dZ in the backward pass), C and TC [T × U] (c_t, tanh c_t), DH, DC [U].
// Samples are processed in pairs (two samples share every weight load in the forward tile).

let T: i32 = 0;
let F: i32 = 0;
let U: i32 = 0;
let K1: i32 = 0;
let KPAD: i32 = 0;
let P: i32 = 0;
// Byte offsets inside one sample's workspace and its size.
let oS: usize = 0;
let oC: usize = 0;
let oTC: usize = 0;
let oDH: usize = 0;
let oDC: usize = 0;
let SAMPLE: usize = 0;

@inline function al16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

/** First free byte (16-aligned) after the module's static data. */
export function heapBase(): usize {
  return al16(__heap_base);
}

/** Sets the shape; returns the workspace size in bytes (two samples). */
export function configure(t: i32, f: i32, u: i32): usize {
  T = t;
  F = f;
  U = u;
  K1 = u + f + 1;
  KPAD = (K1 + 1) & ~1;
  P = 4 * u;
  const xh = al16(<usize>((t + 1) * KPAD) << 2);
  oS = xh;
  oC = oS + al16(<usize>(t * P) << 2);
  oTC = oC + al16(<usize>(t * u) << 2);
  oDH = oTC + al16(<usize>(t * u) << 2);
  oDC = oDH + al16(<usize>u << 2);
  SAMPLE = oDC + al16(<usize>u << 2);
  return 2 * SAMPLE;
}

// ---- vector math -------------------------------------------------------------------------------------

/**
 * e^x for 4 lanes: Cody–Waite range reduction by ln 2 and a degree-7 minimax polynomial (Cephes expf).
 * n = round(x·log2 e) comes from the 1.5·2^23 shifter (its integer value sits in the low mantissa bits),
 * so 2^n needs no float→int conversion.
 */
@inline function vexp(v: v128): v128 {
  // pmin/pmax are one instruction each (min/max add NaN handling: ~30% of the activation cost)
  const x0 = f32x4.pmax(f32x4.pmin(v, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const shifter = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(x0, f32x4.splat(1.44269504088896341)), shifter);
  const n = f32x4.sub(t, shifter);
  let x = f32x4.sub(x0, f32x4.mul(n, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(x, x)), x), f32x4.splat(1.0));
  // bits(t) = bits(shifter) + n, so 2^n = (bits(t) − bits(shifter) + 127) << 23.
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4b400000)), 23);
  return f32x4.mul(p, scale);
}

@inline function vsigmoid(z: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(z))));
}

/** tanh z = 2σ(2z) − 1. */
@inline function vtanh(z: v128): v128 {
  const one = f32x4.splat(1.0);
  const two = f32x4.splat(2.0);
  return f32x4.sub(f32x4.div(two, f32x4.add(one, vexp(f32x4.mul(z, f32x4.splat(-2.0))))), one);
}

// ---- pair of samples ---------------------------------------------------------------------------------

/** Fills XH rows 0..T−1 of sample slot `b` with window x (T × F, or zeros when x = 0). */
function loadWindow(ws: usize, b: i32, x: usize): void {
  const xh = ws + <usize>b * SAMPLE;
  const row = <usize>KPAD << 2;
  memory.fill(xh, 0, <usize>(T + 1) * row);
  const xb = <usize>U << 2;
  const one = <usize>(U + F) << 2;
  for (let t = 0; t < T; t++) {
    const r = xh + <usize>t * row;
    if (x != 0) memory.copy(r + xb, x + ((<usize>(t * F)) << 2), <usize>F << 2);
    store<f32>(r + one, 1.0);
  }
}

/** Forward through all T steps for both samples of the workspace. */
function forwardPair(w: usize, ws: usize): void {
  const t_ = T;
  const u_ = U;
  const k1 = K1;
  const P4 = <usize>P << 2;
  const ROW = <usize>KPAD << 2;
  const U4 = <usize>u_ << 2;
  const xh0 = ws;
  const xh1 = ws + SAMPLE;
  const zero = f32x4.splat(0.0);
  for (let t = 0; t < t_; t++) {
    const xr0 = xh0 + <usize>t * ROW;
    const xr1 = xh1 + <usize>t * ROW;
    const s0 = xh0 + oS + <usize>t * P4;
    const s1 = xh1 + oS + <usize>t * P4;
    const c0 = xh0 + oC + <usize>t * U4;
    const c1 = xh1 + oC + <usize>t * U4;
    const tc0 = xh0 + oTC + <usize>t * U4;
    const tc1 = xh1 + oTC + <usize>t * U4;
    for (let j = 0; j < u_; j += 4) {
      let wp = w + (<usize>j << 4);
      let p0 = xr0;
      let p1 = xr1;
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let b0 = zero, b1 = zero, b2 = zero, b3 = zero;
      for (let k = 0; k < k1; k++) {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        const w2 = v128.load(wp, 32);
        const w3 = v128.load(wp, 48);
        const x0 = v128.load32_splat(p0);
        const x1 = v128.load32_splat(p1);
        a0 = f32x4.add(a0, f32x4.mul(x0, w0));
        a1 = f32x4.add(a1, f32x4.mul(x0, w1));
        a2 = f32x4.add(a2, f32x4.mul(x0, w2));
        a3 = f32x4.add(a3, f32x4.mul(x0, w3));
        b0 = f32x4.add(b0, f32x4.mul(x1, w0));
        b1 = f32x4.add(b1, f32x4.mul(x1, w1));
        b2 = f32x4.add(b2, f32x4.mul(x1, w2));
        b3 = f32x4.add(b3, f32x4.mul(x1, w3));
        wp += P4;
        p0 += 4;
        p1 += 4;
      }
      const q = <usize>j << 4;
      const u4 = <usize>j << 2;
      cell(a0, a1, a2, a3, s0 + q, c0 + u4, t > 0 ? c0 - U4 + u4 : 0, tc0 + u4, xr0 + ROW + u4);
      cell(b0, b1, b2, b3, s1 + q, c1 + u4, t > 0 ? c1 - U4 + u4 : 0, tc1 + u4, xr1 + ROW + u4);
    }
  }
}

/** Gate activations, cell and hidden state of 4 units of one sample; stores S, c, tanh c and h. */
@inline function cell(zi: v128, zf: v128, zo: v128, zg: v128, s: usize, c: usize, cprev: usize, tc: usize, h: usize): void {
  const i = vsigmoid(zi);
  const f = vsigmoid(zf);
  const o = vsigmoid(zo);
  const g = vtanh(zg);
  const cp = cprev != 0 ? v128.load(cprev) : f32x4.splat(0.0);
  const cv = f32x4.add(f32x4.mul(f, cp), f32x4.mul(i, g));
  const th = vtanh(cv);
  v128.store(s, i);
  v128.store(s, f, 16);
  v128.store(s, o, 32);
  v128.store(s, g, 48);
  v128.store(c, cv);
  v128.store(tc, th);
  v128.store(h, f32x4.mul(o, th));
}

/** Head output for sample slot b: bo + wo · h_T. */
function head(wo: usize, bo: f32, ws: usize, b: i32): f32 {
  const h = ws + <usize>b * SAMPLE + <usize>(T * KPAD) * 4;
  let s: f32 = bo;
  for (let u = 0; u < U; u++) s += load<f32>(wo + (<usize>u << 2)) * load<f32>(h + (<usize>u << 2));
  return s;
}

/** BPTT for both samples (DH, DC initialised by the head); leaves dZ in S. */
function backwardPair(whp: usize, ws: usize): void {
  const u_ = U;
  const P4 = <usize>P << 2;
  const U4 = <usize>u_ << 2;
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0.0);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < 2; b++) {
      const base = ws + <usize>b * SAMPLE;
      const s = base + oS + <usize>t * P4;
      const tcr = base + oTC + <usize>t * U4;
      const cpr = base + oC + <usize>(t - 1) * U4;
      const dh = base + oDH;
      const dc = base + oDC;
      for (let j = 0; j < u_; j += 4) {
        const q = s + (<usize>j << 4);
        const u4 = <usize>j << 2;
        const i = v128.load(q);
        const f = v128.load(q, 16);
        const o = v128.load(q, 32);
        const g = v128.load(q, 48);
        const tc = v128.load(tcr + u4);
        const cp = t > 0 ? v128.load(cpr + u4) : zero;
        const dhv = v128.load(dh + u4);
        const dcv = f32x4.add(v128.load(dc + u4), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
        v128.store(q, f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i))));
        v128.store(q, f32x4.mul(f32x4.mul(dcv, cp), f32x4.mul(f, f32x4.sub(one, f))), 16);
        v128.store(q, f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o))), 32);
        v128.store(q, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))), 48);
        v128.store(dc + u4, f32x4.mul(dcv, f));
      }
    }
    if (t > 0) dhPair(whp, ws, t);
  }
}

/** DH of both samples = WHPᵀ · dZ_t (the recurrent gradient into h_{t−1}). */
function dhPair(whp: usize, ws: usize, t: i32): void {
  const u_ = U;
  const p_ = P;
  const U4 = <usize>u_ << 2;
  const z0 = ws + oS + <usize>t * (<usize>p_ << 2);
  const z1 = z0 + SAMPLE;
  const dh0 = ws + oDH;
  const dh1 = dh0 + SAMPLE;
  const zero = f32x4.splat(0.0);
  let v = 0;
  for (; v + 16 <= u_; v += 16) {
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    let b0 = zero, b1 = zero, b2 = zero, b3 = zero;
    let wp = whp + (<usize>v << 2);
    for (let p = 0; p < p_; p++) {
      const d0 = v128.load32_splat(z0 + (<usize>p << 2));
      const d1 = v128.load32_splat(z1 + (<usize>p << 2));
      const w0 = v128.load(wp);
      const w1 = v128.load(wp, 16);
      const w2 = v128.load(wp, 32);
      const w3 = v128.load(wp, 48);
      a0 = f32x4.add(a0, f32x4.mul(d0, w0));
      a1 = f32x4.add(a1, f32x4.mul(d0, w1));
      a2 = f32x4.add(a2, f32x4.mul(d0, w2));
      a3 = f32x4.add(a3, f32x4.mul(d0, w3));
      b0 = f32x4.add(b0, f32x4.mul(d1, w0));
      b1 = f32x4.add(b1, f32x4.mul(d1, w1));
      b2 = f32x4.add(b2, f32x4.mul(d1, w2));
      b3 = f32x4.add(b3, f32x4.mul(d1, w3));
      wp += U4;
    }
    const o = <usize>v << 2;
    v128.store(dh0 + o, a0);
    v128.store(dh0 + o, a1, 16);
    v128.store(dh0 + o, a2, 32);
    v128.store(dh0 + o, a3, 48);
    v128.store(dh1 + o, b0);
    v128.store(dh1 + o, b1, 16);
    v128.store(dh1 + o, b2, 32);
    v128.store(dh1 + o, b3, 48);
  }
  for (; v < u_; v += 4) {
    let a0 = zero;
    let b0 = zero;
    let wp = whp + (<usize>v << 2);
    for (let p = 0; p < p_; p++) {
      const w0 = v128.load(wp);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(z0 + (<usize>p << 2)), w0));
      b0 = f32x4.add(b0, f32x4.mul(v128.load32_splat(z1 + (<usize>p << 2)), w0));
      wp += U4;
    }
    v128.store(dh0 + (<usize>v << 2), a0);
    v128.store(dh1 + (<usize>v << 2), b0);
  }
}

/** G[k][p] += Σ_{b<nb, t} XH_b[t][k] · dZ_b[t][p] for k < K1 (rounded up to even), every p. */
function weightGradPair(g: usize, ws: usize, nb: i32): void {
  const t_ = T;
  const p_ = P;
  const P4 = <usize>p_ << 2;
  const ROW = <usize>KPAD << 2;
  for (let k = 0; k < K1; k += 2) {
    for (let p = 0; p < p_; p += 16) {
      const g0 = g + <usize>k * P4 + (<usize>p << 2);
      const g1 = g0 + P4;
      let a0 = v128.load(g0), a1 = v128.load(g0, 16), a2 = v128.load(g0, 32), a3 = v128.load(g0, 48);
      let b0 = v128.load(g1), b1 = v128.load(g1, 16), b2 = v128.load(g1, 32), b3 = v128.load(g1, 48);
      for (let b = 0; b < nb; b++) {
        const base = ws + <usize>b * SAMPLE;
        let px = base + (<usize>k << 2);
        let pd = base + oS + (<usize>p << 2);
        for (let t = 0; t < t_; t++) {
          const x0 = v128.load32_splat(px);
          const x1 = v128.load32_splat(px, 4);
          const d0 = v128.load(pd);
          const d1 = v128.load(pd, 16);
          const d2 = v128.load(pd, 32);
          const d3 = v128.load(pd, 48);
          a0 = f32x4.add(a0, f32x4.mul(x0, d0));
          a1 = f32x4.add(a1, f32x4.mul(x0, d1));
          a2 = f32x4.add(a2, f32x4.mul(x0, d2));
          a3 = f32x4.add(a3, f32x4.mul(x0, d3));
          b0 = f32x4.add(b0, f32x4.mul(x1, d0));
          b1 = f32x4.add(b1, f32x4.mul(x1, d1));
          b2 = f32x4.add(b2, f32x4.mul(x1, d2));
          b3 = f32x4.add(b3, f32x4.mul(x1, d3));
          px += ROW;
          pd += P4;
        }
      }
      v128.store(g0, a0);
      v128.store(g0, a1, 16);
      v128.store(g0, a2, 32);
      v128.store(g0, a3, 48);
      v128.store(g1, b0);
      v128.store(g1, b1, 16);
      v128.store(g1, b2, 32);
      v128.store(g1, b3, 48);
    }
  }
}

// ---- batch entry points ------------------------------------------------------------------------------

/** Predictions of n windows x [n × T × F] into out [n]. */
export function predict(w: usize, wo: usize, bo: f32, x: usize, n: i32, ws: usize, out: usize): void {
  const stride = <usize>(T * F) << 2;
  for (let b = 0; b < n; b += 2) {
    loadWindow(ws, 0, x + <usize>b * stride);
    loadWindow(ws, 1, b + 1 < n ? x + <usize>(b + 1) * stride : 0);
    forwardPair(w, ws);
    store<f32>(out + (<usize>b << 2), head(wo, bo, ws, 0));
    if (b + 1 < n) store<f32>(out + (<usize>(b + 1) << 2), head(wo, bo, ws, 1));
  }
}

/**
 * SSE of n windows x [n × T × F] against y [n] (returned) and its gradient: G [K_PAD × P] (layout of W)
 * and GH [U + 1] (head weights, then head bias), both overwritten.
 */
export function train(w: usize, whp: usize, wo: usize, bo: f32, x: usize, y: usize, n: i32, ws: usize, g: usize, gh: usize): f64 {
  const stride = <usize>(T * F) << 2;
  memory.fill(g, 0, <usize>(KPAD * P) << 2);
  memory.fill(gh, 0, <usize>(U + 1) << 2);
  let sse: f64 = 0;
  let gbo: f32 = 0;
  for (let b = 0; b < n; b += 2) {
    const nb = b + 1 < n ? 2 : 1;
    loadWindow(ws, 0, x + <usize>b * stride);
    loadWindow(ws, 1, nb == 2 ? x + <usize>(b + 1) * stride : 0);
    forwardPair(w, ws);
    for (let s = 0; s < 2; s++) {
      const base = ws + <usize>s * SAMPLE;
      let dy: f32 = 0;
      if (s < nb) {
        const err = head(wo, bo, ws, s) - load<f32>(y + (<usize>(b + s) << 2));
        sse += <f64>err * <f64>err;
        dy = 2 * err;
      }
      gbo += dy;
      const h = base + <usize>(T * KPAD) * 4;
      for (let u = 0; u < U; u++) {
        const o = <usize>u << 2;
        store<f32>(gh + o, load<f32>(gh + o) + dy * load<f32>(h + o));
        store<f32>(base + oDH + o, dy * load<f32>(wo + o));
        store<f32>(base + oDC + o, 0);
      }
    }
    backwardPair(whp, ws);
    weightGradPair(g, ws, nb);
  }
  store<f32>(gh + (<usize>U << 2), gbo);
  return sse;
}
