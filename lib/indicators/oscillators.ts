/**
 * Window oscillators with TA-Lib semantics: CCI, Williams %R, ROC, Momentum.
 *
 * - CCI (TA_CCI): tp = (h+l+c)/3; CCI = (tp − mean)/(0.015·meanDeviation) over p bars
 *   (lookback p−1); 0 when tp = mean or the mean deviation is 0 (TA-Lib, e.g. a flat series).
 *   The mean deviation has no O(1) update, so CCI costs O(p) per bar (like TA-Lib).
 * - Williams %R (TA_WILLR): −100·(highest − close)/(highest − lowest) over p bars (lookback p−1);
 *   0 when the range is zero (TA-Lib).
 * - ROC (TA_ROC): 100·(x/x[t−p] − 1) (lookback p); 0 when x[t−p] = 0 (TA-Lib).
 * - MOM (TA_MOM): x − x[t−p] (lookback p).
 */
import type { CloseBar, HlcBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, assertSameLength, Incremental, isMissing, WindowExtreme } from "./core";

// ─── CCI ────────────────────────────────────────────────────────────────────────────────

export class CciState implements Snapshot<CciState> {
  readonly period: number;
  readonly lookback: number;
  /** Typical prices; slot = bar index mod p, like TA-Lib's circular buffer (same summation order). */
  private readonly buf: Float64Array;
  private idx = 0;
  private n = 0;

  constructor(period = 14) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.buf = new Float64Array(period);
  }

  reset(): void {
    this.idx = 0;
    this.n = 0;
  }

  next(high: number, low: number, close: number): number {
    if (isMissing(high) || isMissing(low) || isMissing(close)) {
      this.reset();
      return NaN;
    }
    const p = this.period;
    const last = (high + low + close) / 3;
    this.buf[this.idx] = last;
    this.idx = this.idx + 1 === p ? 0 : this.idx + 1;
    if (this.n < p && ++this.n < p) return NaN;
    let avg = 0;
    for (let j = 0; j < p; j++) avg += this.buf[j]!;
    avg /= p;
    let dev = 0;
    for (let j = 0; j < p; j++) dev += Math.abs(this.buf[j]! - avg);
    const num = last - avg;
    return num !== 0.0 && dev !== 0.0 ? num / (0.015 * (dev / p)) : 0.0;
  }

  copyFrom(o: CciState): void {
    this.buf.set(o.buf);
    this.idx = o.idx;
    this.n = o.n;
  }
}

export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period = 14, out = new Float64Array(close.length)): Float64Array {
  assertSameLength(high, low, close);
  const s = new CciState(period);
  for (let i = 0; i < close.length; i++) out[i] = s.next(high[i]!, low[i]!, close[i]!);
  return out;
}

export function cciIncremental(period = 14): IncrementalIndicator<HlcBar, number> {
  return new Incremental(() => new CciState(period), (s, b: HlcBar) => s.next(b.high, b.low, b.close));
}

// ─── Williams %R ────────────────────────────────────────────────────────────────────────

export class WillrState implements Snapshot<WillrState> {
  readonly period: number;
  readonly lookback: number;
  private readonly hi: WindowExtreme;
  private readonly lo: WindowExtreme;
  private n = 0;

  constructor(period = 14) {
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

  next(high: number, low: number, close: number): number {
    if (isMissing(high) || isMissing(low) || isMissing(close)) {
      this.reset();
      return NaN;
    }
    this.hi.push(high);
    this.lo.push(low);
    if (this.n < this.period && ++this.n < this.period) return NaN;
    const highest = this.hi.value();
    const diff = (highest - this.lo.value()) / -100.0;
    return diff !== 0.0 ? (highest - close) / diff : 0.0;
  }

  copyFrom(o: WillrState): void {
    this.hi.copyFrom(o.hi);
    this.lo.copyFrom(o.lo);
    this.n = o.n;
  }
}

export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14, out = new Float64Array(close.length)): Float64Array {
  assertSameLength(high, low, close);
  const s = new WillrState(period);
  for (let i = 0; i < close.length; i++) out[i] = s.next(high[i]!, low[i]!, close[i]!);
  return out;
}

export function willrIncremental(period = 14): IncrementalIndicator<HlcBar, number> {
  return new Incremental(() => new WillrState(period), (s, b: HlcBar) => s.next(b.high, b.low, b.close));
}

// ─── ROC / MOM ──────────────────────────────────────────────────────────────────────────

/** x[t] against x[t−p]; `kind` selects ROC (percent) or MOM (difference). */
export class ChangeState implements Snapshot<ChangeState> {
  readonly period: number;
  readonly lookback: number;
  readonly kind: "roc" | "mom";
  private readonly buf: Float64Array;
  private head = 0;
  private n = 0;

  constructor(kind: "roc" | "mom", period = 10) {
    assertPeriod("period", period);
    this.kind = kind;
    this.period = period;
    this.lookback = period;
    this.buf = new Float64Array(period); // the last p inputs; slot `head` holds x[t−p] before it is overwritten
  }

  reset(): void {
    this.head = 0;
    this.n = 0;
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    const p = this.period;
    const past = this.buf[this.head]!; // x[t−p] once n ≥ p
    this.buf[this.head] = x;
    this.head = this.head + 1 === p ? 0 : this.head + 1;
    if (this.n < p) {
      this.n++;
      return NaN;
    }
    if (this.kind === "mom") return x - past;
    return past !== 0.0 ? (x / past - 1.0) * 100.0 : 0.0;
  }

  copyFrom(o: ChangeState): void {
    this.buf.set(o.buf);
    this.head = o.head;
    this.n = o.n;
  }
}

export function roc(close: Float64Array, period = 10, out = new Float64Array(close.length)): Float64Array {
  const s = new ChangeState("roc", period);
  for (let i = 0; i < close.length; i++) out[i] = s.next(close[i]!);
  return out;
}

export function rocIncremental(period = 10): IncrementalIndicator<CloseBar, number> {
  return new Incremental(() => new ChangeState("roc", period), (s, b: CloseBar) => s.next(b.close));
}

export function mom(close: Float64Array, period = 10, out = new Float64Array(close.length)): Float64Array {
  const s = new ChangeState("mom", period);
  for (let i = 0; i < close.length; i++) out[i] = s.next(close[i]!);
  return out;
}

export function momIncremental(period = 10): IncrementalIndicator<CloseBar, number> {
  return new Incremental(() => new ChangeState("mom", period), (s, b: CloseBar) => s.next(b.close));
}
