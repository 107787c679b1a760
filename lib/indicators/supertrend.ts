/**
 * SuperTrend (not in TA-Lib; same band logic as trading-signals / TradingView).
 *
 * ATR is TA-Lib's Wilder ATR(period) (first value at index `period`). With hl2 = (h+l)/2:
 *   basicUpper = hl2 + m·ATR, basicLower = hl2 − m·ATR,
 *   finalUpper = basicUpper if basicUpper < prevFinalUpper or prevClose > prevFinalUpper, else prevFinalUpper,
 *   finalLower = basicLower if basicLower > prevFinalLower or prevClose < prevFinalLower, else prevFinalLower.
 * Trend: on the first bar up iff close > finalUpper; afterwards an up-trend stays up while
 * close ≥ finalLower and a down-trend turns up when close > finalUpper.
 * Outputs: supertrend (finalLower in an up-trend, finalUpper in a down-trend) and direction
 * (+1 up, −1 down).
 */
import type { HlcBar, IncrementalIndicator, Snapshot } from "./core";
import { AtrState } from "./atr";
import { assertSameLength, Incremental } from "./core";

export interface SuperTrendValue {
  supertrend: number;
  direction: number;
}
export type SuperTrendResult = { [K in keyof SuperTrendValue]: Float64Array };

export class SuperTrendState implements Snapshot<SuperTrendState> {
  readonly lookback: number;
  private readonly atr: AtrState;
  private readonly multiplier: number;
  private started = false;
  private prevClose = 0;
  private finalUpper = 0;
  private finalLower = 0;
  private isUp = false;
  supertrend = NaN;
  direction = NaN;

  constructor(period = 10, multiplier = 3) {
    this.atr = new AtrState(period);
    this.multiplier = multiplier;
    this.lookback = this.atr.lookback;
  }

  next(high: number, low: number, close: number): void {
    this.supertrend = NaN;
    this.direction = NaN;
    const a = this.atr.next(high, low, close); // resets itself on a missing input
    if (Number.isNaN(a)) {
      this.started = false;
      return;
    }
    const hl2 = (high + low) / 2;
    const basicUpper = hl2 + this.multiplier * a;
    const basicLower = hl2 - this.multiplier * a;
    let upper: number;
    let lower: number;
    let isUp: boolean;
    if (!this.started) {
      upper = basicUpper;
      lower = basicLower;
      isUp = close > upper;
      this.started = true;
    } else {
      upper = basicUpper < this.finalUpper || this.prevClose > this.finalUpper ? basicUpper : this.finalUpper;
      lower = basicLower > this.finalLower || this.prevClose < this.finalLower ? basicLower : this.finalLower;
      isUp = this.isUp ? close >= lower : close > upper;
    }
    this.prevClose = close;
    this.finalUpper = upper;
    this.finalLower = lower;
    this.isUp = isUp;
    this.supertrend = isUp ? lower : upper;
    this.direction = isUp ? 1 : -1;
  }

  copyFrom(o: SuperTrendState): void {
    this.atr.copyFrom(o.atr);
    this.started = o.started;
    this.prevClose = o.prevClose;
    this.finalUpper = o.finalUpper;
    this.finalLower = o.finalLower;
    this.isUp = o.isUp;
    this.supertrend = o.supertrend;
    this.direction = o.direction;
  }
}

export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 10,
  multiplier = 3,
  out: SuperTrendResult = { supertrend: new Float64Array(close.length), direction: new Float64Array(close.length) },
): SuperTrendResult {
  assertSameLength(high, low, close);
  const s = new SuperTrendState(period, multiplier);
  for (let i = 0; i < close.length; i++) {
    s.next(high[i]!, low[i]!, close[i]!);
    out.supertrend[i] = s.supertrend;
    out.direction[i] = s.direction;
  }
  return out;
}

export function supertrendIncremental(period = 10, multiplier = 3): IncrementalIndicator<HlcBar, SuperTrendValue> {
  return new Incremental(
    () => new SuperTrendState(period, multiplier),
    (s, b: HlcBar) => {
      s.next(b.high, b.low, b.close);
      return { supertrend: s.supertrend, direction: s.direction };
    },
  );
}
