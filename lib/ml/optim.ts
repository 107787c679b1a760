/**
 * Optimizer state in plain typed arrays (Adam), global-norm gradient clipping and learning-rate schedules.
 * Kept outside tfjs so gradients from several workers can be summed and the whole training state
 * (parameters + moments + step) serialised as ArrayBuffers for checkpoint/resume.
 */
import { z } from "zod";

export const ZLrSchedule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant") }),
  /** lr · gamma^floor(epoch / every) */
  z.object({ kind: z.literal("step"), every: z.number().int().min(1), gamma: z.number().gt(0).max(1) }),
  /** Cosine decay from lr to lr·minFactor over `epochs`, after `warmup` linear warm-up epochs. */
  z.object({ kind: z.literal("cosine"), epochs: z.number().int().min(1), warmup: z.number().int().min(0).default(0), minFactor: z.number().min(0).max(1).default(0.05) }),
]);
export type TLrSchedule = z.infer<typeof ZLrSchedule>;

/** Learning rate for a (0-based, possibly fractional) epoch. */
export function learningRate(base: number, s: TLrSchedule, epoch: number): number {
  switch (s.kind) {
    case "constant":
      return base;
    case "step":
      return base * s.gamma ** Math.floor(epoch / s.every);
    case "cosine": {
      if (epoch < s.warmup) return (base * (epoch + 1)) / (s.warmup + 1);
      const p = Math.min(1, (epoch - s.warmup) / Math.max(1, s.epochs - s.warmup));
      return base * (s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
  }
}

/** Scales g in place so that ‖g‖₂ ≤ maxNorm; returns the norm before clipping. */
export function clipGlobalNorm(g: Float32Array, maxNorm: number): number {
  let ss = 0;
  for (let i = 0; i < g.length; i++) ss += g[i]! * g[i]!;
  const norm = Math.sqrt(ss);
  if (maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / norm;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * k;
  }
  return norm;
}

export class Adam {
  m: Float32Array;
  v: Float32Array;
  step = 0;
  constructor(
    size: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-7,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** p ← p − lr · m̂ / (√v̂ + ε), in place. */
  apply(p: Float32Array, g: Float32Array, lr: number, weightDecay = 0): void {
    this.step++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + weightDecay * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] = p[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    }
  }
}
