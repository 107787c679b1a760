/**
 * Rolling-window kernels used by the feature set (pure, one pass, O(n) unless stated, no allocation
 * per bar). Conventions, shared with lib/indicators:
 *
 * - `out[i]` reads `x[0..i]` only and `out` keeps the input's length.
 * - A window of `w` values ending at `i` must hold `w` *finite* values. A non-finite input (NaN,
 *   ±Infinity) resets the kernel: the output is NaN until `w` clean values have been seen again, so
 *   each clean run of bars is computed as if it were the whole series.
 * - Warm-up is NaN: the first defined output is at index `w − 1` (of the clean run).
 *
 * Means and sums are sliding sums. Variances, covariances and slopes use a sliding Welford update
 * (add while the window fills, then replace the oldest value), which keeps the cancellation error at
 * the level of the window's own dispersion instead of the level of the raw values (Σx² − (Σx)²/n
 * loses digits on prices with a small relative spread).
 */

/**
 * NaN for hot loops. Node 20's V8 does not constant-fold the global `NaN` in optimised loops: a
 * `cond ? NaN : x` store measured ~2× slower than with this module constant, which is folded.
 */
export const NA = Number.NaN;

/** True for NaN and ±Infinity (x − x is NaN for both). Inlined by the JIT. */
export function missing(x: number): boolean {
  return x - x !== 0;
}

function assertWindow(w: number): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be an integer >= 1, got ${w}`);
}

function assertLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`input columns have different lengths (${a.length}, ${b.length})`);
}

/** Rolling sum of the last `w` values. */
export function rollingSum(x: Float64Array, w: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  assertWindow(w);
  let sum = 0;
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (missing(v)) {
      sum = 0;
      run = 0;
      out[i] = NA;
      continue;
    }
    sum += v;
    if (++run > w) sum -= x[i - w]!;
    out[i] = run >= w ? sum : NA;
  }
  return out;
}

/** Rolling mean of the last `w` values (sliding sum / w). */
export function rollingMean(x: Float64Array, w: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  rollingSum(x, w, out);
  const inv = 1 / w;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  return out;
}

/**
 * Rolling mean and SAMPLE standard deviation (ddof = 1, like pandas/qlib `Std`) of the last `w`
 * values, by a sliding Welford update. Either output may be null. The std is exactly 0 when every
 * value of the window is equal (an exact count of changes between neighbours, so the Welford
 * rounding residual of an earlier volatile stretch never shows up as a tiny dispersion), and for w = 1.
 */
export function rollingMeanStd(x: Float64Array, w: number, meanOut: Float64Array | null, stdOut: Float64Array | null): void {
  assertWindow(w);
  const invW = 1 / w;
  const invDdof = w > 1 ? 1 / (w - 1) : 0;
  let mean = 0;
  let m2 = 0;
  let run = 0;
  /** Neighbour pairs inside the window whose values differ. */
  let changes = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (missing(v)) {
      mean = m2 = 0;
      run = changes = 0;
      if (meanOut) meanOut[i] = NA;
      if (stdOut) stdOut[i] = NA;
      continue;
    }
    run++;
    if (run > 1 && v !== x[i - 1]) changes++;
    if (run <= w) {
      // Welford add.
      const d = v - mean;
      mean += d / run;
      m2 += d * (v - mean);
    } else {
      // Replace the oldest value of the window by v (window size stays w).
      const old = x[i - w]!;
      if (old !== x[i - w + 1]) changes--;
      const prevMean = mean;
      mean += (v - old) * invW;
      m2 += (v - mean) * (v - prevMean) - (old - mean) * (old - prevMean);
    }
    if (run >= w) {
      if (meanOut) meanOut[i] = changes === 0 ? v : mean;
      if (stdOut) stdOut[i] = changes === 0 || m2 <= 0 ? 0 : Math.sqrt(m2 * invDdof);
    } else {
      if (meanOut) meanOut[i] = NA;
      if (stdOut) stdOut[i] = NA;
    }
  }
}

/**
 * Rolling Pearson correlation of x and y over the last `w` pairs (sliding Welford co-moments).
 * 0 when either series is constant over the window (correlation undefined; detected by an exact
 * count of changes); clamped to [−1, 1].
 */
export function rollingCorr(x: Float64Array, y: Float64Array, w: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  assertWindow(w);
  assertLengths(x, y);
  const invW = 1 / w;
  let mx = 0;
  let my = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let run = 0;
  let changesX = 0;
  let changesY = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (missing(a) || missing(b)) {
      mx = my = sxx = syy = sxy = 0;
      run = changesX = changesY = 0;
      out[i] = NA;
      continue;
    }
    run++;
    if (run > 1) {
      if (a !== x[i - 1]) changesX++;
      if (b !== y[i - 1]) changesY++;
    }
    if (run <= w) {
      const dx = a - mx;
      const dy = b - my;
      mx += dx / run;
      my += dy / run;
      sxx += dx * (a - mx);
      syy += dy * (b - my);
      sxy += dx * (b - my);
    } else {
      const ao = x[i - w]!;
      const bo = y[i - w]!;
      if (ao !== x[i - w + 1]) changesX--;
      if (bo !== y[i - w + 1]) changesY--;
      const pmx = mx;
      const pmy = my;
      mx += (a - ao) * invW;
      my += (b - bo) * invW;
      sxx += (a - mx) * (a - pmx) - (ao - mx) * (ao - pmx);
      syy += (b - my) * (b - pmy) - (bo - my) * (bo - pmy);
      sxy += (a - mx) * (b - pmy) - (ao - mx) * (bo - pmy);
    }
    if (run < w) {
      out[i] = NA;
    } else if (changesX === 0 || changesY === 0 || !(sxx > 0 && syy > 0)) {
      out[i] = 0;
    } else {
      const r = sxy / Math.sqrt(sxx * syy);
      out[i] = r > 1 ? 1 : r < -1 ? -1 : r;
    }
  }
  return out;
}

/**
 * Rolling least-squares slope of y against the bar index over the last `w` bars (units of y per
 * bar); exactly 0 on a constant window. The index variance of w consecutive integers is exact:
 * Σ(k − k̄)² = w(w² − 1)/12.
 */
export function rollingSlope(y: Float64Array, w: number, out: Float64Array = new Float64Array(y.length)): Float64Array {
  assertWindow(w);
  const invW = 1 / w;
  const sxx = (w * (w * w - 1)) / 12;
  let my = 0;
  let sxy = 0;
  let run = 0;
  let changes = 0;
  for (let i = 0; i < y.length; i++) {
    const b = y[i]!;
    if (missing(b)) {
      my = sxy = 0;
      run = changes = 0;
      out[i] = NA;
      continue;
    }
    run++;
    if (run > 1 && b !== y[i - 1]) changes++;
    // x = position in the clean run (0-based); its mean over the current window is exact.
    const a = run - 1;
    if (run <= w) {
      // Welford add: (x − previous x̄)·(y − new ȳ); the previous x̄ is the mean of 0..run−2.
      my += (b - my) / run;
      sxy += (a - (run - 2) / 2) * (b - my);
    } else {
      const bo = y[i - w]!;
      if (bo !== y[i - w + 1]) changes--;
      const ao = a - w;
      const pmy = my;
      const mx = a - (w - 1) / 2; // mean of ao+1..a
      my += (b - bo) * invW;
      sxy += (a - mx) * (b - pmy) - (ao - mx) * (bo - pmy);
    }
    out[i] = run < w ? NA : changes === 0 || w === 1 ? 0 : sxy / sxx;
  }
  return out;
}

/**
 * Rolling maximum (`isMax`) or minimum of the last `w` values.
 *
 * Clean series (no missing value): van Herk / Gil-Werman, O(n) with three comparisons per value and
 * no data-dependent branching: with blocks of w values starting at multiples of w, prefix[i] is the
 * extreme of x from the start of i's block to i and suffix[j] the extreme from j to the end of j's
 * block, so extreme(x[i−w+1..i]) = extreme(suffix[i−w+1], prefix[i]). suffix[i−w+1] only reaches the
 * end of its block, which is ≤ i: no value after i is read. Series with gaps use a monotonic deque
 * (amortised O(1)) that resets at each missing value. Both return the exact window extreme.
 * `scratch` (length ≥ n) holds the suffix extremes; pass one to avoid an allocation.
 */
export function rollingExtreme(x: Float64Array, w: number, isMax: boolean, out: Float64Array = new Float64Array(x.length), scratch?: Float64Array): Float64Array {
  assertWindow(w);
  const n = x.length;
  let clean = true;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) {
      clean = false;
      break;
    }
  }
  if (!clean) return rollingExtremeDeque(x, w, isMax, out);
  const suffix = scratch && scratch.length >= n ? scratch : new Float64Array(n);
  // Negating turns a minimum into a maximum, so one max loop serves both (exact: −x is exact).
  const sign = isMax ? 1 : -1;
  // Suffix extremes within each block, backward. Blocks are [b·w, (b+1)·w); the last one may be short.
  let blockEnd = n - 1 - ((n - 1) % w) + w - 1; // last index of the block holding n − 1
  for (let i = n - 1; i >= 0; i--) {
    const v = sign * x[i]!;
    if (i === n - 1 || i === blockEnd) {
      suffix[i] = v;
    } else {
      const u = suffix[i + 1]!;
      suffix[i] = u > v ? u : v;
    }
    if (i === blockEnd - w + 1) blockEnd -= w;
  }
  // Prefix extremes within each block, forward, combined with the suffix of the window start.
  let prefix = -Infinity;
  let k = 0; // position in the current block
  for (let i = 0; i < n; i++) {
    const v = sign * x[i]!;
    if (k === 0 || v > prefix) prefix = v;
    if (++k === w) k = 0;
    if (i < w - 1) {
      out[i] = NA;
      continue;
    }
    const s = suffix[i - w + 1]!;
    out[i] = sign * (s > prefix ? s : prefix);
  }
  return out;
}

/** Monotonic-deque rolling extreme with reset at missing values (the general path). */
function rollingExtremeDeque(x: Float64Array, w: number, isMax: boolean, out: Float64Array): Float64Array {
  let cap = 1;
  while (cap < w + 1) cap *= 2;
  const mask = cap - 1;
  const dq = new Int32Array(cap);
  let head = 0; // counters; slot = counter & mask
  let tail = 0;
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (missing(v)) {
      head = tail = 0;
      run = 0;
      out[i] = NA;
      continue;
    }
    run++;
    if (tail > head && dq[head & mask]! <= i - w) head++;
    if (isMax) while (tail > head && x[dq[(tail - 1) & mask]!]! <= v) tail--;
    else while (tail > head && x[dq[(tail - 1) & mask]!]! >= v) tail--;
    dq[tail & mask] = i;
    tail++;
    out[i] = run >= w ? x[dq[head & mask]!]! : NA;
  }
  return out;
}

/**
 * Rolling percentile rank of the LAST value within its window of `w` values, in [0, 1]:
 * (#{j : x_j < x_i} + ½·#{j ≠ i : x_j = x_i}) / (w − 1), i.e. 0 for a strict window minimum, 1 for
 * a strict maximum, ties averaged. O(n·w): there is no O(1) update for a rank (w is small).
 */
export function rollingRank(x: Float64Array, w: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  assertWindow(w);
  // below + ½·equal = ½·(#{x_j < x_i} + #{x_j ≤ x_i}): two branch-free counts (random comparisons would
  // mispredict), and c·(½/(w−1)) is bit-identical to (below + ½·equal)/(w−1)·… (halving is exact).
  const half = w > 1 ? 0.5 / (w - 1) : 0;
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (missing(v)) {
      run = 0;
      out[i] = NA;
      continue;
    }
    if (++run < w) {
      out[i] = NA;
      continue;
    }
    let c = 0;
    for (let j = i - w + 1; j < i; j++) {
      const u = x[j]!;
      c += (((u < v) as unknown as number) | 0) + (((u <= v) as unknown as number) | 0);
    }
    out[i] = w > 1 ? c * half : 0.5;
  }
  return out;
}
