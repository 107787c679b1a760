/**
 * Cross-sectional operators: one timestamp, one value per symbol in, one value per symbol out.
 *
 * NaN-aware: a symbol whose value is NaN (or ±Infinity) is absent: it is left out of the ranking /
 * the mean and standard deviation, and gets NaN. With fewer than MIN_CS_SYMBOLS present values the
 * whole cross-section is NaN (a rank or z-score of one symbol carries no information).
 *
 * These only combine values that are already known at the timestamp (time-series features read
 * bars ≤ t), so a cross-sectional feature at t never reads any symbol's future.
 */

import { NA } from "./rolling";

/** Minimum number of present symbols for a defined cross-sectional value. */
export const MIN_CS_SYMBOLS = 2;

/** Index of a float64's high 32-bit word in a Uint32Array view (little- or big-endian platform). */
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;
/** LSD passes at most: the keys are cut to their top 2 · 11 significant bits (see csRank). */
const PASSES = 2;

/** Reusable scratch for the cross-sectional operators (grows to the largest universe seen). */
export class CrossSectionScratch {
  capacity = 0;
  /**
   * The (radix key, symbol position) pairs being sorted, interleaved ([2k] key, [2k + 1] position; double-buffered):
   * a pass scatters each pair with one cache-line write instead of two.
   */
  pairs = new Int32Array(0);
  pairs2 = new Int32Array(0);
  /** Symbol positions of a long run of equal keys, while it is sorted by value. */
  run = new Int32Array(0);
  /** One histogram per radix pass. */
  readonly hist = new Int32Array(PASSES * RADIX);

  constructor(capacity = 0) {
    this.ensure(capacity);
  }

  ensure(size: number): void {
    if (size <= this.capacity) return;
    const cap = Math.max(size, Math.ceil(this.capacity * 1.5));
    this.capacity = cap;
    this.pairs = new Int32Array(2 * cap);
    this.pairs2 = new Int32Array(2 * cap);
    this.run = new Int32Array(cap);
  }
}

/** Runs of equal keys longer than this are sorted with a comparison sort instead of insertion sort. */
const INSERTION_MAX = 32;

/** Orders the pairs [a..b) by the value at their symbol position: insertion sort, or a comparison sort for a long unsorted run. */
function sortRun(pairs: Int32Array, vals: Float64Array, a: number, b: number, scratch: CrossSectionScratch): void {
  if (b - a > INSERTION_MAX) {
    // Long runs are usually exact ties (e.g. many symbols at 0): sort only if not already in order.
    let sorted = true;
    for (let i = a + 1; i < b && sorted; i++) sorted = vals[pairs[2 * i - 1]!]! <= vals[pairs[2 * i + 1]!]!;
    if (sorted) return;
    const run = scratch.run.subarray(0, b - a);
    for (let i = a; i < b; i++) run[i - a] = pairs[2 * i + 1]!;
    run.sort((i, j) => vals[i]! - vals[j]!);
    for (let i = a; i < b; i++) pairs[2 * i + 1] = run[i - a]!;
    return;
  }
  for (let i = a + 1; i < b; i++) {
    const oi = pairs[2 * i + 1]!;
    const v = vals[oi]!;
    let j = i - 1;
    while (j >= a && vals[pairs[2 * j + 1]!]! > v) {
      pairs[2 * j + 3] = pairs[2 * j + 1]!;
      j--;
    }
    pairs[2 * j + 3] = oi;
  }
}

/**
 * Percentile rank across symbols in [0, 1]: (average 0-based rank among the m present values)
 * / (m − 1). The smallest value gets 0, the largest 1; ties (exactly equal values, −0 = +0) share
 * their average rank.
 *
 * Exact and O(m) on real cross-sections: an LSD radix sort on an order-preserving key of each value's
 * high word (sign, exponent, 20 mantissa bits), taken relative to the smallest key and cut to its top 22
 * significant bits, so at most 2 passes of 11 bits (a cross-section whose keys span more than 22 bits,
 * e.g. returns of both signs, keeps one mantissa bit per halving of the span less). Keys are only
 * bucket labels: runs of equal keys (values close to each other, or exact ties) are then ordered by
 * their full value while the ranks are assigned, so the ranks depend only on the values.
 */
export function csRank(values: Float64Array, out: Float64Array, scratch: CrossSectionScratch): void {
  const S = values.length;
  scratch.ensure(S);
  const { hist } = scratch;
  let pairs = scratch.pairs;
  let pairs2 = scratch.pairs2;
  // The high words of the values, read through a view of their own buffer (no copy).
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * S);
  // Gather the present values' keys (as uint32) and their range.
  let m = 0;
  let kmin = 0xffffffff;
  let kmax = 0;
  for (let s = 0; s < S; s++) {
    const v = values[s]!;
    if (v - v !== 0) {
      out[s] = NA;
      continue;
    }
    // IEEE-754 → unsigned order: negative values flip every bit, positive ones set the sign bit; −0 has its sign
    // bit cleared first, so it takes +0's key. No branch on the sign (a coin flip for many features).
    const h = bits[2 * s + HI]! & ~(+(v === 0) << 31);
    const key = (h ^ ((h >> 31) | 0x80000000)) >>> 0;
    pairs[2 * m] = key;
    pairs[2 * m + 1] = s;
    kmin = key < kmin ? key : kmin;
    kmax = key > kmax ? key : kmax;
    m++;
  }
  if (m < MIN_CS_SYMBOLS) {
    out.fill(NA, 0, S);
    return;
  }
  // Relative keys, cut to their top 2·RADIX_BITS significant bits (monotone, so the order is kept), and the digit
  // histograms of the passes they need (0 when every key is equal, 1 when they fit in RADIX_BITS bits).
  const span = kmax - kmin;
  const width = 32 - Math.clz32(span);
  const shift = width > PASSES * RADIX_BITS ? width - PASSES * RADIX_BITS : 0;
  const passes = width > RADIX_BITS ? 2 : width > 0 ? 1 : 0;
  hist.fill(0, 0, passes * RADIX);
  if (passes === 2) {
    for (let k = 0; k < m; k++) {
      const key = ((pairs[2 * k]! >>> 0) - kmin) >>> shift;
      pairs[2 * k] = key;
      hist[key & RADIX_MASK]!++;
      hist[RADIX + (key >>> RADIX_BITS)]!++;
    }
  } else if (passes === 1) {
    for (let k = 0; k < m; k++) {
      const key = (pairs[2 * k]! >>> 0) - kmin;
      pairs[2 * k] = key;
      hist[key]!++;
    }
  }
  for (let pass = 0; pass < passes; pass++) {
    const base = pass * RADIX;
    const shiftD = pass * RADIX_BITS;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = hist[base + d]!;
      hist[base + d] = sum;
      sum += c;
    }
    for (let k = 0; k < m; k++) {
      const key = pairs[2 * k]!;
      const d = base + ((key >>> shiftD) & RADIX_MASK);
      const pos = hist[d]!;
      hist[d] = pos + 1;
      pairs2[2 * pos] = key;
      pairs2[2 * pos + 1] = pairs[2 * k + 1]!;
    }
    const t = pairs;
    pairs = pairs2;
    pairs2 = t;
  }
  // Runs of equal keys: order by full value, then give each group of equal values its mean rank.
  const den = 2 * (m - 1);
  for (let a = 0; a < m; ) {
    const ka = pairs[2 * a]!;
    let b = a + 1;
    while (b < m && pairs[2 * b] === ka) b++;
    if (b - a === 1) {
      out[pairs[2 * a + 1]!] = (2 * a) / den; // (a + a) / den, as below
      a = b;
      continue;
    }
    sortRun(pairs, values, a, b, scratch);
    for (let g = a; g < b; ) {
      const v = values[pairs[2 * g + 1]!]!;
      let h = g + 1;
      while (h < b && values[pairs[2 * h + 1]!] === v) h++;
      const r = (g + h - 1) / den; // mean of the ranks g..h−1, divided by m − 1 (one rounding)
      for (let j = g; j < h; j++) out[pairs[2 * j + 1]!] = r;
      g = h;
    }
    a = b;
  }
}

/**
 * Z-score across symbols: (x − mean) / std over the m present values, std the POPULATION standard
 * deviation (ddof = 0); 0 when every present value is equal.
 */
export function csZScore(values: Float64Array, out: Float64Array, _scratch?: CrossSectionScratch): void {
  const S = values.length;
  let m = 0;
  let sum = 0;
  for (let s = 0; s < S; s++) {
    const v = values[s]!;
    if (v - v === 0) {
      m++;
      sum += v;
    }
  }
  if (m < MIN_CS_SYMBOLS) {
    out.fill(NA, 0, S);
    return;
  }
  const mean = sum / m;
  let ss = 0;
  for (let s = 0; s < S; s++) {
    const v = values[s]!;
    if (v - v === 0) ss += (v - mean) * (v - mean);
  }
  const sd = Math.sqrt(ss / m);
  // A spread at the rounding level of the mean is a flat cross-section.
  const flat = !(sd > 1e-13 * Math.abs(mean));
  const inv = flat ? 0 : 1 / sd;
  for (let s = 0; s < S; s++) {
    const v = values[s]!;
    out[s] = v - v !== 0 ? NA : flat ? 0 : (v - mean) * inv;
  }
}
