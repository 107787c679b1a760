/**
 * Aroon up/down and oscillator (TA_AROON / TA_AROONOSC).
 *
 * The window is the last p+1 bars (lookback p). up = 100/p·(p − bars since the highest high),
 * down likewise for the lowest low; when the extreme is tied the most recent bar counts (TA-Lib).
 * oscillator = 100/p·(index of high − index of low) = up − down.
 */
import type { HlBar, IncrementalIndicator, Snapshot } from "./core";
import { argMaxNewest, argMinNewest, assertPeriod, assertSameLength, Incremental, isMissing, WindowExtreme } from "./core";

export interface AroonValue {
  up: number;
  down: number;
  oscillator: number;
}
export type AroonResult = { [K in keyof AroonValue]: Float64Array };

export class AroonState implements Snapshot<AroonState> {
  readonly period: number;
  readonly lookback: number;
  private readonly factor: number;
  private readonly hi: WindowExtreme;
  private readonly lo: WindowExtreme;
  private n = 0;
  up = NaN;
  down = NaN;
  oscillator = NaN;

  constructor(period = 14) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period;
    this.factor = 100.0 / period;
    this.hi = new WindowExtreme(period + 1, "max");
    this.lo = new WindowExtreme(period + 1, "min");
  }

  reset(): void {
    this.hi.clear();
    this.lo.clear();
    this.n = 0;
    this.up = NaN;
    this.down = NaN;
    this.oscillator = NaN;
  }

  next(high: number, low: number): void {
    if (isMissing(high) || isMissing(low)) {
      this.reset();
      return;
    }
    this.hi.push(high);
    this.lo.push(low);
    if (this.n <= this.period) this.n++;
    if (this.n <= this.period) {
      this.up = NaN;
      this.down = NaN;
      this.oscillator = NaN;
      return;
    }
    const p = this.period;
    const hiAge = this.hi.age();
    const loAge = this.lo.age();
    this.up = this.factor * (p - hiAge);
    this.down = this.factor * (p - loAge);
    // TA-Lib: factor·(highestIdx − lowestIdx), with idx = today − age.
    this.oscillator = this.factor * (loAge - hiAge);
  }

  copyFrom(o: AroonState): void {
    this.hi.copyFrom(o.hi);
    this.lo.copyFrom(o.lo);
    this.n = o.n;
    this.up = o.up;
    this.down = o.down;
    this.oscillator = o.oscillator;
  }
}

function alloc(n: number): AroonResult {
  return { up: new Float64Array(n), down: new Float64Array(n), oscillator: new Float64Array(n) };
}

export function aroon(high: Float64Array, low: Float64Array, period = 14, out: AroonResult = alloc(high.length)): AroonResult {
  assertSameLength(high, low);
  assertPeriod("period", period);
  // AroonState as one tight loop (bit-identical). The window extremes follow TA-Lib: keep the index of the
  // current highest/lowest (the newest among ties, WindowExtreme's rule) and rescan the window of p+1 bars
  // only when that index leaves it. Ages are exact integers, so up/down/oscillator are the stepper's values.
  const p = period;
  const factor = 100.0 / p;
  const n = high.length;
  const up = out.up;
  const down = out.down;
  const osc = out.oscillator;
  let segStart = 0; // first bar of the current clean segment
  let hiIdx = -1;
  let loIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    if (!(Number.isFinite(h) && Number.isFinite(l))) {
      segStart = i + 1;
      up[i] = down[i] = osc[i] = NaN;
      continue;
    }
    if (i - segStart < p) {
      up[i] = down[i] = osc[i] = NaN;
      continue;
    }
    const trailing = i - p;
    if (i - segStart === p) {
      // First full window of the segment.
      hiIdx = argMaxNewest(high, trailing, i);
      highest = high[hiIdx]!;
      loIdx = argMinNewest(low, trailing, i);
      lowest = low[loIdx]!;
    } else {
      if (hiIdx < trailing) {
        hiIdx = argMaxNewest(high, trailing, i);
        highest = high[hiIdx]!;
      } else if (h >= highest) {
        highest = h;
        hiIdx = i;
      }
      if (loIdx < trailing) {
        loIdx = argMinNewest(low, trailing, i);
        lowest = low[loIdx]!;
      } else if (l <= lowest) {
        lowest = l;
        loIdx = i;
      }
    }
    const hiAge = i - hiIdx;
    const loAge = i - loIdx;
    up[i] = factor * (p - hiAge);
    down[i] = factor * (p - loAge);
    osc[i] = factor * (loAge - hiAge);
  }
  return out;
}

export function aroonIncremental(period = 14): IncrementalIndicator<HlBar, AroonValue> {
  return new Incremental(
    () => new AroonState(period),
    (s, b: HlBar) => {
      s.next(b.high, b.low);
      return { up: s.up, down: s.down, oscillator: s.oscillator };
    },
  );
}
