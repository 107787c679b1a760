/**
 * Parabolic SAR (TA_SAR semantics, Wilder).
 *
 * Lookback 1. The initial direction comes from bars 0 and 1: short when −DM(1) > 0 (the low fell
 * more than the high rose), else long; the initial SAR is bar 0's low (long) or high (short) and the
 * extreme point is bar 1's high/low. On a reversal the SAR jumps to the previous extreme point,
 * clamped to the last two bars' range, and the acceleration factor restarts at `acceleration`.
 * The value at bar t is the stop in force during bar t (computed from bars < t, flipped by bar t
 * when bar t crosses it): no look-ahead.
 */
import type { HlBar, IncrementalIndicator, Snapshot } from "./core";
import { assertSameLength, Incremental, isMissing } from "./core";

export class SarState implements Snapshot<SarState> {
  readonly lookback = 1;
  readonly acceleration: number;
  readonly maximum: number;
  private n = 0;
  private isLong = true;
  private sar = 0;
  private ep = 0;
  private af = 0;
  private lastHigh = NaN;
  private lastLow = NaN;

  constructor(acceleration = 0.02, maximum = 0.2) {
    if (!(acceleration >= 0) || !(maximum >= 0)) throw new RangeError("SAR acceleration and maximum must be >= 0");
    // TA-Lib: an acceleration above the maximum is clamped to it.
    this.acceleration = acceleration > maximum ? maximum : acceleration;
    this.maximum = maximum;
  }

  reset(): void {
    this.n = 0;
    this.lastHigh = NaN;
    this.lastLow = NaN;
  }

  next(high: number, low: number): number {
    if (isMissing(high) || isMissing(low)) {
      this.reset();
      return NaN;
    }
    if (this.n === 0) {
      this.n = 1;
      this.lastHigh = high;
      this.lastLow = low;
      return NaN;
    }
    if (this.n === 1) {
      this.n = 2;
      // TA_MINUS_DM with period 1 at bar 1 decides the initial direction.
      const diffP = high - this.lastHigh;
      const diffM = this.lastLow - low;
      const minusDm = diffM > 0 && diffP < diffM ? diffM : 0;
      this.isLong = !(minusDm > 0);
      this.af = this.acceleration;
      if (this.isLong) {
        this.ep = high;
        this.sar = this.lastLow;
      } else {
        this.ep = low;
        this.sar = this.lastHigh;
      }
      // TA-Lib's first iteration sees today's bar as the "previous" one too.
      this.lastHigh = high;
      this.lastLow = low;
    }
    const prevHigh = this.lastHigh;
    const prevLow = this.lastLow;
    this.lastHigh = high;
    this.lastLow = low;
    const accel = this.acceleration;
    const max = this.maximum;
    let out: number;
    let sar = this.sar;
    if (this.isLong) {
      if (low <= sar) {
        // Switch to short.
        this.isLong = false;
        sar = this.ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
        out = sar;
        this.af = accel;
        this.ep = low;
        sar = sar + this.af * (this.ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
      } else {
        out = sar;
        if (high > this.ep) {
          this.ep = high;
          this.af += accel;
          if (this.af > max) this.af = max;
        }
        sar = sar + this.af * (this.ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      // Switch to long.
      this.isLong = true;
      sar = this.ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
      out = sar;
      this.af = accel;
      this.ep = high;
      sar = sar + this.af * (this.ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
    } else {
      out = sar;
      if (low < this.ep) {
        this.ep = low;
        this.af += accel;
        if (this.af > max) this.af = max;
      }
      sar = sar + this.af * (this.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < high) sar = high;
    }
    this.sar = sar;
    return out;
  }

  copyFrom(o: SarState): void {
    this.n = o.n;
    this.isLong = o.isLong;
    this.sar = o.sar;
    this.ep = o.ep;
    this.af = o.af;
    this.lastHigh = o.lastHigh;
    this.lastLow = o.lastLow;
  }
}

export function sar(high: Float64Array, low: Float64Array, acceleration = 0.02, maximum = 0.2, out = new Float64Array(high.length)): Float64Array {
  assertSameLength(high, low);
  const s = new SarState(acceleration, maximum);
  for (let i = 0; i < high.length; i++) out[i] = s.next(high[i]!, low[i]!);
  return out;
}

export function sarIncremental(acceleration = 0.02, maximum = 0.2): IncrementalIndicator<HlBar, number> {
  return new Incremental(() => new SarState(acceleration, maximum), (s, b: HlBar) => s.next(b.high, b.low));
}
