/**
 * Price channels (not in TA-Lib):
 * - Keltner channels: middle = EMA(close, emaPeriod) (TA-Lib EMA, SMA-seeded), upper/lower =
 *   middle ± multiplier·ATR(atrPeriod) (TA-Lib/Wilder ATR). Defaults 20, 10, 2 (as trading-signals
 *   and StockCharts). All outputs start when both parts exist: lookback max(emaPeriod−1, atrPeriod).
 * - Donchian channels: upper = highest high, lower = lowest low over the last p bars *including*
 *   bar t, middle = (upper+lower)/2 (lookback p−1). For a breakout rule compare the close with the
 *   previous bar's channel.
 */
import type { HlBar, HlcBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, assertSameLength, Incremental, isMissing, WindowExtreme } from "./core";
import { AtrState } from "./atr";
import { EmaState } from "./moving-averages";

export interface ChannelValue {
  upper: number;
  middle: number;
  lower: number;
}
export type ChannelResult = { [K in keyof ChannelValue]: Float64Array };

function alloc(n: number): ChannelResult {
  return { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n) };
}

// ─── Keltner ────────────────────────────────────────────────────────────────────────────

export class KeltnerState implements Snapshot<KeltnerState> {
  readonly lookback: number;
  private readonly ema: EmaState;
  private readonly atr: AtrState;
  private readonly multiplier: number;
  upper = NaN;
  middle = NaN;
  lower = NaN;

  constructor(emaPeriod = 20, atrPeriod = 10, multiplier = 2) {
    this.ema = new EmaState(emaPeriod);
    this.atr = new AtrState(atrPeriod);
    this.multiplier = multiplier;
    this.lookback = Math.max(this.ema.lookback, this.atr.lookback);
  }

  next(high: number, low: number, close: number): void {
    // Both parts reset themselves on a missing input.
    const mid = isMissing(high) || isMissing(low) ? this.ema.next(NaN) : this.ema.next(close);
    const a = this.atr.next(high, low, close);
    if (Number.isNaN(mid) || Number.isNaN(a)) {
      this.upper = NaN;
      this.middle = NaN;
      this.lower = NaN;
      return;
    }
    const off = this.multiplier * a;
    this.middle = mid;
    this.upper = mid + off;
    this.lower = mid - off;
  }

  copyFrom(o: KeltnerState): void {
    this.ema.copyFrom(o.ema);
    this.atr.copyFrom(o.atr);
    this.upper = o.upper;
    this.middle = o.middle;
    this.lower = o.lower;
  }
}

export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  emaPeriod = 20,
  atrPeriod = 10,
  multiplier = 2,
  out: ChannelResult = alloc(close.length),
): ChannelResult {
  assertSameLength(high, low, close);
  const s = new KeltnerState(emaPeriod, atrPeriod, multiplier);
  for (let i = 0; i < close.length; i++) {
    s.next(high[i]!, low[i]!, close[i]!);
    out.upper[i] = s.upper;
    out.middle[i] = s.middle;
    out.lower[i] = s.lower;
  }
  return out;
}

export function keltnerIncremental(emaPeriod = 20, atrPeriod = 10, multiplier = 2): IncrementalIndicator<HlcBar, ChannelValue> {
  return new Incremental(
    () => new KeltnerState(emaPeriod, atrPeriod, multiplier),
    (s, b: HlcBar) => {
      s.next(b.high, b.low, b.close);
      return { upper: s.upper, middle: s.middle, lower: s.lower };
    },
  );
}

// ─── Donchian ───────────────────────────────────────────────────────────────────────────

/** Highest high / lowest low over a window; also used by Ichimoku's mid-points. */
export class DonchianState implements Snapshot<DonchianState> {
  readonly period: number;
  readonly lookback: number;
  private readonly hi: WindowExtreme;
  private readonly lo: WindowExtreme;
  private n = 0;
  upper = NaN;
  middle = NaN;
  lower = NaN;

  constructor(period = 20) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.hi = new WindowExtreme(period, "max");
    this.lo = new WindowExtreme(period, "min");
  }

  reset(): void {
    this.hi.clear();
    this.lo.clear();
    this.n = 0;
  }

  next(high: number, low: number): void {
    this.upper = NaN;
    this.middle = NaN;
    this.lower = NaN;
    if (isMissing(high) || isMissing(low)) {
      this.reset();
      return;
    }
    this.hi.push(high);
    this.lo.push(low);
    if (this.n < this.period && ++this.n < this.period) return;
    this.upper = this.hi.value();
    this.lower = this.lo.value();
    this.middle = (this.upper + this.lower) / 2;
  }

  copyFrom(o: DonchianState): void {
    this.hi.copyFrom(o.hi);
    this.lo.copyFrom(o.lo);
    this.n = o.n;
    this.upper = o.upper;
    this.middle = o.middle;
    this.lower = o.lower;
  }
}

export function donchian(high: Float64Array, low: Float64Array, period = 20, out: ChannelResult = alloc(high.length)): ChannelResult {
  assertSameLength(high, low);
  const s = new DonchianState(period);
  for (let i = 0; i < high.length; i++) {
    s.next(high[i]!, low[i]!);
    out.upper[i] = s.upper;
    out.middle[i] = s.middle;
    out.lower[i] = s.lower;
  }
  return out;
}

export function donchianIncremental(period = 20): IncrementalIndicator<HlBar, ChannelValue> {
  return new Incremental(
    () => new DonchianState(period),
    (s, b: HlBar) => {
      s.next(b.high, b.low);
      return { upper: s.upper, middle: s.middle, lower: s.lower };
    },
  );
}
