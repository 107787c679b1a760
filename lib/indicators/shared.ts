/**
 * Intermediates that several indicators compute from the same bars, computed once per pass.
 *
 * A panel of indicators over one series (a scan per symbol, a chart with several indicators, a feature matrix)
 * repeats work: STOCH and WILLR both track the highest high and lowest low of the same window, and ADX runs the
 * true range and a Wilder recurrence next to which ATR's costs almost nothing (ADX leaves it in the cache for an
 * ATR/NATR of the same period computed after it), and the middle band of BBANDS is the SMA of the same period
 * (BBANDS leaves it for SMA); registry `sharingOrder` puts such producers first. An
 * `IndicatorCache` holds such intermediates for the bars of one pass: pass the same cache to every batch call
 * of the pass (`stoch(h, l, c, p, out, cache)`, `willr(h, l, c, 14, out, cache)`, or the registry's
 * `compute(columns, params, cache)`), then `clear()` it before the next series (its buffers are reused, so a run
 * over many series allocates nothing once they have grown to the longest).
 *
 * Entries are keyed by the input views (same buffer, offset and length) and the params, so a cache never
 * mixes two series; it does not see in-place edits of a column, so clear it when the bars change.
 * The results are bit-identical with and without a cache (batch-kernels.test.ts).
 */
import { argMaxNewest, argMinNewest } from "./core";

/** Highest high and lowest low of the window ending at each bar (NaN where the indicator is not defined). */
export interface HlcExtremes {
  highest: Float64Array;
  lowest: Float64Array;
}

/**
 * Window extremes as STOCH's raw %K and WILLR read them: highest[i] / lowest[i] = the largest high / smallest
 * low of bars i−period+1..i when those bars all have a finite high, low AND close (the reset rule of both
 * indicators: a missing value in any field they read restarts the window), NaN otherwise. The extremes follow
 * TA-Lib's tracking (keep the index of the current extreme, rescan the window only when it leaves it), which is
 * cheaper per bar than a deque and gives the same values.
 */
export function hlcExtremes(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: HlcExtremes): HlcExtremes {
  const n = close.length;
  const hh = out.highest;
  const ll = out.lowest;
  let segStart = 0; // first bar of the current clean segment
  let hiIdx = -1;
  let loIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = 0; i < n; i++) {
    if (i - segStart >= period) {
      // Steady state: the same updates without the warm-up branches, until the next gap.
      for (; i < n; i++) {
        const h = high[i]!;
        const l = low[i]!;
        const c = close[i]!;
        if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) break;
        const trailing = i - period + 1;
        // A new extreme moves the index without a data-dependent branch (+(cond) is 0 or 1; it mispredicts often).
        if (hiIdx < trailing) hiIdx = argMaxNewest(high, trailing, i);
        else hiIdx += +(h >= highest) * (i - hiIdx);
        highest = high[hiIdx]!;
        if (loIdx < trailing) loIdx = argMinNewest(low, trailing, i);
        else loIdx += +(l <= lowest) * (i - loIdx);
        lowest = low[loIdx]!;
        hh[i] = highest;
        ll[i] = lowest;
      }
      if (i === n) break;
    }
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) {
      segStart = i + 1;
      hiIdx = -1;
      loIdx = -1;
      hh[i] = NaN;
      ll[i] = NaN;
      continue;
    }
    const trailing = i - period + 1 > segStart ? i - period + 1 : segStart;
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
    const defined = i - segStart + 1 >= period;
    hh[i] = defined ? highest : NaN;
    ll[i] = defined ? lowest : NaN;
  }
  return out;
}

/** Same view: same buffer, same offset, same length. */
function sameView(a: Float64Array, b: Float64Array): boolean {
  return a === b || (a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length);
}

/** An intermediate keyed by the high/low/close views and a period. */
interface HlcEntry {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  period: number;
  value: HlcExtremes;
}

/** An intermediate keyed by one input view and a period. */
interface SourceEntry {
  x: Float64Array;
  period: number;
  value: Float64Array;
}

interface SeriesEntry {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  period: number;
  value: Float64Array;
}

function findEntry<E extends { high: Float64Array; low: Float64Array; close: Float64Array; period: number }>(
  entries: E[],
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): E | undefined {
  for (const e of entries) {
    if (e.period === period && sameView(e.close, close) && sameView(e.high, high) && sameView(e.low, low)) return e;
  }
  return undefined;
}

/** Shared intermediates of one pass over one series' bars (see the module comment). */
export class IndicatorCache {
  private readonly pool: Float64Array<ArrayBuffer>[] = [];
  private used = 0;
  private readonly hlc: HlcEntry[] = [];
  private readonly atrs: SeriesEntry[] = [];
  private readonly smas: SourceEntry[] = [];

  /** Forgets every intermediate (keeps the buffers for the next series). */
  clear(): this {
    this.used = 0;
    this.hlc.length = 0;
    this.atrs.length = 0;
    this.smas.length = 0;
    return this;
  }

  /** A pooled buffer of n values, valid until the next clear (contents unspecified). */
  private buffer(n: number): Float64Array<ArrayBuffer> {
    let buf = this.pool[this.used];
    if (!buf || buf.length < n) {
      buf = new Float64Array(Math.max(n, buf ? Math.ceil(buf.length * 1.5) : 0));
      this.pool[this.used] = buf;
    }
    this.used++;
    return buf.length === n ? buf : buf.subarray(0, n);
  }

  /**
   * Buffers registered as `hlcExtremes(high, low, close, period)`, for a computation that tracks these extremes
   * anyway (STOCH's kernel) and must fill them before returning; undefined when this pass already has them.
   */
  provideHlcExtremes(high: Float64Array, low: Float64Array, close: Float64Array, period: number): HlcExtremes | undefined {
    if (findEntry(this.hlc, high, low, close, period)) return undefined;
    const n = close.length;
    const value = { highest: this.buffer(n), lowest: this.buffer(n) };
    this.hlc.push({ high, low, close, period, value });
    return value;
  }

  /** `hlcExtremes(high, low, close, period)`, computed on the first request of the pass. Do not write to it. */
  hlcExtremes(high: Float64Array, low: Float64Array, close: Float64Array, period: number): HlcExtremes {
    const hit = findEntry(this.hlc, high, low, close, period);
    if (hit) return hit.value;
    const n = close.length;
    const value = hlcExtremes(high, low, close, period, { highest: this.buffer(n), lowest: this.buffer(n) });
    this.hlc.push({ high, low, close, period, value });
    return value;
  }

  /** SMA(period) of x if a computation of this pass left it here (BBANDS' middle band). Do not write to it. */
  sma(x: Float64Array, period: number): Float64Array | undefined {
    for (const e of this.smas) if (e.period === period && sameView(e.x, x)) return e.value;
    return undefined;
  }

  /** A buffer registered as SMA(period) of x, to be filled before returning; undefined when this pass has it. */
  provideSma(x: Float64Array, period: number): Float64Array | undefined {
    if (this.sma(x, period)) return undefined;
    const value = this.buffer(x.length);
    this.smas.push({ x, period, value });
    return value;
  }

  /**
   * ATR(period) of these bars if a computation of this pass left it here (ADX computes it alongside at almost no
   * cost, see `adx`): read it instead of running ATR again. Do not write to it.
   */
  atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array | undefined {
    return findEntry(this.atrs, high, low, close, period)?.value;
  }

  /**
   * A buffer registered as ATR(period) of these bars, for a computation that produces it as a by-product and must
   * fill it before returning (`adx(…, atrOut)`); undefined when this pass already has it.
   */
  provideAtr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array | undefined {
    if (findEntry(this.atrs, high, low, close, period)) return undefined;
    const value = this.buffer(close.length);
    this.atrs.push({ high, low, close, period, value });
    return value;
  }
}
