/**
 * Bollinger Bands (TA_BBANDS with MA type SMA) plus %B and bandwidth.
 *
 * middle = SMA(p); σ = population standard deviation over the same p values, computed as TA-Lib
 * does (running Σx², σ² = Σx²/p − middle², and σ = 0 when σ² < 1e-14); upper/lower = middle ± k·σ.
 * %B = (close − lower)/(upper − lower), and 0.5 when the bands have zero width (flat window:
 * the close sits on the middle band). bandwidth = (upper − lower)/middle, NaN when middle is 0.
 * %B uses the same input series as the bands.
 */
import type { CloseBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, Incremental, isMissing, isZeroOrNeg, RingBuffer, TA_EPSILON } from "./core";
import type { IndicatorCache } from "./shared";

export interface BbandsValue {
  upper: number;
  middle: number;
  lower: number;
  percentB: number;
  bandwidth: number;
}
export type BbandsResult = { [K in keyof BbandsValue]: Float64Array };

export class BbandsState implements Snapshot<BbandsState> {
  readonly period: number;
  readonly lookback: number;
  private readonly devUp: number;
  private readonly devDn: number;
  private readonly win: RingBuffer;
  private total = 0;
  private total2 = 0;
  upper = NaN;
  middle = NaN;
  lower = NaN;
  percentB = NaN;
  bandwidth = NaN;

  constructor(period = 20, devUp = 2, devDn = devUp) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.devUp = devUp;
    this.devDn = devDn;
    this.win = new RingBuffer(period);
  }

  private clearOut(): void {
    this.upper = NaN;
    this.middle = NaN;
    this.lower = NaN;
    this.percentB = NaN;
    this.bandwidth = NaN;
  }

  reset(): void {
    this.win.clear();
    this.total = 0;
    this.total2 = 0;
    this.clearOut();
  }

  next(x: number): void {
    if (isMissing(x)) {
      this.reset();
      return;
    }
    this.win.push(x);
    this.total += x;
    this.total2 += x * x;
    if (this.win.size < this.period) {
      this.clearOut();
      return;
    }
    const p = this.period;
    const oldest = this.win.oldest();
    // TA_INT_SMA
    const mid = this.total / p;
    this.total -= oldest;
    // TA_INT_stddev_using_precalc_ma
    let variance = this.total2 / p;
    this.total2 -= oldest * oldest;
    variance -= mid * mid;
    const sd = isZeroOrNeg(variance) ? 0.0 : Math.sqrt(variance);

    const upper = mid + sd * this.devUp;
    const lower = mid - sd * this.devDn;
    const width = upper - lower;
    this.middle = mid;
    this.upper = upper;
    this.lower = lower;
    this.percentB = width !== 0 ? (x - lower) / width : 0.5;
    this.bandwidth = mid !== 0 ? width / mid : NaN;
  }

  copyFrom(o: BbandsState): void {
    this.win.copyFrom(o.win);
    this.total = o.total;
    this.total2 = o.total2;
    this.upper = o.upper;
    this.middle = o.middle;
    this.lower = o.lower;
    this.percentB = o.percentB;
    this.bandwidth = o.bandwidth;
  }
}

function alloc(n: number): BbandsResult {
  return { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n), percentB: new Float64Array(n), bandwidth: new Float64Array(n) };
}

/**
 * Bollinger bands. With a `cache` (shared.ts), the middle band, which is SMA(period) of `close` bit for bit for
 * period ≥ 2 (the same running total, the same division), is also left there for an SMA of this pass.
 */
export function bbands(
  close: Float64Array,
  period = 20,
  devUp = 2,
  devDn = devUp,
  out: BbandsResult = alloc(close.length),
  cache?: IndicatorCache,
): BbandsResult {
  assertPeriod("period", period);
  bbandsLoop(close, period, devUp, devDn, out);
  // (Period 1: sma returns the input itself, which keeps a −0 that the running total turns into +0.)
  if (period > 1) cache?.provideSma(close, period)?.set(out.middle.subarray(0, close.length));
  return out;
}

function bbandsLoop(close: Float64Array, period: number, devUp: number, devDn: number, out: BbandsResult): void {
  // BbandsState as one tight loop over locals: the same operations in the same order, so bit-identical.
  // The value leaving the window is read back from the input (it is the one the ring buffer would hold).
  const p = period;
  const n = close.length;
  const { upper: outUpper, middle: outMiddle, lower: outLower, percentB: outPercentB, bandwidth: outBandwidth } = out;
  let size = 0; // bars in the current clean segment (capped at p)
  let total = 0;
  let total2 = 0;
  for (let i = 0; i < n; i++) {
    if (size === p) {
      // Steady state: the same updates without the warm-up branches, until the next gap.
      for (; i < n; i++) {
        const x = close[i]!;
        if (!Number.isFinite(x)) break;
        total += x;
        total2 += x * x;
        const oldest = close[i - p + 1]!;
        const mid = total / p;
        total -= oldest;
        let variance = total2 / p;
        total2 -= oldest * oldest;
        variance -= mid * mid;
        const sd = variance < TA_EPSILON ? 0.0 : Math.sqrt(variance);
        const upper = mid + sd * devUp;
        const lower = mid - sd * devDn;
        const width = upper - lower;
        outMiddle[i] = mid;
        outUpper[i] = upper;
        outLower[i] = lower;
        outPercentB[i] = width !== 0 ? (x - lower) / width : 0.5;
        outBandwidth[i] = mid !== 0 ? width / mid : NaN;
      }
      if (i === n) break;
    }
    const x = close[i]!;
    if (Number.isFinite(x)) {
      total += x;
      total2 += x * x;
    } else {
      size = 0;
      total = 0;
      total2 = 0;
    }
    if (!Number.isFinite(x) || (size < p && ++size < p)) {
      outUpper[i] = NaN;
      outMiddle[i] = NaN;
      outLower[i] = NaN;
      outPercentB[i] = NaN;
      outBandwidth[i] = NaN;
      continue;
    }
    const oldest = close[i - p + 1]!;
    const mid = total / p;
    total -= oldest;
    let variance = total2 / p;
    total2 -= oldest * oldest;
    variance -= mid * mid;
    const sd = variance < TA_EPSILON ? 0.0 : Math.sqrt(variance);
    const upper = mid + sd * devUp;
    const lower = mid - sd * devDn;
    const width = upper - lower;
    outMiddle[i] = mid;
    outUpper[i] = upper;
    outLower[i] = lower;
    outPercentB[i] = width !== 0 ? (x - lower) / width : 0.5;
    outBandwidth[i] = mid !== 0 ? width / mid : NaN;
  }
}

export function bbandsIncremental(period = 20, devUp = 2, devDn = devUp): IncrementalIndicator<CloseBar, BbandsValue> {
  return new Incremental(
    () => new BbandsState(period, devUp, devDn),
    (s, bar: CloseBar) => {
      s.next(bar.close);
      return { upper: s.upper, middle: s.middle, lower: s.lower, percentB: s.percentB, bandwidth: s.bandwidth };
    },
  );
}
