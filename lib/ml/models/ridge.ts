/**
 * Ridge regression in closed form on plain typed arrays (float64 normal equations + Cholesky):
 *   w = argmin ‖y − b − Xw‖² / n + λ‖w‖²   (intercept b not penalised; X, y centred internally).
 */
import { z } from "zod";

export const ZRidgeParams = z.object({
  /** Penalty per sample (scale-free in n); features should be standardised. */
  lambda: z.number().min(0).default(1e-3),
  fitIntercept: z.boolean().default(true),
});
export type TRidgeParams = z.infer<typeof ZRidgeParams>;

export interface RidgeModel {
  kind: "ridge";
  weights: Float64Array;
  intercept: number;
}

/** Solves A x = b in place for symmetric positive definite A (d × d, row-major). Returns x in b. */
export function choleskySolve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j]!;
    for (let k = 0; k < j; k++) s -= A[j * d + k]! ** 2;
    if (!(s > 0)) throw new RangeError(`matrix is not positive definite at column ${j} (add a ridge penalty)`);
    const l = Math.sqrt(s);
    A[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j]!;
      for (let k = 0; k < j; k++) t -= A[i * d + k]! * A[j * d + k]!;
      A[i * d + j] = t / l;
    }
  }
  for (let i = 0; i < d; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= A[i * d + k]! * b[k]!;
    b[i] = t / A[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let k = i + 1; k < d; k++) t -= A[k * d + i]! * b[k]!;
    b[i] = t / A[i * d + i]!;
  }
  return b;
}

/** Fits ridge on X (n × d, row-major) and y (n). */
export function fitRidge(X: Float32Array | Float64Array, y: ArrayLike<number>, d: number, params: z.input<typeof ZRidgeParams> = {}): RidgeModel {
  const p = ZRidgeParams.parse(params);
  const n = y.length;
  if (X.length !== n * d) throw new RangeError(`X has ${X.length} values, expected ${n} × ${d}`);
  if (n === 0) throw new RangeError("no samples");
  const mx = new Float64Array(d);
  let my = 0;
  if (p.fitIntercept) {
    for (let i = 0; i < n; i++) {
      my += y[i]!;
      for (let j = 0; j < d; j++) mx[j]! += X[i * d + j]!;
    }
    my /= n;
    for (let j = 0; j < d; j++) mx[j]! /= n;
  }
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X[i * d + j]! - mx[j]!;
    const yi = y[i]! - my;
    for (let j = 0; j < d; j++) {
      const r = row[j]!;
      b[j]! += r * yi;
      const o = j * d;
      for (let k = 0; k <= j; k++) A[o + k]! += r * row[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) A[k * d + j] = A[j * d + k]!;
    A[j * d + j]! += p.lambda * n + 1e-12 * n;
  }
  const w = choleskySolve(A, b, d);
  let intercept = my;
  for (let j = 0; j < d; j++) intercept -= w[j]! * mx[j]!;
  return { kind: "ridge", weights: w, intercept };
}

export function predictRidge(model: RidgeModel, X: Float32Array | Float64Array, out = new Float32Array(X.length / model.weights.length)): Float32Array {
  const d = model.weights.length;
  const n = X.length / d;
  for (let i = 0; i < n; i++) {
    let s = model.intercept;
    for (let j = 0; j < d; j++) s += model.weights[j]! * X[i * d + j]!;
    out[i] = s;
  }
  return out;
}

export function ridgeToJSON(m: RidgeModel): { kind: "ridge"; weights: number[]; intercept: number } {
  return { kind: "ridge", weights: Array.from(m.weights), intercept: m.intercept };
}

export function ridgeFromJSON(json: unknown): RidgeModel {
  const p = z.object({ kind: z.literal("ridge"), weights: z.array(z.number()), intercept: z.number() }).parse(json);
  return { kind: "ridge", weights: Float64Array.from(p.weights), intercept: p.intercept };
}
