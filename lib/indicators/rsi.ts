/**
 * Relative Strength Index (TA_RSI, default compatibility, unstable period 0).
 *
 * Wilder smoothing: the first average gain/loss is the plain mean of the first `period` changes
 * (value at index `period`), then avg = (avg·(p−1) + change)/p. RSI = 100·gain/(gain+loss), and
 * 0 when gain+loss is zero (TA-Lib's rule, e.g. a flat series).
 */
import type { CloseBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, Incremental, isMissing, isZero, TA_EPSILON } from "./core";

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
  assertPeriod("period", period);
  // RsiState as one tight loop over locals (bit-identical).
  const p = period;
  const n = close.length;
  let seen = 0; // changes seen in the current clean segment (capped at p)
  let prevValue = NaN;
  let gain = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    if (seen === p) {
      // Steady state: the same updates without the warm-up branches, until the next gap.
      for (; i < n; i++) {
        const x = close[i]!;
        if (!Number.isFinite(x)) break;
        const diff = x - prevValue;
        prevValue = x;
        loss *= p - 1;
        gain *= p - 1;
        const ad = Math.abs(diff);
        if (ad < 8e307) {
          // Branch-free form of `if (diff < 0) loss -= diff; else gain += diff;`, exact: (diff ∓ |diff|)·0.5 is
          // diff or +0 (2·diff does not overflow below 8e307), and x ± 0 = x since gain and loss are never −0.
          loss -= (diff - ad) * 0.5;
          gain += (diff + ad) * 0.5;
        } else if (diff < 0) loss -= diff;
        else gain += diff;
        loss /= p;
        gain /= p;
        const sum = gain + loss;
        out[i] = -TA_EPSILON < sum && sum < TA_EPSILON ? 0.0 : 100.0 * (gain / sum);
      }
      if (i === n) break;
    }
    const x = close[i]!;
    if (!Number.isFinite(x)) {
      seen = 0;
      prevValue = NaN;
      gain = 0;
      loss = 0;
      out[i] = NaN;
      continue;
    }
    const prev = prevValue;
    prevValue = x;
    if (Number.isNaN(prev)) {
      out[i] = NaN;
      continue;
    }
    const diff = x - prev;
    if (seen < p) {
      if (diff < 0) loss -= diff;
      else gain += diff;
      if (++seen < p) {
        out[i] = NaN;
        continue;
      }
      loss /= p;
      gain /= p;
    } else {
      loss *= p - 1;
      gain *= p - 1;
      if (diff < 0) loss -= diff;
      else gain += diff;
      loss /= p;
      gain /= p;
    }
    const sum = gain + loss;
    out[i] = -TA_EPSILON < sum && sum < TA_EPSILON ? 0.0 : 100.0 * (gain / sum);
  }
  return out;
}

export function rsiIncremental(period = 14): IncrementalIndicator<CloseBar, number> {
  return new Incremental(() => new RsiState(period), (s, bar: CloseBar) => s.next(bar.close));
}
