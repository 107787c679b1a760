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

/** Reusable scratch for the cross-sectional operators (grows to the largest universe seen). */
export class CrossSectionScratch {
  capacity = 0;
  /** Radix keys and the permutation being sorted (symbol positions; double-buffered). */
  keys = new Uint32Array(0);
  keys2 = new Uint32Array(0);
  order = new Int32Array(0);
  order2 = new Int32Array(0);
  /** One histogram per radix pass. */
  readonly hist = new Uint32Array(2 * RADIX);

  constructor(capacity = 0) {
    this.ensure(capacity);
  }

  ensure(size: number): void {
    if (size <= this.capacity) return;
    const cap = Math.max(size, Math.ceil(this.capacity * 1.5));
    this.capacity = cap;
    this.keys = new Uint32Array(cap);
    this.keys2 = new Uint32Array(cap);
    this.order = new Int32Array(cap);
    this.order2 = new Int32Array(cap);
  }
}

/** Runs of equal keys longer than this are sorted with a comparison sort instead of insertion sort. */
const INSERTION_MAX = 32;

/** Orders order[a..b) (indices into vals) by value: insertion sort, or a comparison sort for a long unsorted run. */
function sortRun(order: Int32Array, vals: Float64Array, a: number, b: number): void {
  if (b - a > INSERTION_MAX) {
    // Long runs are usually exact ties (e.g. many symbols at 0): sort only if not already in order.
    let sorted = true;
    for (let i = a + 1; i < b && sorted; i++) sorted = vals[order[i - 1]!]! <= vals[order[i]!]!;
    if (!sorted) order.subarray(a, b).sort((i, j) => vals[i]! - vals[j]!);
    return;
  }
  for (let i = a + 1; i < b; i++) {
    const oi = order[i]!;
    const v = vals[oi]!;
    let j = i - 1;
    while (j >= a && vals[order[j]!]! > v) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = oi;
  }
}

/**
 * Percentile rank across symbols in [0, 1]: (average 0-based rank among the m present values)
 * / (m − 1). The smallest value gets 0, the largest 1; ties (exactly equal values, −0 = +0) share
 * their average rank.
 *
 * Exact and O(m) on real cross-sections: an LSD radix sort (2 passes of 11 bits) on the top 22 bits
 * of the order-preserving transform of each value's high word (sign, exponent, 10 mantissa bits);
 * the runs of equal keys (values within ~0.1 % of each other, short on real data) are then ordered by
 * their full value while the ranks are assigned.
 */
export function csRank(values: Float64Array, out: Float64Array, scratch: CrossSectionScratch): void {
  const S = values.length;
  scratch.ensure(S);
  const { hist } = scratch;
  let keys = scratch.keys;
  let keys2 = scratch.keys2;
  // The permutation holds symbol positions directly (no owner indirection); values are read in place.
  let order = scratch.order;
  let order2 = scratch.order2;
  // The high words of the values, read through a view of their own buffer (no copy).
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * S);
  hist.fill(0, 0, 2 * RADIX);
  // Gather the present values' keys and both digit histograms in one pass.
  let m = 0;
  for (let s = 0; s < S; s++) {
    const v = values[s]!;
    if (v - v !== 0) {
      out[s] = NA;
      continue;
    }
    const h = bits[2 * s + HI]!;
    // IEEE-754 → unsigned order: negative values flip every bit, positive ones set the sign bit; −0 takes +0's key.
    const key = (h & 0x80000000 ? (v === 0 ? 0x80000000 : ~h) : h | 0x80000000) >>> 10;
    keys[m] = key;
    order[m] = s;
    hist[key & RADIX_MASK]!++;
    hist[RADIX + (key >>> RADIX_BITS)]!++;
    m++;
  }
  if (m < MIN_CS_SYMBOLS) {
    out.fill(NA, 0, S);
    return;
  }
  for (let pass = 0; pass < 2; pass++) {
    const base = pass * RADIX;
    const shift = pass * RADIX_BITS;
    // A pass whose digit is the same for every value would not move anything.
    if (hist[base + ((keys[0]! >>> shift) & RADIX_MASK)] === m) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = hist[base + d]!;
      hist[base + d] = sum;
      sum += c;
    }
    for (let k = 0; k < m; k++) {
      const key = keys[k]!;
      const pos = hist[base + ((key >>> shift) & RADIX_MASK)]!++;
      keys2[pos] = key;
      order2[pos] = order[k]!;
    }
    const tk = keys;
    keys = keys2;
    keys2 = tk;
    const to = order;
    order = order2;
    order2 = to;
  }
  // Runs of equal keys: order by full value, then give each group of equal values its mean rank.
  const den = 2 * (m - 1);
  for (let a = 0; a < m; ) {
    const ka = keys[a]!;
    let b = a + 1;
    while (b < m && keys[b] === ka) b++;
    if (b - a === 1) {
      out[order[a]!] = (2 * a) / den; // (a + a) / den, as below
      a = b;
      continue;
    }
    sortRun(order, values, a, b);
    for (let g = a; g < b; ) {
      const v = values[order[g]!]!;
      let h = g + 1;
      while (h < b && values[order[h]!] === v) h++;
      const r = (g + h - 1) / den; // mean of the ranks g..h−1, divided by m − 1 (one rounding)
      for (let j = g; j < h; j++) out[order[j]!] = r;
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
