/**
 * Evaluation metrics on a test segment. IC and rank IC are computed per period (the cross-section of
 * symbols at one timestamp), then summarised by their mean, std, ICIR = mean / std and t = ICIR·√periods.
 */
import { pearson, rankInto } from "@/lib/sim/ic";

export function mse(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  if (pred.length !== y.length) throw new RangeError(`pred has ${pred.length} values, y ${y.length}`);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i]! - y[i]!) ** 2;
  return y.length ? s / y.length : Number.NaN;
}

/** Share of samples where sign(pred − center) = sign(y − center); samples with y = center are skipped. */
export function directionalAccuracy(pred: ArrayLike<number>, y: ArrayLike<number>, center = 0): number {
  let hit = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const a = y[i]! - center;
    if (a === 0 || !(a === a)) continue;
    n++;
    if ((pred[i]! - center > 0) === a > 0) hit++;
  }
  return n ? hit / n : Number.NaN;
}

export interface SeriesSummary {
  mean: number;
  std: number;
  /** mean / std (per period, not annualised). */
  icir: number;
  /** t-statistic of the mean: ICIR · √periods. */
  t: number;
  periods: number;
}

export function summarise(v: Float64Array): SeriesSummary {
  let s = 0;
  let n = 0;
  for (const x of v)
    if (x === x) {
      s += x;
      n++;
    }
  const mean = n ? s / n : Number.NaN;
  let ss = 0;
  for (const x of v) if (x === x) ss += (x - mean) ** 2;
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const icir = std > 0 ? mean / std : Number.NaN;
  return { mean, std, icir, t: icir * Math.sqrt(n), periods: n };
}

/** Sample indices grouped by timestamp (ascending). */
export function groupByPeriod(ts: ArrayLike<number>): { ts: Float64Array; start: Int32Array; order: Int32Array } {
  const order = Int32Array.from({ length: ts.length }, (_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const starts: number[] = [];
  const tss: number[] = [];
  for (let j = 0; j < order.length; j++) {
    const t = ts[order[j]!]!;
    if (j === 0 || t !== tss[tss.length - 1]) {
      starts.push(j);
      tss.push(t);
    }
  }
  starts.push(order.length);
  return { ts: Float64Array.from(tss), start: Int32Array.from(starts), order };
}

export interface PeriodIC {
  ts: Float64Array;
  ic: Float64Array;
  rankIc: Float64Array;
  count: Int32Array;
}

/** Cross-sectional Pearson and Spearman correlation of pred and y per timestamp (NaN with < minCount samples). */
export function icByPeriod(pred: ArrayLike<number>, y: ArrayLike<number>, ts: ArrayLike<number>, minCount = 3): PeriodIC {
  const g = groupByPeriod(ts);
  const P = g.ts.length;
  const out: PeriodIC = { ts: g.ts, ic: new Float64Array(P), rankIc: new Float64Array(P), count: new Int32Array(P) };
  let cap = 16;
  let a = new Float64Array(cap);
  let b = new Float64Array(cap);
  let ra = new Float64Array(cap);
  let rb = new Float64Array(cap);
  let tmp = new Float64Array(cap);
  for (let p = 0; p < P; p++) {
    const s = g.start[p]!;
    const m = g.start[p + 1]! - s;
    out.count[p] = m;
    if (m < minCount) {
      out.ic[p] = out.rankIc[p] = Number.NaN;
      continue;
    }
    if (m > cap) {
      cap = m;
      a = new Float64Array(cap);
      b = new Float64Array(cap);
      ra = new Float64Array(cap);
      rb = new Float64Array(cap);
      tmp = new Float64Array(cap);
    }
    for (let j = 0; j < m; j++) {
      const i = g.order[s + j]!;
      a[j] = pred[i]!;
      b[j] = y[i]!;
    }
    out.ic[p] = pearson(a, b, m);
    rankInto(a, m, ra, tmp);
    rankInto(b, m, rb, tmp);
    out.rankIc[p] = pearson(ra, rb, m);
  }
  return out;
}

/**
 * Mean over periods of (mean return of the top `q` fraction by pred) − (mean return of the bottom `q`);
 * periods with fewer than 2/q samples are skipped. Also returns the per-period spreads.
 */
export function topMinusBottom(pred: ArrayLike<number>, ret: ArrayLike<number>, ts: ArrayLike<number>, q = 0.1): SeriesSummary & { spread: Float64Array } {
  const g = groupByPeriod(ts);
  const P = g.ts.length;
  const spread = new Float64Array(P).fill(Number.NaN);
  for (let p = 0; p < P; p++) {
    const s = g.start[p]!;
    const m = g.start[p + 1]! - s;
    const k = Math.floor(m * q);
    if (k < 1) continue;
    const idx = Array.from(g.order.subarray(s, s + m)).filter((i) => Number.isFinite(ret[i]!));
    if (idx.length < 2 * k) continue;
    idx.sort((x, y) => pred[x]! - pred[y]! || x - y);
    let lo = 0;
    let hi = 0;
    for (let j = 0; j < k; j++) {
      lo += ret[idx[j]!]!;
      hi += ret[idx[idx.length - 1 - j]!]!;
    }
    spread[p] = (hi - lo) / k;
  }
  return { ...summarise(spread), spread };
}

export interface EvalReport {
  samples: number;
  mse: number;
  directionalAccuracy: number;
  ic: SeriesSummary;
  rankIc: SeriesSummary;
  /** Top-minus-bottom decile of the forward return (NaN summary when returns are not given). */
  topMinusBottom: SeriesSummary;
  perPeriod: { ts: number[]; ic: number[]; rankIc: number[] };
}

/**
 * Every test-segment metric for one prediction vector. `center` is the neutral value of y for directional
 * accuracy (0 for returns and directions, 0.5 for cross-sectional ranks).
 */
export function evaluatePredictions(pred: ArrayLike<number>, d: { y: ArrayLike<number>; ts: ArrayLike<number>; fwdReturn?: ArrayLike<number>; center?: number }): EvalReport {
  const per = icByPeriod(pred, d.y, d.ts);
  const tmb = d.fwdReturn ? topMinusBottom(pred, d.fwdReturn, d.ts) : summarise(new Float64Array(0));
  return {
    samples: d.y.length,
    mse: mse(pred, d.y),
    directionalAccuracy: directionalAccuracy(pred, d.y, d.center ?? 0),
    ic: summarise(per.ic),
    rankIc: summarise(per.rankIc),
    topMinusBottom: { mean: tmb.mean, std: tmb.std, icir: tmb.icir, t: tmb.t, periods: tmb.periods },
    perPeriod: { ts: Array.from(per.ts), ic: Array.from(per.ic), rankIc: Array.from(per.rankIc) },
  };
}
