/**
 * FeatureContext: the per-symbol working state of one feature-matrix computation.
 *
 * It holds the (adjusted) bar columns and a pool of scratch Float64Arrays, and memoises
 * intermediates that several features share (1-bar returns, moving averages, MACD, Bollinger bands,
 * ADX, …), so each is computed once per symbol. Reuse one context across symbols (pass it as
 * `computeFeatures(bars, { context })`): its buffers grow to the longest series seen and are then
 * reused, so a run over many symbols allocates nothing but a few small objects per symbol.
 *
 * Every intermediate follows the lib/indicators conventions: value i reads bars [0..i] only.
 */
import type { BarColumns } from "@/lib/bars/columns";
import { adx, type AdxResult } from "@/lib/indicators/adx";
import { aroon, type AroonResult } from "@/lib/indicators/aroon";
import { bbands, type BbandsResult } from "@/lib/indicators/bollinger";
import { macd, type MacdResult } from "@/lib/indicators/macd";
import { IndicatorCache } from "@/lib/indicators/shared";
import { stoch, type StochResult } from "@/lib/indicators/stochastic";
import { NA, rollingMeanStd, rollingSum } from "./rolling";

export type PriceField = "open" | "high" | "low" | "close" | "volume";

/** Checks the BarColumns contract the features rely on (same length everywhere). */
export function assertBarColumns(bars: BarColumns): void {
  const n = bars.length;
  for (const f of ["ts", "open", "high", "low", "close", "volume"] as const) {
    if (bars[f].length < n) throw new RangeError(`bars.${f} has ${bars[f].length} values, bars.length is ${n}`);
  }
}

export class FeatureContext {
  /** Bars of the current symbol (ADJUSTED prices), views of exactly `n` values. */
  ts: Float64Array = new Float64Array(0);
  open: Float64Array = new Float64Array(0);
  high: Float64Array = new Float64Array(0);
  low: Float64Array = new Float64Array(0);
  close: Float64Array = new Float64Array(0);
  volume: Float64Array = new Float64Array(0);
  n = 0;

  private capacity = 0;
  private readonly pool: Float64Array<ArrayBuffer>[] = [];
  private used = 0;
  private readonly memo = new Map<string, unknown>();
  /** Indicator intermediates shared by several features (e.g. STOCH and WILLR extremes); cleared per symbol. */
  readonly indicators = new IndicatorCache();

  /** Points the context at a new symbol's bars and releases every scratch buffer. */
  reset(bars: BarColumns): this {
    assertBarColumns(bars);
    const n = bars.length;
    this.n = n;
    this.ts = bars.ts.subarray(0, n);
    this.open = bars.open.subarray(0, n);
    this.high = bars.high.subarray(0, n);
    this.low = bars.low.subarray(0, n);
    this.close = bars.close.subarray(0, n);
    this.volume = bars.volume.subarray(0, n);
    if (n > this.capacity) {
      // Grow with headroom so a universe of slightly different lengths does not reallocate.
      this.capacity = Math.max(n, Math.ceil(this.capacity * 1.5));
      this.pool.length = 0;
    }
    this.used = 0;
    this.memo.clear();
    this.indicators.clear();
    return this;
  }

  /** A scratch buffer of length n, valid until the next `reset` (contents unspecified). */
  buffer(): Float64Array<ArrayBuffer> {
    let buf = this.pool[this.used];
    if (!buf) {
      buf = new Float64Array(this.capacity);
      this.pool.push(buf);
    }
    this.used++;
    return buf.length === this.n ? buf : buf.subarray(0, this.n);
  }

  /** A scratch buffer shared by every caller (overwritten by the next user; never memoise it). */
  scratch(): Float64Array<ArrayBuffer> {
    return this.cached("scratch", () => this.buffer());
  }

  /** Memoised intermediate: computed by `make` on first use for the current symbol. */
  cached<T>(key: string, make: () => T): T {
    let v = this.memo.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      this.memo.set(key, v);
    }
    return v;
  }

  // ─── Shared intermediates ─────────────────────────────────────────────────────────────

  /** 1-bar simple return close[i]/close[i−1] − 1 (NaN at 0). */
  ret1(): Float64Array {
    return this.cached("ret1", () => {
      const c = this.close;
      const out = this.buffer();
      if (this.n > 0) out[0] = NA;
      for (let i = 1; i < this.n; i++) out[i] = c[i]! / c[i - 1]! - 1;
      return out;
    });
  }

  /** 1-bar price change close[i] − close[i−1] (NaN at 0). */
  diff1(): Float64Array {
    return this.cached("diff1", () => {
      const c = this.close;
      const out = this.buffer();
      if (this.n > 0) out[0] = NA;
      for (let i = 1; i < this.n; i++) out[i] = c[i]! - c[i - 1]!;
      return out;
    });
  }

  /** Rolling sum of a bar field (moving averages, volume windows). */
  sum(field: PriceField, w: number): Float64Array {
    return this.cached(`sum:${field}:${w}`, () => rollingSum(this[field], w, this.buffer()));
  }

  /** Rolling mean and sample standard deviation (Welford) of a bar field. */
  meanStd(field: PriceField, w: number): { mean: Float64Array; std: Float64Array } {
    return this.cached(`meanStd:${field}:${w}`, () => {
      const mean = this.buffer();
      const std = this.buffer();
      rollingMeanStd(this[field], w, mean, std);
      return { mean, std };
    });
  }

  /** Rolling sample standard deviation of 1-bar returns. */
  retStd(w: number): Float64Array {
    return this.cached(`retStd:${w}`, () => {
      const std = this.buffer();
      rollingMeanStd(this.ret1(), w, null, std);
      return std;
    });
  }

  macd(): MacdResult {
    return this.cached("macd", () => macd(this.close, 12, 26, 9, { macd: this.buffer(), signal: this.buffer(), hist: this.buffer() }));
  }

  bbands(w: number): BbandsResult {
    return this.cached(`bbands:${w}`, () =>
      bbands(this.close, w, 2, 2, { upper: this.buffer(), middle: this.buffer(), lower: this.buffer(), percentB: this.buffer(), bandwidth: this.buffer() }),
    );
  }

  /** ADX, +DI, −DI; the same pass leaves ATR(w) in `indicators` (see `atr`). */
  adx(w: number): AdxResult {
    return this.cached(`adx:${w}`, () =>
      adx(
        this.high,
        this.low,
        this.close,
        w,
        { adx: this.buffer(), plusDi: this.buffer(), minusDi: this.buffer() },
        this.indicators.provideAtr(this.high, this.low, this.close, w),
      ),
    );
  }

  /** ATR(w) (Wilder), computed in the ADX(w) pass (bit-identical to `atr`; almost free next to ADX). */
  atr(w: number): Float64Array {
    this.adx(w);
    const a = this.indicators.atr(this.high, this.low, this.close, w);
    if (!a) throw new Error(`FeatureContext: ATR(${w}) missing after ADX(${w})`); // adx(w) always provides it
    return a;
  }

  stoch(fastK: number, slowK: number, slowD: number): StochResult {
    return this.cached(`stoch:${fastK}:${slowK}:${slowD}`, () =>
      stoch(this.high, this.low, this.close, { fastK, slowK, slowKMa: "sma", slowD, slowDMa: "sma" }, { k: this.buffer(), d: this.buffer() }, this.indicators),
    );
  }

  aroon(w: number): AroonResult {
    return this.cached(`aroon:${w}`, () => aroon(this.high, this.low, w, { up: this.buffer(), down: this.buffer(), oscillator: this.buffer() }));
  }
}
