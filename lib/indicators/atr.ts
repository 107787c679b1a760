/**
 * True range, ATR and NATR (TA_TRANGE / TA_ATR / TA_NATR, unstable period 0).
 *
 * TR needs the previous close, so it starts at index 1. ATR(p) at index p is the mean of the
 * first p true ranges (TR[1..p]); after that Wilder smoothing: atr = (atr·(p−1) + tr)/p.
 * NATR = 100·ATR/close (0 when close is 0, as TA-Lib).
 */
import type { HlcBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, assertSameLength, Incremental, isMissing, isZero } from "./core";

/** True range given the previous close (TA-Lib: max of h−l, |h−c₋₁|, |l−c₋₁|). */
export function trueRangeOf(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const v2 = Math.abs(prevClose - high);
  if (v2 > greatest) greatest = v2;
  const v3 = Math.abs(low - prevClose);
  if (v3 > greatest) greatest = v3;
  return greatest;
}

/** Wilder ATR stepper; also the building block of Keltner channels and SuperTrend. */
export class AtrState implements Snapshot<AtrState> {
  readonly period: number;
  readonly lookback: number;
  private prevClose = NaN;
  /** True ranges seen (capped at period). */
  private n = 0;
  private atr = 0;

  constructor(period = 14) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period;
  }

  reset(): void {
    this.prevClose = NaN;
    this.n = 0;
    this.atr = 0;
  }

  next(high: number, low: number, close: number): number {
    if (isMissing(high) || isMissing(low) || isMissing(close)) {
      this.reset();
      return NaN;
    }
    const pc = this.prevClose;
    this.prevClose = close;
    if (Number.isNaN(pc)) return NaN;
    const tr = trueRangeOf(high, low, pc);
    const p = this.period;
    if (this.n < p) {
      this.atr += tr; // TA_INT_SMA of the first p true ranges
      if (++this.n < p) return NaN;
      this.atr = this.atr / p;
      return this.atr;
    }
    this.atr *= p - 1;
    this.atr += tr;
    this.atr /= p;
    return this.atr;
  }

  copyFrom(o: AtrState): void {
    this.prevClose = o.prevClose;
    this.n = o.n;
    this.atr = o.atr;
  }
}

export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14, out = new Float64Array(close.length)): Float64Array {
  assertSameLength(high, low, close);
  assertPeriod("period", period);
  // AtrState as one tight loop over locals (bit-identical).
  const p = period;
  const n = close.length;
  let prevClose = NaN;
  let seen = 0; // true ranges seen (capped at p)
  let value = 0;
  for (let i = 0; i < n; i++) {
    if (seen === p) {
      // Steady state: the same updates without the warm-up branches, until the next gap.
      for (; i < n; i++) {
        const h = high[i]!;
        const l = low[i]!;
        const c = close[i]!;
        if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) break;
        const pc = prevClose;
        prevClose = c;
        let tr = h - l;
        const v2 = Math.abs(pc - h);
        if (v2 > tr) tr = v2;
        const v3 = Math.abs(l - pc);
        if (v3 > tr) tr = v3;
        value *= p - 1;
        value += tr;
        value /= p;
        out[i] = value;
      }
      if (i === n) break;
    }
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) {
      prevClose = NaN;
      seen = 0;
      value = 0;
      out[i] = NaN;
      continue;
    }
    const pc = prevClose;
    prevClose = c;
    if (Number.isNaN(pc)) {
      out[i] = NaN;
      continue;
    }
    let tr = h - l;
    const v2 = Math.abs(pc - h);
    if (v2 > tr) tr = v2;
    const v3 = Math.abs(l - pc);
    if (v3 > tr) tr = v3;
    if (seen < p) {
      value += tr;
      if (++seen < p) {
        out[i] = NaN;
        continue;
      }
      value = value / p;
    } else {
      value *= p - 1;
      value += tr;
      value /= p;
    }
    out[i] = value;
  }
  return out;
}

export function atrIncremental(period = 14): IncrementalIndicator<HlcBar, number> {
  return new Incremental(() => new AtrState(period), (s, b: HlcBar) => s.next(b.high, b.low, b.close));
}

/** NATR = ATR/close·100. */
export class NatrState implements Snapshot<NatrState> {
  readonly lookback: number;
  private readonly atr: AtrState;

  constructor(period = 14) {
    this.atr = new AtrState(period);
    this.lookback = this.atr.lookback;
  }

  next(high: number, low: number, close: number): number {
    const a = this.atr.next(high, low, close);
    if (Number.isNaN(a)) return NaN;
    return isZero(close) ? 0.0 : (a / close) * 100.0;
  }

  copyFrom(o: NatrState): void {
    this.atr.copyFrom(o.atr);
  }
}

export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14, out = new Float64Array(close.length)): Float64Array {
  // NatrState = the ATR loop, then one pass (bit-identical): a defined ATR implies a clean bar.
  atr(high, low, close, period, out);
  return natrOfAtr(out, close, out);
}

/** NATR from an ATR series of the same bars (NatrState's last step); `out` may be `atrValues`. */
export function natrOfAtr(atrValues: Float64Array, close: Float64Array, out = new Float64Array(close.length)): Float64Array {
  for (let i = 0; i < close.length; i++) {
    const a = atrValues[i]!;
    if (Number.isNaN(a)) {
      out[i] = a;
      continue;
    }
    const c = close[i]!;
    out[i] = isZero(c) ? 0.0 : (a / c) * 100.0;
  }
  return out;
}

export function natrIncremental(period = 14): IncrementalIndicator<HlcBar, number> {
  return new Incremental(() => new NatrState(period), (s, b: HlcBar) => s.next(b.high, b.low, b.close));
}

/** True range series (TA_TRANGE): NaN at index 0 and after every gap. */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array, out = new Float64Array(close.length)): Float64Array {
  assertSameLength(high, low, close);
  let pc = NaN;
  for (let i = 0; i < close.length; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    if (isMissing(h) || isMissing(l) || isMissing(c)) {
      pc = NaN;
      out[i] = NaN;
      continue;
    }
    out[i] = Number.isNaN(pc) ? NaN : trueRangeOf(h, l, pc);
    pc = c;
  }
  return out;
}
