/**
 * Seedable, splittable random numbers for the simulator.
 *
 * Every random stream is keyed by a tuple of 32-bit integers (seed, symbol, stream id, day, minute…).
 * A key is hashed into the 128-bit state of an sfc32 generator, so any stream can be created
 * on its own, in any order, and always yields the same sequence: symbol 7 generated alone is
 * bit-identical to symbol 7 generated among 5,000 others.
 *
 * Single draws that must be addressable without a sequence (the planted signal per symbol and
 * date) use the counter-based `hashUniform`/`hashNormal` instead.
 */

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
const TWO_PI = 2 * Math.PI;

/** Stream ids: one per independent source of randomness. Never renumber (it changes every output). */
export const STREAM = {
  params: 1,
  daily: 2,
  intraday: 3,
  ticks: 4,
  signal: 5,
  factors: 6,
  calibration: 7,
} as const;

/** 32-bit finaliser (Hash Prospector "lowbias32", bias ≈ 0.107). Returns an unsigned 32-bit integer. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x21f0aaad);
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x735a2d97);
  x = (x ^ (x >>> 15)) >>> 0;
  return x;
}

/** Hash of up to five 32-bit words plus a salt (absent words are 0). Order-sensitive. */
export function hashKey(salt: number, a: number, b = 0, c = 0, d = 0, e = 0): number {
  let h = mix32(salt ^ 0x6a09e667);
  h = mix32((h ^ a) + 0x9e3779b9);
  h = mix32((h ^ b) + 0x7f4a7c15);
  h = mix32((h ^ c) + 0x3c6ef372);
  h = mix32((h ^ d) + 0xa54ff53a);
  h = mix32((h ^ e) + 0x510e527f);
  return h;
}

/** Counter-based uniform in (0, 1) for a key. */
export function hashUniform(a: number, b: number, c: number, d: number, e: number): number {
  return (hashKey(0x2545f491, a, b, c, d, e) + 0.5) * INV_TWO_POW_32;
}

/** Counter-based standard normal for a key (Box–Muller on two hashed uniforms). */
export function hashNormal(a: number, b: number, c: number, d: number): number {
  const u1 = hashUniform(a, b, c, d, 0);
  const u2 = hashUniform(a, b, c, d, 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state), seeded from a key.
 * Methods are monomorphic and allocation-free so V8 inlines them into hot loops.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second Box–Muller variate, NaN when empty. */
  private spare = Number.NaN;

  /** A stream for key (k0..k4). Keys are 32-bit integers (larger values are truncated). */
  constructor(k0: number, k1 = 0, k2 = 0, k3 = 0, k4 = 0) {
    this.a = this.b = this.c = this.d = 0;
    this.reseed(k0, k1, k2, k3, k4);
  }

  /** Restart as the stream for another key (same sequence as `new Rng(key)`, without allocating). */
  reseed(k0: number, k1 = 0, k2 = 0, k3 = 0, k4 = 0): this {
    this.a = hashKey(0x01, k0, k1, k2, k3, k4) | 0;
    this.b = hashKey(0x02, k0, k1, k2, k3, k4) | 0;
    this.c = hashKey(0x03, k0, k1, k2, k3, k4) | 0;
    this.d = 1;
    this.spare = Number.NaN;
    for (let i = 0; i < 12; i++) this.u32();
    return this;
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in the open interval (0, 1): never 0 (safe for log) and never 1. */
  uniform(): number {
    return (this.u32() + 0.5) * INV_TWO_POW_32;
  }

  /** Uniform integer in [0, n) for n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller, caching the second variate). */
  normal(): number {
    const s = this.spare;
    if (s === s) {
      this.spare = Number.NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const th = TWO_PI * this.uniform();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** Standard exponential (mean 1). */
  exp(): number {
    return -Math.log(this.uniform());
  }

  /** Poisson count by inversion (meant for small means, as for daily jump counts). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const u = this.uniform();
    let p = Math.exp(-mean);
    let cdf = p;
    let k = 0;
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
}
