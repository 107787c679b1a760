/**
 * Stochastic oscillators (TA-Lib semantics):
 * - STOCH (slow): raw %K over `fastK` bars, slow %K = MA(raw %K, slowK), slow %D = MA(slow %K, slowD).
 *   Defaults 5, 3 (SMA), 3 (SMA) as TA_STOCH. Both outputs start together at
 *   (fastK−1) + lookback(MA slowK) + lookback(MA slowD), as in TA-Lib.
 * - StochRSI: TA_STOCHRSI = TA_STOCHF applied to RSI(period): fast %K over `fastK` RSI values and
 *   fast %D = MA(fast %K, fastD). Defaults 14, 5, 3, SMA (TA-Lib's, not TradingView's 14/14/3/3).
 *
 * Raw %K = (close − lowest low)/((highest high − lowest low)/100), and 0 when the range is zero
 * (TA-Lib's rule, e.g. a flat series).
 */
import type { CloseBar, HlcBar, IncrementalIndicator, Snapshot } from "./core";
import { argMaxNewest, argMinNewest, assertPeriod, assertSameLength, Incremental, isMissing, WindowExtreme } from "./core";
import { createMa, type MaType, type ValueStepper } from "./moving-averages";
import { RsiState } from "./rsi";
import type { IndicatorCache } from "./shared";

/** Raw (fast) %K over a window of `period` bars. Callers handle missing inputs. */
export class FastKState implements Snapshot<FastKState> {
  readonly period: number;
  private readonly hi: WindowExtreme;
  private readonly lo: WindowExtreme;
  private n = 0;

  constructor(period: number) {
    assertPeriod("fastK", period);
    this.period = period;
    this.hi = new WindowExtreme(period, "max");
    this.lo = new WindowExtreme(period, "min");
  }

  reset(): void {
    this.hi.clear();
    this.lo.clear();
    this.n = 0;
  }

  next(high: number, low: number, close: number): number {
    this.hi.push(high);
    this.lo.push(low);
    if (this.n < this.period && ++this.n < this.period) return NaN;
    const lowest = this.lo.value();
    const diff = (this.hi.value() - lowest) / 100.0;
    return diff !== 0.0 ? (close - lowest) / diff : 0.0;
  }

  copyFrom(o: FastKState): void {
    this.hi.copyFrom(o.hi);
    this.lo.copyFrom(o.lo);
    this.n = o.n;
  }
}

// ─── STOCH ──────────────────────────────────────────────────────────────────────────────

export interface StochParams {
  fastK: number;
  slowK: number;
  slowKMa: MaType;
  slowD: number;
  slowDMa: MaType;
}
export const STOCH_DEFAULTS: StochParams = { fastK: 5, slowK: 3, slowKMa: "sma", slowD: 3, slowDMa: "sma" };

export interface StochValue {
  k: number;
  d: number;
}

export class StochState implements Snapshot<StochState> {
  readonly lookback: number;
  private readonly fast: FastKState;
  private readonly kMa: ValueStepper;
  private readonly dMa: ValueStepper;
  k = NaN;
  d = NaN;

  constructor(p: StochParams = STOCH_DEFAULTS) {
    this.fast = new FastKState(p.fastK);
    this.kMa = createMa(p.slowKMa, p.slowK);
    this.dMa = createMa(p.slowDMa, p.slowD);
    this.lookback = p.fastK - 1 + this.kMa.lookback + this.dMa.lookback;
  }

  reset(): void {
    this.fast.reset();
    this.kMa.reset();
    this.dMa.reset();
    this.k = NaN;
    this.d = NaN;
  }

  next(high: number, low: number, close: number): void {
    this.k = NaN;
    this.d = NaN;
    if (isMissing(high) || isMissing(low) || isMissing(close)) {
      this.reset();
      return;
    }
    const raw = this.fast.next(high, low, close);
    if (Number.isNaN(raw)) return;
    const k = this.kMa.next(raw);
    if (Number.isNaN(k)) return;
    const d = this.dMa.next(k);
    if (Number.isNaN(d)) return; // TA-Lib aligns %K with %D: both start at the total lookback
    this.k = k;
    this.d = d;
  }

  copyFrom(o: StochState): void {
    this.fast.copyFrom(o.fast);
    this.kMa.copyFrom(o.kMa);
    this.dMa.copyFrom(o.dMa);
    this.k = o.k;
    this.d = o.d;
  }
}

export interface StochResult {
  k: Float64Array;
  d: Float64Array;
}

export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  params: Partial<StochParams> = {},
  out: StochResult = { k: new Float64Array(close.length), d: new Float64Array(close.length) },
  cache?: IndicatorCache,
): StochResult {
  assertSameLength(high, low, close);
  const p = { ...STOCH_DEFAULTS, ...params };
  if (p.slowKMa === "sma" && p.slowK > 1 && p.slowDMa === "sma" && p.slowD > 1) {
    // StochState's validation (same checks, same order) without building its windows.
    assertPeriod("fastK", p.fastK);
    assertPeriod("period", p.slowK);
    assertPeriod("period", p.slowD);
    // The extremes are tracked here anyway (their branches leave the divider idle for raw %K), so the first
    // user of the pass stores them for WILLR instead of a pass of their own (registry `sharingOrder` puts STOCH
    // first); when WILLR came first they are tracked again, as without a cache.
    const ext = cache?.provideHlcExtremes(high, low, close, p.fastK);
    stochSmaSma(high, low, close, p.fastK, p.slowK, p.slowD, out.k, out.d, ext?.highest, ext?.lowest);
    return out;
  }
  const s = new StochState(p); // validates the params
  for (let i = 0; i < close.length; i++) {
    s.next(high[i]!, low[i]!, close[i]!);
    out.k[i] = s.k;
    out.d[i] = s.d;
  }
  return out;
}

/** Bars per block of the steady-state passes (the block's raw %K stays in L1 between the passes). */
const STOCH_BLOCK = 512;

/**
 * STOCH with SMA smoothing of %K and %D (TA-Lib's default), as one tight loop over the columns: the same
 * arithmetic, in the same order, as StochState (FastKState + two SmaStates), so the result is bit-identical.
 * The window extremes follow TA-Lib: keep the index of the current highest/lowest and rescan the window only
 * when that index leaves it (ties: the newest index wins, as in WindowExtreme; the value is the same anyway).
 */
let kScratch = new Float64Array(8);
let dScratch = new Float64Array(8);

function stochSmaSma(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  fastK: number,
  slowK: number,
  slowD: number,
  outK: Float64Array,
  outD: Float64Array,
  /** When given, filled with hlcExtremes(high, low, close, fastK) (shared.ts): NaN at a gap and in the warm-up. */
  hhOut?: Float64Array,
  llOut?: Float64Array,
): void {
  const n = close.length;
  const withExt = hhOut !== undefined && llOut !== undefined;
  const hh = hhOut ?? outK; // written only when withExt
  const ll = llOut ?? outD;
  // Module scratch (no allocation per call): a slot is always written before it is read after a reset.
  if (kScratch.length < slowK) kScratch = new Float64Array(slowK);
  if (dScratch.length < slowD) dScratch = new Float64Array(slowD);
  const kRing = kScratch; // raw %K inputs of the slow-%K SMA (slots 0..slowK−1)
  const dRing = dScratch; // slow %K inputs of the %D SMA (slots 0..slowD−1)
  let segStart = 0; // first bar of the current clean segment
  let hiIdx = -1;
  let loIdx = -1;
  let highest = 0;
  let lowest = 0;
  let kHead = 0;
  let kSize = 0;
  let kTotal = 0;
  let dHead = 0;
  let dSize = 0;
  let dTotal = 0;
  for (let i = 0; i < n; i++) {
    if (i - segStart >= fastK && kSize === slowK && dSize === slowD) {
      // Steady state, in blocks of STOCH_BLOCK bars and two passes per block: raw %K (window extremes; their
      // branches mispredict often) into outK, then both SMAs over it (divisions only), each pass a short loop that
      // the CPU overlaps well. Same updates in the same order as below. A pass stops at a gap or a non-finite
      // intermediate value; that bar is redone below with the extremes rescanned (the SMA state stops before it).
      for (;;) {
        const end = i + STOCH_BLOCK < n ? i + STOCH_BLOCK : n;
        let rawEnd = i;
        for (; rawEnd < end; rawEnd++) {
          const h = high[rawEnd]!;
          const l = low[rawEnd]!;
          const c = close[rawEnd]!;
          if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) break;
          const trailing = rawEnd - fastK + 1;
          // A new extreme moves the index without a data-dependent branch (+(cond) is 0 or 1).
          if (hiIdx < trailing) {
            // argMaxNewest(high, trailing, rawEnd), inlined: with the calls, this loop ran at ~25 or ~35 ns/bar
            // depending on the run (JIT), inlined at ~22 every time
            hiIdx = trailing;
            highest = high[trailing]!;
            for (let j = trailing + 1; j <= rawEnd; j++) {
              const v = high[j]!;
              if (v >= highest) {
                highest = v;
                hiIdx = j;
              }
            }
          } else {
            hiIdx += +(h >= highest) * (rawEnd - hiIdx);
            highest = high[hiIdx]!;
          }
          if (loIdx < trailing) {
            loIdx = trailing;
            lowest = low[trailing]!;
            for (let j = trailing + 1; j <= rawEnd; j++) {
              const v = low[j]!;
              if (v <= lowest) {
                lowest = v;
                loIdx = j;
              }
            }
          } else {
            loIdx += +(l <= lowest) * (rawEnd - loIdx);
            lowest = low[loIdx]!;
          }
          if (withExt) {
            hh[rawEnd] = highest;
            ll[rawEnd] = lowest;
          }
          const diff = (highest - lowest) / 100.0;
          const raw = diff !== 0.0 ? (c - lowest) / diff : 0.0;
          if (!Number.isFinite(raw)) break;
          outK[rawEnd] = raw;
        }
        for (; i < rawEnd; i++) {
          const raw = outK[i]!;
          const kt = kTotal + raw;
          const kv = kt / slowK;
          if (!Number.isFinite(kv)) break;
          const dt = dTotal + kv;
          const dv = dt / slowD;
          if (Number.isNaN(dv)) break;
          kRing[kHead] = raw;
          kHead = kHead + 1 === slowK ? 0 : kHead + 1;
          kTotal = kt - kRing[kHead]!;
          dRing[dHead] = kv;
          dHead = dHead + 1 === slowD ? 0 : dHead + 1;
          dTotal = dt - dRing[dHead]!;
          outK[i] = kv;
          outD[i] = dv;
        }
        if (i < end || i === n) break;
      }
      if (i === n) break;
      hiIdx = -1; // the raw pass may have moved the extremes past bar i: rescan them there
      loIdx = -1;
    }
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    let k = NaN;
    let d = NaN;
    if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) {
      segStart = i + 1;
      hiIdx = -1;
      loIdx = -1;
      if (withExt) hh[i] = ll[i] = NaN;
      kHead = kSize = 0;
      kTotal = 0;
      dHead = dSize = 0;
      dTotal = 0;
    } else {
      const trailing = i - fastK + 1 > segStart ? i - fastK + 1 : segStart;
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
      const defined = i - segStart + 1 >= fastK;
      if (withExt) {
        hh[i] = defined ? highest : NaN;
        ll[i] = defined ? lowest : NaN;
      }
      if (defined) {
        // FastKState
        const diff = (highest - lowest) / 100.0;
        const raw = diff !== 0.0 ? (c - lowest) / diff : 0.0;
        if (Number.isFinite(raw)) {
          // SmaState(slowK).next(raw)
          kRing[kHead] = raw;
          kHead = kHead + 1 === slowK ? 0 : kHead + 1;
          kTotal += raw;
          if (kSize === slowK || ++kSize === slowK) {
            const kv = kTotal / slowK;
            kTotal -= kRing[kHead]!;
            if (Number.isFinite(kv)) {
              // SmaState(slowD).next(kv)
              dRing[dHead] = kv;
              dHead = dHead + 1 === slowD ? 0 : dHead + 1;
              dTotal += kv;
              if (dSize === slowD || ++dSize === slowD) {
                const dv = dTotal / slowD;
                dTotal -= dRing[dHead]!;
                if (!Number.isNaN(dv)) {
                  k = kv; // TA-Lib aligns %K with %D: both start at the total lookback
                  d = dv;
                }
              }
            } else if (!Number.isNaN(kv)) {
              dHead = dSize = 0; // a non-finite input resets the %D SMA
              dTotal = 0;
            }
          }
        } else if (!Number.isNaN(raw)) {
          kHead = kSize = 0; // a non-finite input resets the slow-%K SMA
          kTotal = 0;
        }
      }
    }
    outK[i] = k;
    outD[i] = d;
  }
}

export function stochIncremental(params: Partial<StochParams> = {}): IncrementalIndicator<HlcBar, StochValue> {
  const p = { ...STOCH_DEFAULTS, ...params };
  return new Incremental(
    () => new StochState(p),
    (s, bar: HlcBar) => {
      s.next(bar.high, bar.low, bar.close);
      return { k: s.k, d: s.d };
    },
  );
}

// ─── STOCHRSI ───────────────────────────────────────────────────────────────────────────

export interface StochRsiParams {
  period: number;
  fastK: number;
  fastD: number;
  fastDMa: MaType;
}
export const STOCHRSI_DEFAULTS: StochRsiParams = { period: 14, fastK: 5, fastD: 3, fastDMa: "sma" };

export class StochRsiState implements Snapshot<StochRsiState> {
  readonly lookback: number;
  private readonly rsi: RsiState;
  private readonly fast: FastKState;
  private readonly dMa: ValueStepper;
  k = NaN;
  d = NaN;

  constructor(p: StochRsiParams = STOCHRSI_DEFAULTS) {
    this.rsi = new RsiState(p.period);
    this.fast = new FastKState(p.fastK);
    this.dMa = createMa(p.fastDMa, p.fastD);
    this.lookback = this.rsi.lookback + p.fastK - 1 + this.dMa.lookback;
  }

  reset(): void {
    this.rsi.reset();
    this.fast.reset();
    this.dMa.reset();
    this.k = NaN;
    this.d = NaN;
  }

  next(close: number): void {
    this.k = NaN;
    this.d = NaN;
    if (isMissing(close)) {
      this.reset();
      return;
    }
    const r = this.rsi.next(close);
    if (Number.isNaN(r)) return;
    const k = this.fast.next(r, r, r);
    if (Number.isNaN(k)) return;
    const d = this.dMa.next(k);
    if (Number.isNaN(d)) return;
    this.k = k;
    this.d = d;
  }

  copyFrom(o: StochRsiState): void {
    this.rsi.copyFrom(o.rsi);
    this.fast.copyFrom(o.fast);
    this.dMa.copyFrom(o.dMa);
    this.k = o.k;
    this.d = o.d;
  }
}

export function stochRsi(
  close: Float64Array,
  params: Partial<StochRsiParams> = {},
  out: StochResult = { k: new Float64Array(close.length), d: new Float64Array(close.length) },
): StochResult {
  const s = new StochRsiState({ ...STOCHRSI_DEFAULTS, ...params });
  for (let i = 0; i < close.length; i++) {
    s.next(close[i]!);
    out.k[i] = s.k;
    out.d[i] = s.d;
  }
  return out;
}

export function stochRsiIncremental(params: Partial<StochRsiParams> = {}): IncrementalIndicator<CloseBar, StochValue> {
  const p = { ...STOCHRSI_DEFAULTS, ...params };
  return new Incremental(
    () => new StochRsiState(p),
    (s, bar: CloseBar) => {
      s.next(bar.close);
      return { k: s.k, d: s.d };
    },
  );
}
