/**
 * Moving averages: SMA, EMA, WMA, DEMA, TEMA, KAMA (TA-Lib semantics) and HMA (Hull, not in TA-Lib).
 *
 * The arithmetic mirrors TA-Lib's C code operation by operation (running sums are added and
 * subtracted in the same order), so results agree with TA-Lib to the last few ulps.
 * Lookbacks (index of the first non-NaN output): SMA/EMA/WMA p-1, DEMA 2(p-1), TEMA 3(p-1),
 * KAMA p, HMA (p-1)+(floor(√p)-1).
 */
import type { CloseBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, Incremental, isMissing, isZero, RingBuffer } from "./core";
import type { IndicatorCache } from "./shared";

/** A one-input stepper (used to compose indicators, e.g. the smoothing MA of a stochastic). */
export interface ValueStepper extends Snapshot<ValueStepper> {
  /** Index of the first non-NaN output of a clean series. */
  readonly lookback: number;
  next(x: number): number;
  reset(): void;
}

function run(state: ValueStepper, input: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < input.length; i++) out[i] = state.next(input[i]!);
  return out;
}

function valueIncremental(create: () => ValueStepper): IncrementalIndicator<CloseBar, number> {
  return new Incremental(create, (s, bar: CloseBar) => s.next(bar.close));
}

// ─── SMA ────────────────────────────────────────────────────────────────────────────────

/** Simple moving average (TA_SMA: running total, add newest, output, subtract oldest). */
export class SmaState implements ValueStepper {
  readonly period: number;
  readonly lookback: number;
  private readonly win: RingBuffer;
  private total = 0;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.win = new RingBuffer(period);
  }

  reset(): void {
    this.win.clear();
    this.total = 0;
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    if (this.period === 1) return x; // exact identity (a running sum would drift by an ulp)
    this.win.push(x);
    this.total += x;
    if (this.win.size < this.period) return NaN;
    const out = this.total / this.period;
    this.total -= this.win.oldest(); // the oldest value leaves the window before the next bar
    return out;
  }

  copyFrom(o: SmaState): void {
    this.win.copyFrom(o.win);
    this.total = o.total;
  }
}

/** SMA. With a `cache`, an SMA of the same input and period left by BBANDS in this pass is copied (same values). */
export function sma(close: Float64Array, period = 30, out = new Float64Array(close.length), cache?: IndicatorCache): Float64Array {
  assertPeriod("period", period);
  const shared = cache?.sma(close, period);
  if (shared) {
    out.set(shared);
    return out;
  }
  // SmaState as one tight loop (bit-identical); the value leaving the window is read back from the input.
  const p = period;
  const n = close.length;
  if (p === 1) {
    for (let i = 0; i < n; i++) {
      const x = close[i]!;
      out[i] = Number.isFinite(x) ? x : NaN;
    }
    return out;
  }
  let size = 0; // bars in the current clean segment (capped at p)
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (size === p) {
      // Steady state: the same updates without the warm-up branch, until the next gap.
      for (; i < n; i++) {
        const x = close[i]!;
        if (!Number.isFinite(x)) break;
        total += x;
        out[i] = total / p;
        total -= close[i - p + 1]!;
      }
      if (i === n) break;
    }
    const x = close[i]!;
    if (!Number.isFinite(x)) {
      size = 0;
      total = 0;
      out[i] = NaN;
      continue;
    }
    total += x;
    if (size < p && ++size < p) {
      out[i] = NaN;
      continue;
    }
    out[i] = total / p;
    total -= close[i - p + 1]!;
  }
  return out;
}
export function smaIncremental(period = 30): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new SmaState(period));
}

// ─── EMA ────────────────────────────────────────────────────────────────────────────────

/** Exponential moving average, k = 2/(p+1), seeded with the SMA of the first p values (TA_EMA default compatibility). */
export class EmaState implements ValueStepper {
  readonly period: number;
  readonly lookback: number;
  private readonly k: number;
  private n = 0;
  private sum = 0;
  private prev = NaN;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.k = 2.0 / (period + 1);
  }

  reset(): void {
    this.n = 0;
    this.sum = 0;
    this.prev = NaN;
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    if (this.period === 1) return x; // k = 1: exact identity
    if (this.n < this.period) {
      this.sum += x;
      if (++this.n < this.period) return NaN;
      this.prev = this.sum / this.period;
      return this.prev;
    }
    this.prev = (x - this.prev) * this.k + this.prev;
    return this.prev;
  }

  copyFrom(o: EmaState): void {
    this.n = o.n;
    this.sum = o.sum;
    this.prev = o.prev;
  }
}

export function ema(close: Float64Array, period = 30, out = new Float64Array(close.length)): Float64Array {
  assertPeriod("period", period);
  // EmaState as one tight loop (bit-identical).
  const p = period;
  const n = close.length;
  const k = 2.0 / (p + 1);
  let seen = 0;
  let sum = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    if (seen === p && p > 1) {
      // Steady state: the same update without the warm-up branches, until the next gap.
      for (; i < n; i++) {
        const x = close[i]!;
        if (!Number.isFinite(x)) break;
        prev = (x - prev) * k + prev;
        out[i] = prev;
      }
      if (i === n) break;
    }
    const x = close[i]!;
    if (!Number.isFinite(x)) {
      seen = 0;
      sum = 0;
      prev = NaN;
      out[i] = NaN;
    } else if (p === 1) {
      out[i] = x;
    } else if (seen < p) {
      sum += x;
      if (++seen < p) {
        out[i] = NaN;
      } else {
        prev = sum / p;
        out[i] = prev;
      }
    } else {
      prev = (x - prev) * k + prev;
      out[i] = prev;
    }
  }
  return out;
}
export function emaIncremental(period = 30): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new EmaState(period));
}

// ─── WMA ────────────────────────────────────────────────────────────────────────────────

/** Linearly weighted moving average (weights 1..p, newest heaviest), TA_WMA's O(1) update. */
export class WmaState implements ValueStepper {
  readonly period: number;
  readonly lookback: number;
  private readonly divider: number;
  private readonly win: RingBuffer;
  /** Σ w_j x_j of the window before the newest value is added (TA-Lib periodSum). */
  private periodSum = 0;
  /** Σ x_j (TA-Lib periodSub). */
  private periodSub = 0;
  private trailingValue = 0;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.divider = (period * (period + 1)) >> 1;
    this.win = new RingBuffer(period);
  }

  reset(): void {
    this.win.clear();
    this.periodSum = 0;
    this.periodSub = 0;
    this.trailingValue = 0;
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    if (this.period === 1) return x; // TA_WMA copies the input for period 1
    this.win.push(x);
    if (this.win.size < this.period) {
      this.periodSub += x;
      this.periodSum += x * this.win.size;
      return NaN;
    }
    this.periodSub += x;
    this.periodSub -= this.trailingValue;
    this.periodSum += x * this.period;
    this.trailingValue = this.win.oldest();
    const out = this.periodSum / this.divider;
    this.periodSum -= this.periodSub;
    return out;
  }

  copyFrom(o: WmaState): void {
    this.win.copyFrom(o.win);
    this.periodSum = o.periodSum;
    this.periodSub = o.periodSub;
    this.trailingValue = o.trailingValue;
  }
}

export function wma(close: Float64Array, period = 30, out = new Float64Array(close.length)): Float64Array {
  return run(new WmaState(period), close, out);
}
export function wmaIncremental(period = 30): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new WmaState(period));
}

// ─── DEMA / TEMA ────────────────────────────────────────────────────────────────────────

/** Double EMA: 2·EMA − EMA(EMA) (TA_DEMA). */
export class DemaState implements ValueStepper {
  readonly lookback: number;
  private readonly e1: EmaState;
  private readonly e2: EmaState;

  constructor(period: number) {
    this.e1 = new EmaState(period);
    this.e2 = new EmaState(period);
    this.lookback = 2 * (period - 1);
  }

  reset(): void {
    this.e1.reset();
    this.e2.reset();
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    const v1 = this.e1.next(x);
    if (Number.isNaN(v1)) return NaN;
    const v2 = this.e2.next(v1);
    if (Number.isNaN(v2)) return NaN;
    return 2.0 * v1 - v2;
  }

  copyFrom(o: DemaState): void {
    this.e1.copyFrom(o.e1);
    this.e2.copyFrom(o.e2);
  }
}

export function dema(close: Float64Array, period = 30, out = new Float64Array(close.length)): Float64Array {
  return run(new DemaState(period), close, out);
}
export function demaIncremental(period = 30): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new DemaState(period));
}

/** Triple EMA: 3·EMA − 3·EMA² + EMA³ (TA_TEMA, evaluated as e3 + (3e1 − 3e2)). */
export class TemaState implements ValueStepper {
  readonly lookback: number;
  private readonly e1: EmaState;
  private readonly e2: EmaState;
  private readonly e3: EmaState;

  constructor(period: number) {
    this.e1 = new EmaState(period);
    this.e2 = new EmaState(period);
    this.e3 = new EmaState(period);
    this.lookback = 3 * (period - 1);
  }

  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    const v1 = this.e1.next(x);
    if (Number.isNaN(v1)) return NaN;
    const v2 = this.e2.next(v1);
    if (Number.isNaN(v2)) return NaN;
    const v3 = this.e3.next(v2);
    if (Number.isNaN(v3)) return NaN;
    return v3 + (3.0 * v1 - 3.0 * v2);
  }

  copyFrom(o: TemaState): void {
    this.e1.copyFrom(o.e1);
    this.e2.copyFrom(o.e2);
    this.e3.copyFrom(o.e3);
  }
}

export function tema(close: Float64Array, period = 30, out = new Float64Array(close.length)): Float64Array {
  return run(new TemaState(period), close, out);
}
export function temaIncremental(period = 30): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new TemaState(period));
}

// ─── KAMA ───────────────────────────────────────────────────────────────────────────────

const KAMA_CONST_MAX = 2.0 / (30.0 + 1.0);
const KAMA_CONST_DIFF = 2.0 / (2.0 + 1.0) - KAMA_CONST_MAX;

/**
 * Kaufman adaptive moving average (TA_KAMA: fast 2, slow 30, efficiency ratio over `period`
 * changes). The first value, at index p, starts from close[p-1].
 */
export class KamaState implements ValueStepper {
  readonly period: number;
  readonly lookback: number;
  /** Last p+1 inputs: in[t-p..t]. */
  private readonly win: RingBuffer;
  /** Σ|in[j]-in[j-1]| over the last p changes (TA-Lib sumROC1, updated incrementally). */
  private sumRoc = 0;
  private trailingValue = 0;
  private prevKama = NaN;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period;
    this.win = new RingBuffer(period + 1);
  }

  reset(): void {
    this.win.clear();
    this.sumRoc = 0;
    this.trailingValue = 0;
    this.prevKama = NaN;
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    const prev = this.win.at(0);
    const seen = this.win.size; // bars before this one (capped at p+1)
    this.win.push(x);
    if (seen === 0) return NaN;
    if (seen < this.period) {
      this.sumRoc += Math.abs(prev - x);
      return NaN;
    }
    let periodRoc: number;
    if (seen === this.period) {
      // First output (index p): the window sum is complete, KAMA starts from in[p-1].
      this.sumRoc += Math.abs(prev - x);
      this.prevKama = prev;
      const first = this.win.at(this.period);
      periodRoc = x - first;
      this.trailingValue = first;
    } else {
      const trailing = this.win.at(this.period); // in[t-p]
      periodRoc = x - trailing;
      this.sumRoc -= Math.abs(this.trailingValue - trailing);
      this.sumRoc += Math.abs(x - prev);
      this.trailingValue = trailing;
    }
    let er: number;
    if (this.sumRoc <= periodRoc || isZero(this.sumRoc)) er = 1.0;
    else er = Math.abs(periodRoc / this.sumRoc);
    let sc = er * KAMA_CONST_DIFF + KAMA_CONST_MAX;
    sc *= sc;
    this.prevKama = (x - this.prevKama) * sc + this.prevKama;
    return this.prevKama;
  }

  copyFrom(o: KamaState): void {
    this.win.copyFrom(o.win);
    this.sumRoc = o.sumRoc;
    this.trailingValue = o.trailingValue;
    this.prevKama = o.prevKama;
  }
}

export function kama(close: Float64Array, period = 30, out = new Float64Array(close.length)): Float64Array {
  return run(new KamaState(period), close, out);
}
export function kamaIncremental(period = 30): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new KamaState(period));
}

// ─── HMA (not in TA-Lib) ────────────────────────────────────────────────────────────────

/**
 * Hull moving average: WMA(2·WMA(x, ⌊p/2⌋) − WMA(x, p), ⌊√p⌋) (as trading-signals and
 * TradingView). Requires p ≥ 2.
 */
export class HmaState implements ValueStepper {
  readonly lookback: number;
  private readonly half: WmaState;
  private readonly full: WmaState;
  private readonly smooth: WmaState;

  constructor(period: number) {
    assertPeriod("period", period, 2);
    this.half = new WmaState(Math.floor(period / 2));
    this.full = new WmaState(period);
    const s = Math.max(1, Math.floor(Math.sqrt(period)));
    this.smooth = new WmaState(s);
    this.lookback = period - 1 + (s - 1);
  }

  reset(): void {
    this.half.reset();
    this.full.reset();
    this.smooth.reset();
  }

  next(x: number): number {
    if (isMissing(x)) {
      this.reset();
      return NaN;
    }
    const h = this.half.next(x);
    const f = this.full.next(x);
    if (Number.isNaN(f)) return NaN; // the half-period WMA is always ready first
    return this.smooth.next(2 * h - f);
  }

  copyFrom(o: HmaState): void {
    this.half.copyFrom(o.half);
    this.full.copyFrom(o.full);
    this.smooth.copyFrom(o.smooth);
  }
}

export function hma(close: Float64Array, period = 20, out = new Float64Array(close.length)): Float64Array {
  return run(new HmaState(period), close, out);
}
export function hmaIncremental(period = 20): IncrementalIndicator<CloseBar, number> {
  return valueIncremental(() => new HmaState(period));
}

// ─── MA type switch (TA_MA) ─────────────────────────────────────────────────────────────

export const MA_TYPES = ["sma", "ema", "wma", "dema", "tema", "kama"] as const;
export type MaType = (typeof MA_TYPES)[number];

/** Pass-through used by TA_MA for period 1, whatever the MA type. */
class IdentityState implements ValueStepper {
  readonly lookback = 0;
  next(x: number): number {
    return isMissing(x) ? NaN : x;
  }
  reset(): void {}
  copyFrom(_o: IdentityState): void {}
}

/** Stepper of the given MA type, exactly as TA_MA builds it (period 1 → identity, lookback 0). */
export function createMa(type: MaType, period: number): ValueStepper {
  assertPeriod("period", period);
  if (period === 1) return new IdentityState();
  switch (type) {
    case "sma":
      return new SmaState(period);
    case "ema":
      return new EmaState(period);
    case "wma":
      return new WmaState(period);
    case "dema":
      return new DemaState(period);
    case "tema":
      return new TemaState(period);
    case "kama":
      return new KamaState(period);
  }
}

/** TA_MA lookback. */
export function maLookback(type: MaType, period: number): number {
  return createMa(type, period).lookback;
}

/** TA-Lib's integer code of an MA type (TA_MAType). */
export const TA_MA_TYPE_CODE: Record<MaType, number> = { sma: 0, ema: 1, wma: 2, dema: 3, tema: 4, kama: 6 };
