/**
 * Relative Strength Index (TA_RSI, default compatibility, unstable period 0).
 *
 * Wilder smoothing: the first average gain/loss is the plain mean of the first `period` changes
 * (value at index `period`), then avg = (avg·(p−1) + change)/p. RSI = 100·gain/(gain+loss), and
 * 0 when gain+loss is zero (TA-Lib's rule, e.g. a flat series).
 */
import type { CloseBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, Incremental, isMissing, isZero } from "./core";

export class RsiState implements Snapshot<RsiState> {
  readonly period: number;
  readonly lookback: number;
  /** Changes seen in the current clean segment (capped at period). */
  private n = 0;
  private prevValue = NaN;
  private gain = 0;
  private loss = 0;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period;
  }

  reset(): void {
    this.n = 0;
    this.prevValue = NaN;
    this.gain = 0;
    this.loss = 0;
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    const prev = this.prevValue;
    this.prevValue = x;
    if (Number.isNaN(prev)) return NaN; // first bar of a segment: no change yet
    const diff = x - prev;
    const p = this.period;
    if (this.n < p) {
      if (diff < 0) this.loss -= diff;
      else this.gain += diff;
      if (++this.n < p) return NaN;
      this.loss /= p;
      this.gain /= p;
    } else {
      this.loss *= p - 1;
      this.gain *= p - 1;
      if (diff < 0) this.loss -= diff;
      else this.gain += diff;
      this.loss /= p;
      this.gain /= p;
    }
    const sum = this.gain + this.loss;
    return isZero(sum) ? 0.0 : 100.0 * (this.gain / sum);
  }

  copyFrom(o: RsiState): void {
    this.n = o.n;
    this.prevValue = o.prevValue;
    this.gain = o.gain;
    this.loss = o.loss;
  }
}

export function rsi(close: Float64Array, period = 14, out = new Float64Array(close.length)): Float64Array {
  const s = new RsiState(period);
  for (let i = 0; i < close.length; i++) out[i] = s.next(close[i]!);
  return out;
}

export function rsiIncremental(period = 14): IncrementalIndicator<CloseBar, number> {
  return new Incremental(() => new RsiState(period), (s, bar: CloseBar) => s.next(bar.close));
}
