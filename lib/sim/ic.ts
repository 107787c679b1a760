/**
 * Cross-sectional correlation helpers (information coefficient). Allocation-free given scratch.
 */

/** Pearson correlation of x[0..n) and y[0..n); NaN when n < 2 or a side is constant. */
export function pearson(x: Float64Array, y: Float64Array, n: number): number {
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Ranks (0-based, ties get their average rank) of v[0..n) into out, using `scratch` (length ≥ n). */
export function rankInto(v: Float64Array, n: number, out: Float64Array, scratch: Float64Array): void {
  const sorted = scratch.subarray(0, n);
  sorted.set(v.subarray(0, n));
  sorted.sort();
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    out[i] = 0.5 * (first + lo - 1);
  }
}

/** Spearman rank correlation of x[0..n) and y[0..n); scratch arrays need length ≥ n. */
export function spearman(
  x: Float64Array,
  y: Float64Array,
  n: number,
  scratch: { rx: Float64Array; ry: Float64Array; tmp: Float64Array },
): number {
  rankInto(x, n, scratch.rx, scratch.tmp);
  rankInto(y, n, scratch.ry, scratch.tmp);
  return pearson(scratch.rx, scratch.ry, n);
}

/** Mean and (sample) standard deviation of the finite values of v. */
export function meanStd(v: Float64Array): { mean: number; std: number; count: number } {
  let s = 0;
  let c = 0;
  for (const x of v)
    if (Number.isFinite(x)) {
      s += x;
      c++;
    }
  const mean = c > 0 ? s / c : Number.NaN;
  let ss = 0;
  for (const x of v) if (Number.isFinite(x)) ss += (x - mean) * (x - mean);
  return { mean, std: c > 1 ? Math.sqrt(ss / (c - 1)) : Number.NaN, count: c };
}
