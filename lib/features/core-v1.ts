/**
 * Feature set `core-v1`: the definitions, in STORAGE ORDER.
 *
 * FROZEN once values are stored: the order, names and formulas of this list define what every
 * stored `real[]` vector means (db feature_values / feature_sets). Do not reorder, rename, insert
 * or change a formula here; define `core-v2` instead (it may reuse these definitions).
 * registry.test.ts pins the names and the hash.
 *
 * Inputs are ADJUSTED bars (split/dividend adjusted OHLC, split-adjusted volume; lib/bars/adjust.ts).
 * Every feature is scale-free: prices enter only as ratios (normalised by the last close, or by the
 * bar's range), volumes only relative to other volumes, oscillators are divided by 100. So
 * multiplying all prices by k (and/or volumes by any factor) leaves every value unchanged, and the
 * continuity that adjustment restores across splits is what makes the windows meaningful.
 *
 * Per-feature contract (lib/features/README.md): out[i] reads bars [0..i] only, NaN before
 * `lookback`, a non-finite input resets the windows that read it.
 */
import { natrOfAtr } from "@/lib/indicators/atr";
import { cci, willr } from "@/lib/indicators/oscillators";
import { rsi } from "@/lib/indicators/rsi";
import { mfi } from "@/lib/indicators/volume";
import { civilFromDays, daysInMonth, dayNumber, weekdayOf, weekdaysAfter } from "./calendar";
import type { FeatureContext } from "./context";
import { csRank, csZScore } from "./cross-section";
import { missing, NA, rollingCorr, rollingExtreme, rollingRank, rollingSlope, rollingSum } from "./rolling";
import type { CrossSectionOp, CsFeatureDef, FeatureDef, FeatureGroup, TsFeatureDef } from "./types";

/**
 * Version of the core-v1 formulas. Part of the set hash. Bumping it marks stored core-v1 values as
 * computed by different code (the hash changes); prefer a new set id for any semantic change.
 */
export const CORE_V1_CODE_VERSION = 1;

const ts = (name: string, group: FeatureGroup, lookback: number, description: string, compute: TsFeatureDef["compute"]): TsFeatureDef => ({
  kind: "ts",
  name,
  group,
  lookback,
  description,
  compute,
});

/** Fills out[0..k) with NaN (warm-up of a lagged or differenced feature). */
function nanHead(out: Float64Array, k: number): void {
  out.fill(NA, 0, Math.min(k, out.length));
}

// ─── K-bar shape ──────────────────────────────────────────────────────────────────────────

interface KbarColumns {
  KMID: Float64Array;
  KLEN: Float64Array;
  KUP: Float64Array;
  KLOW: Float64Array;
  KSFT: Float64Array;
  KMID2: Float64Array;
  KUP2: Float64Array;
  KLOW2: Float64Array;
  KSFT2: Float64Array;
}
type KbarName = keyof KbarColumns;

/** kbarColumns' two-slot select: [close, open] read at index +(condition) instead of a branch. */
const PICK = new Float64Array(2);

/**
 * qlib Alpha158 k-bar shapes of every bar in one fused pass: body, range, wicks and close shift,
 * normalised by the bar's close, and (…2) by its range high − low (0 on a zero-range bar; a NaN
 * range stays NaN through the division).
 */
function kbarColumns(ctx: FeatureContext): KbarColumns {
  return ctx.cached("kbar", () => {
    const k: KbarColumns = {
      KMID: ctx.buffer(),
      KLEN: ctx.buffer(),
      KUP: ctx.buffer(),
      KLOW: ctx.buffer(),
      KSFT: ctx.buffer(),
      KMID2: ctx.buffer(),
      KUP2: ctx.buffer(),
      KLOW2: ctx.buffer(),
      KSFT2: ctx.buffer(),
    };
    const { open: o, high: h, low: l, close: c, n } = ctx;
    const pick = PICK;
    for (let i = 0; i < n; i++) {
      const oi = o[i]!;
      const hi = h[i]!;
      const li = l[i]!;
      const ci = c[i]!;
      const mid = ci - oi;
      const range = hi - li;
      // max(open, close) and min(open, close) as `oi > ci ? oi : ci` and `oi < ci ? oi : ci`, selected by index: which
      // one is larger is a coin flip, and the branch mispredicted on every other bar.
      pick[0] = ci;
      pick[1] = oi;
      const up = hi - pick[+(oi > ci)]!;
      const low = pick[+(oi < ci)]! - li;
      const sft = 2 * ci - hi - li;
      // One division per denominator (a product by the reciprocal is within an ulp of the quotient).
      const invC = 1 / ci;
      k.KMID[i] = mid * invC;
      k.KLEN[i] = range * invC;
      k.KUP[i] = up * invC;
      k.KLOW[i] = low * invC;
      k.KSFT[i] = sft * invC;
      if (range !== 0) {
        const invR = 1 / range;
        k.KMID2[i] = mid * invR;
        k.KUP2[i] = up * invR;
        k.KLOW2[i] = low * invR;
        k.KSFT2[i] = sft * invR;
      } else {
        k.KMID2[i] = k.KUP2[i] = k.KLOW2[i] = k.KSFT2[i] = 0;
      }
    }
    return k;
  });
}

/** The k-bar shape `name` of the bar `lag` bars back. */
function kbar(ctx: FeatureContext, out: Float64Array, name: KbarName, lag: number): void {
  const src = kbarColumns(ctx)[name];
  if (lag === 0) {
    out.set(src);
    return;
  }
  nanHead(out, lag);
  if (ctx.n > lag) out.set(src.subarray(0, ctx.n - lag), lag);
}

const KBAR: TsFeatureDef[] = [
  ts("KMID", "kbar", 0, "Body (close − open) / close.", (x, out) => kbar(x, out, "KMID", 0)),
  ts("KLEN", "kbar", 0, "Range (high − low) / close.", (x, out) => kbar(x, out, "KLEN", 0)),
  ts("KUP", "kbar", 0, "Upper wick (high − max(open, close)) / close.", (x, out) => kbar(x, out, "KUP", 0)),
  ts("KLOW", "kbar", 0, "Lower wick (min(open, close) − low) / close.", (x, out) => kbar(x, out, "KLOW", 0)),
  ts("KSFT", "kbar", 0, "Close shift in the bar (2·close − high − low) / close.", (x, out) => kbar(x, out, "KSFT", 0)),
  ts("KMID2", "kbar", 0, "Body (close − open) / (high − low); 0 on a zero-range bar.", (x, out) => kbar(x, out, "KMID2", 0)),
  ts("KUP2", "kbar", 0, "Upper wick / (high − low); 0 on a zero-range bar.", (x, out) => kbar(x, out, "KUP2", 0)),
  ts("KLOW2", "kbar", 0, "Lower wick / (high − low); 0 on a zero-range bar.", (x, out) => kbar(x, out, "KLOW2", 0)),
  ts("KSFT2", "kbar", 0, "Close position in the range (2·close − high − low) / (high − low), in [−1, 1]; 0 on a zero-range bar.", (x, out) =>
    kbar(x, out, "KSFT2", 0),
  ),
  ts("KMID_L1", "kbar", 1, "KMID of the previous bar (its body / its close).", (x, out) => kbar(x, out, "KMID", 1)),
  ts("KLEN_L1", "kbar", 1, "KLEN of the previous bar (its range / its close).", (x, out) => kbar(x, out, "KLEN", 1)),
  ts("KSFT_L1", "kbar", 1, "KSFT of the previous bar ((2·close − high − low) / close of that bar).", (x, out) => kbar(x, out, "KSFT", 1)),
  ts("KMID_L2", "kbar", 2, "KMID of the bar two bars back.", (x, out) => kbar(x, out, "KMID", 2)),
  ts("KLEN_L2", "kbar", 2, "KLEN of the bar two bars back.", (x, out) => kbar(x, out, "KLEN", 2)),
  ts("KSFT_L2", "kbar", 2, "KSFT of the bar two bars back.", (x, out) => kbar(x, out, "KSFT", 2)),
];

// ─── Returns ──────────────────────────────────────────────────────────────────────────────

function rocInto(ctx: FeatureContext, out: Float64Array, w: number): void {
  const c = ctx.close;
  nanHead(out, w);
  for (let i = w; i < ctx.n; i++) out[i] = c[i]! / c[i - w]! - 1;
}

const roc = (w: number) => ts(`ROC${w}`, "return", w, `Return over ${w} bar${w > 1 ? "s" : ""}: close / close[t−${w}] − 1.`, (x, out) => rocInto(x, out, w));

const RETURNS: TsFeatureDef[] = [roc(1), roc(5), roc(10), roc(20), roc(60)];

// ─── Volatility ───────────────────────────────────────────────────────────────────────────

const std = (w: number) =>
  ts(`STD${w}`, "volatility", w, `Sample standard deviation (ddof 1) of the last ${w} one-bar returns.`, (x, out) => out.set(x.retStd(w)));

function stdRatio(ctx: FeatureContext, out: Float64Array, short: number, long: number): void {
  const a = ctx.retStd(short);
  const b = ctx.retStd(long);
  for (let i = 0; i < ctx.n; i++) {
    const d = b[i]!;
    out[i] = d !== 0 ? a[i]! / d : 1; // both windows flat → ratio 1 (a NaN d stays NaN)
  }
}

const VOLATILITY: TsFeatureDef[] = [
  std(5),
  std(20),
  std(60),
  ts("STDR5_20", "volatility", 20, "Volatility ratio STD5 / STD20 (1 when both are 0).", (x, out) => stdRatio(x, out, 5, 20)),
  ts("STDR20_60", "volatility", 60, "Volatility ratio STD20 / STD60 (1 when both are 0).", (x, out) => stdRatio(x, out, 20, 60)),
  ts("NATR14", "volatility", 14, "Average true range (Wilder, 14) / close (TA-Lib NATR / 100).", (x, out) => {
    natrOfAtr(x.atr(14), x.close, out); // = natr(high, low, close, 14): the ATR comes from the ADX14 pass
    for (let i = 0; i < x.n; i++) out[i] = out[i]! * 0.01;
  }),
];

// ─── Trend: moving averages, z-scores, slope ─────────────────────────────────────────────

const ma = (w: number) =>
  ts(`MA${w}`, "trend", w - 1, `Simple moving average of the last ${w} closes / close − 1.`, (x, out) => {
    const s = x.sum("close", w);
    const c = x.close;
    for (let i = 0; i < x.n; i++) out[i] = s[i]! / w / c[i]! - 1;
  });

const zma = (w: number) =>
  ts(`ZMA${w}`, "trend", w - 1, `Z-score of the close in its last ${w} closes: (close − mean) / sample std (0 when flat).`, (x, out) => {
    const { mean, std: sd } = x.meanStd("close", w);
    const c = x.close;
    for (let i = 0; i < x.n; i++) {
      const s = sd[i]!;
      out[i] = s > 0 ? (c[i]! - mean[i]!) / s : s === 0 ? 0 : NA;
    }
  });

const TREND: TsFeatureDef[] = [
  ma(5),
  ma(10),
  ma(20),
  ma(60),
  zma(20),
  zma(60),
  ts("BETA20", "trend", 19, "Least-squares slope of the last 20 closes per bar / close.", (x, out) => {
    rollingSlope(x.close, 20, out);
    const c = x.close;
    for (let i = 0; i < x.n; i++) out[i] = out[i]! / c[i]!;
  }),
];

// ─── Indicators (lib/indicators kernels, TA-Lib exact) ───────────────────────────────────

/** out[i] = src[i] · k */
function scaled(out: Float64Array, src: Float64Array, k: number): void {
  for (let i = 0; i < out.length; i++) out[i] = src[i]! * k;
}

const INDICATORS: TsFeatureDef[] = [
  ts("RSI6", "indicator", 6, "RSI(6), Wilder, / 100.", (x, out) => {
    rsi(x.close, 6, out);
    scaled(out, out, 0.01);
  }),
  ts("RSI14", "indicator", 14, "RSI(14), Wilder, / 100.", (x, out) => {
    rsi(x.close, 14, out);
    scaled(out, out, 0.01);
  }),
  ts("MACD", "indicator", 33, "MACD line (EMA12 − EMA26 of close) / close.", (x, out) => {
    const m = x.macd().macd;
    for (let i = 0; i < x.n; i++) out[i] = m[i]! / x.close[i]!;
  }),
  ts("MACDH", "indicator", 33, "MACD histogram (MACD − signal EMA9) / close.", (x, out) => {
    const h = x.macd().hist;
    for (let i = 0; i < x.n; i++) out[i] = h[i]! / x.close[i]!;
  }),
  ts("BBP20", "indicator", 19, "Bollinger %B (20, 2σ population): (close − lower) / (upper − lower); 0.5 on zero width.", (x, out) =>
    out.set(x.bbands(20).percentB),
  ),
  ts("BBW20", "indicator", 19, "Bollinger bandwidth (20, 2σ): (upper − lower) / middle.", (x, out) => out.set(x.bbands(20).bandwidth)),
  ts("ADX14", "indicator", 27, "ADX(14) / 100.", (x, out) => scaled(out, x.adx(14).adx, 0.01)),
  ts("PDI14", "indicator", 14, "+DI(14) / 100.", (x, out) => scaled(out, x.adx(14).plusDi, 0.01)),
  ts("MDI14", "indicator", 14, "−DI(14) / 100.", (x, out) => scaled(out, x.adx(14).minusDi, 0.01)),
  ts("STOCHK14", "indicator", 17, "Slow stochastic %K (14, 3 SMA) / 100.", (x, out) => scaled(out, x.stoch(14, 3, 3).k, 0.01)),
  ts("STOCHD14", "indicator", 17, "Slow stochastic %D (14, 3, 3 SMA) / 100.", (x, out) => scaled(out, x.stoch(14, 3, 3).d, 0.01)),
  ts("CCI20", "indicator", 19, "Commodity channel index (20) / 100.", (x, out) => {
    cci(x.high, x.low, x.close, 20, out);
    scaled(out, out, 0.01);
  }),
  ts("WILLR14", "indicator", 13, "Williams %R (14) / 100, in [−1, 0].", (x, out) => {
    willr(x.high, x.low, x.close, 14, out, x.indicators); // the window extremes of STOCHK14/STOCHD14
    scaled(out, out, 0.01);
  }),
  ts("MFI14", "indicator", 14, "Money flow index (14) / 100.", (x, out) => {
    mfi(x.high, x.low, x.close, x.volume, 14, out);
    scaled(out, out, 0.01);
  }),
  ts("AROON14", "indicator", 14, "Aroon oscillator (14) / 100 (up − down), in [−1, 1].", (x, out) => scaled(out, x.aroon(14).oscillator, 0.01)),
];

// ─── Volume ───────────────────────────────────────────────────────────────────────────────

const relVolume = (w: number) =>
  ts(`VOL${w}`, "volume", w - 1, `Relative volume: volume / mean volume of the last ${w} bars (NaN when that mean is 0).`, (x, out) => {
    const s = x.sum("volume", w);
    const v = x.volume;
    for (let i = 0; i < x.n; i++) out[i] = (v[i]! * w) / s[i]!;
  });

function logVolume(ctx: FeatureContext): Float64Array {
  return ctx.cached("logVolume", () => {
    const v = ctx.volume;
    const out = ctx.buffer();
    for (let i = 0; i < ctx.n; i++) out[i] = Math.log(v[i]!); // 0 volume → −Infinity → resets the window
    return out;
  });
}

/** log(v / v[t−1] + 1): qlib CORD's volume change, scale-free; NaN at 0. */
function logVolumeChange(ctx: FeatureContext): Float64Array {
  return ctx.cached("logVolumeChange", () => {
    const v = ctx.volume;
    const out = ctx.buffer();
    if (ctx.n > 0) out[0] = NA;
    for (let i = 1; i < ctx.n; i++) out[i] = Math.log(v[i]! / v[i - 1]! + 1);
    return out;
  });
}

const corr = (w: number) =>
  ts(`CORR${w}`, "volume", w - 1, `Correlation of close and log volume over the last ${w} bars (0 when either is flat).`, (x, out) =>
    rollingCorr(x.close, logVolume(x), w, out),
  );

const cord = (w: number) =>
  ts(`CORD${w}`, "volume", w, `Correlation of 1-bar returns and log(volume / previous volume + 1) over the last ${w} bars.`, (x, out) =>
    rollingCorr(x.ret1(), logVolumeChange(x), w, out),
  );

const VOLUME: TsFeatureDef[] = [
  relVolume(5),
  relVolume(20),
  relVolume(60),
  ts("VZ20", "volume", 19, "Volume z-score in the last 20 bars: (volume − mean) / sample std (0 when flat).", (x, out) => {
    const { mean, std: sd } = x.meanStd("volume", 20);
    const v = x.volume;
    for (let i = 0; i < x.n; i++) {
      const s = sd[i]!;
      out[i] = s > 0 ? (v[i]! - mean[i]!) / s : s === 0 ? 0 : NA;
    }
  }),
  ts("VSTD20", "volume", 19, "Coefficient of variation of volume over 20 bars: sample std / mean.", (x, out) => {
    const { mean, std: sd } = x.meanStd("volume", 20);
    for (let i = 0; i < x.n; i++) out[i] = sd[i]! / mean[i]!;
  }),
  ts("OBVS20", "volume", 20, "OBV slope: (OBV − OBV[t−20]) / volume of those 20 bars = Σ sign(Δclose)·volume / Σ volume, in [−1, 1].", (x, out) =>
    out.set(upDownColumns(x).OBVS20),
  ),
  ts("VWAP20", "volume", 19, "Rolling 20-bar VWAP of the typical price (h+l+c)/3 / close − 1 (NaN when no volume).", (x, out) => {
    const { high: h, low: l, close: c, volume: v } = x;
    const pv = x.buffer();
    for (let i = 0; i < x.n; i++) pv[i] = ((h[i]! + l[i]! + c[i]!) / 3) * v[i]!;
    rollingSum(pv, 20, out);
    const s = x.sum("volume", 20);
    for (let i = 0; i < x.n; i++) out[i] = out[i]! / s[i]! / c[i]! - 1;
  }),
  corr(10),
  corr(20),
  cord(10),
  cord(20),
];

// ─── Range: window extremes and rank ─────────────────────────────────────────────────────

function extremeRatio(ctx: FeatureContext, out: Float64Array, w: number, isMax: boolean): void {
  rollingExtreme(isMax ? ctx.high : ctx.low, w, isMax, out, ctx.scratch());
  const c = ctx.close;
  for (let i = 0; i < ctx.n; i++) out[i] = out[i]! / c[i]! - 1;
}

const RANGE: TsFeatureDef[] = [
  ts("HIGH252", "range", 251, "52-week high: highest high of the last 252 bars / close − 1 (≥ 0).", (x, out) => extremeRatio(x, out, 252, true)),
  ts("LOW252", "range", 251, "52-week low: lowest low of the last 252 bars / close − 1 (≤ 0).", (x, out) => extremeRatio(x, out, 252, false)),
  ts("MAX20", "range", 19, "Highest high of the last 20 bars / close − 1.", (x, out) => extremeRatio(x, out, 20, true)),
  ts("MIN20", "range", 19, "Lowest low of the last 20 bars / close − 1.", (x, out) => extremeRatio(x, out, 20, false)),
  ts("MAX60", "range", 59, "Highest high of the last 60 bars / close − 1.", (x, out) => extremeRatio(x, out, 60, true)),
  ts("MIN60", "range", 59, "Lowest low of the last 60 bars / close − 1.", (x, out) => extremeRatio(x, out, 60, false)),
  ts("RANK20", "range", 19, "Percentile of the close among the last 20 closes in [0, 1] (ties averaged).", (x, out) => rollingRank(x.close, 20, out)),
];

// ─── Up / down days ───────────────────────────────────────────────────────────────────────

interface UpDownColumns {
  CNTP20: Float64Array;
  CNTN20: Float64Array;
  SUMP20: Float64Array;
  OBVS20: Float64Array;
}

/**
 * The close-change features over the last 20 changes (bars i−19..i), in one pass of sliding sums:
 * up and down counts, Σ gains and Σ |changes|, and Σ sign(change)·volume with Σ volume. Counts are
 * exact, so a window without any change is recognised exactly (SUMP 0.5, OBVS 0) rather than from a
 * sliding-sum residual. A missing close resets everything; a missing volume resets the OBV sums only.
 */
function upDownColumns(ctx: FeatureContext): UpDownColumns {
  return ctx.cached("updown20", () => {
    const w = 20;
    const inv = 1 / w;
    const cols: UpDownColumns = { CNTP20: ctx.buffer(), CNTN20: ctx.buffer(), SUMP20: ctx.buffer(), OBVS20: ctx.buffer() };
    const { CNTP20: cntp, CNTN20: cntn, SUMP20: sump, OBVS20: obvs } = cols;
    const { close: c, volume: v, n } = ctx;
    let up = 0;
    let down = 0;
    let gain = 0;
    let moved = 0; // Σ |change|
    let runC = 0;
    let signed = 0;
    let vol = 0;
    let runV = 0;
    // Branch-free: whether a change is up or down is a coin flip, so its counts and sums are updated with 0/1
    // factors (+(d > 0) is 0 or 1 without a branch). Exact, and the same sums as adding only when the condition
    // holds: 1·x and −1·x are exact, and adding 0·x = ±0 or |0| leaves a sum unchanged (the sums are never −0).
    for (let i = 0; i < n; i++) {
      const d = i > 0 ? c[i]! - c[i - 1]! : NA;
      if (missing(d)) {
        up = down = gain = moved = signed = vol = 0;
        runC = runV = 0;
        cntp[i] = cntn[i] = sump[i] = obvs[i] = NA;
        continue;
      }
      runC++;
      const isUp = +(d > 0);
      const isDown = +(d < 0);
      up += isUp;
      down += isDown;
      gain += isUp * d;
      moved += Math.abs(d);
      // The change leaving the window (same arithmetic as when it entered); its sign also serves the OBV sums.
      let oSign = 0;
      if (runC > w) {
        const od = c[i - w]! - c[i - w - 1]!;
        const oUp = +(od > 0);
        const oDown = +(od < 0);
        up -= oUp;
        down -= oDown;
        gain -= oUp * od;
        moved -= Math.abs(od);
        oSign = oUp - oDown;
      }
      const vi = v[i]!;
      if (missing(vi)) {
        signed = vol = 0;
        runV = 0;
      } else {
        runV++;
        signed += (isUp - isDown) * vi;
        vol += vi;
        if (runV > w) {
          const ov = v[i - w]!;
          // runV > w implies runC > w: oSign is the sign of the change at i − w.
          signed -= oSign * ov;
          vol -= ov;
        }
      }
      if (runC >= w) {
        cntp[i] = up * inv;
        cntn[i] = down * inv;
        sump[i] = up + down > 0 ? gain / moved : 0.5;
      } else {
        cntp[i] = cntn[i] = sump[i] = NA;
      }
      // runV ≥ w implies runC ≥ w: both windows are the same 20 bars.
      obvs[i] = runV < w ? NA : up + down === 0 || vol === 0 ? 0 : signed / vol;
    }
    return cols;
  });
}

const UPDOWN: TsFeatureDef[] = [
  ts("CNTP20", "updown", 20, "Share of up bars (close > previous close) among the last 20.", (x, out) => out.set(upDownColumns(x).CNTP20)),
  ts("CNTN20", "updown", 20, "Share of down bars (close < previous close) among the last 20.", (x, out) => out.set(upDownColumns(x).CNTN20)),
  ts("SUMP20", "updown", 20, "Σ gains / Σ |changes| of the close over the last 20 bars (RSI with plain sums); 0.5 when flat.", (x, out) =>
    out.set(upDownColumns(x).SUMP20),
  ),
];

// ─── Calendar (UTC date of the bar's ts) ─────────────────────────────────────────────────

interface CalendarColumns {
  /** Weekday, Monday = 0 … Sunday = 6. */
  dow: Float64Array;
  /** Day of month 1–31. */
  dom: Float64Array;
  /** Month 1–12. */
  month: Float64Array;
  /** Weekdays left in the month after the date. */
  dtme: Float64Array;
}

/** WEEKDAYS_AFTER[wd · 32 + k]: Monday–Friday dates among the k days after a weekday wd (k ≤ 31). */
const WEEKDAYS_AFTER = new Float64Array(7 * 32);
for (let wd = 0; wd < 7; wd++) for (let k = 0; k < 32; k++) WEEKDAYS_AFTER[wd * 32 + k] = weekdaysAfter(wd, k);

/**
 * Calendar fields of every bar, in one pass. Consecutive bars usually fall in the same month, so the
 * date is advanced by the day difference and the full civil-date conversion runs once per month.
 */
function calendarColumns(ctx: FeatureContext): CalendarColumns {
  return ctx.cached("calendar", () => {
    const cols: CalendarColumns = { dow: ctx.buffer(), dom: ctx.buffer(), month: ctx.buffer(), dtme: ctx.buffer() };
    const t = ctx.ts;
    const ymd = { y: 0, m: 0, d: 0 };
    let prevDays = NA;
    let dim = 0;
    let wd = 0;
    for (let i = 0; i < ctx.n; i++) {
      const ti = t[i]!;
      if (missing(ti)) {
        cols.dow[i] = cols.dom[i] = cols.month[i] = cols.dtme[i] = NA;
        prevDays = NA;
        continue;
      }
      const days = dayNumber(ti);
      const step = days - prevDays; // NaN after a missing ts or at the start
      if (step >= 0 && step < 7 && ymd.d + step <= dim) {
        ymd.d += step;
        wd += step;
        if (wd >= 7) wd -= 7;
      } else {
        civilFromDays(days, ymd);
        dim = daysInMonth(ymd.y, ymd.m);
        wd = weekdayOf(days);
      }
      prevDays = days;
      cols.dow[i] = wd;
      cols.dom[i] = ymd.d;
      cols.month[i] = ymd.m;
      cols.dtme[i] = WEEKDAYS_AFTER[wd * 32 + dim - ymd.d]!;
    }
    return cols;
  });
}

const CALENDAR: TsFeatureDef[] = [
  ts("DOW", "calendar", 0, "Day of week of the bar's UTC date, Monday = 0 … Sunday = 1 (weekday / 6).", (x, out) => scaled(out, calendarColumns(x).dow, 1 / 6)),
  ts("DOM", "calendar", 0, "Day of month, (day − 1) / 30.", (x, out) => {
    const d = calendarColumns(x).dom;
    for (let i = 0; i < x.n; i++) out[i] = (d[i]! - 1) / 30;
  }),
  ts("MONTH", "calendar", 0, "Month, (month − 1) / 11.", (x, out) => {
    const m = calendarColumns(x).month;
    for (let i = 0; i < x.n; i++) out[i] = (m[i]! - 1) / 11;
  }),
  ts("DTME", "calendar", 0, "Weekdays (Mon–Fri) left in the month after this date (holidays ignored: no look-ahead).", (x, out) =>
    out.set(calendarColumns(x).dtme),
  ),
  ts("MEND", "calendar", 0, "Month-end flag: 1 on the last weekday of the month, else 0.", (x, out) => {
    const left = calendarColumns(x).dtme;
    for (let i = 0; i < x.n; i++) {
      const v = left[i]!;
      out[i] = v === 0 ? 1 : v > 0 ? 0 : NA;
    }
  }),
];

// ─── Cross-sectional ──────────────────────────────────────────────────────────────────────

export const TIME_SERIES_FEATURES: readonly TsFeatureDef[] = [
  ...KBAR,
  ...RETURNS,
  ...VOLATILITY,
  ...TREND,
  ...INDICATORS,
  ...VOLUME,
  ...RANGE,
  ...UPDOWN,
  ...CALENDAR,
];

function cs(op: CrossSectionOp, base: string): CsFeatureDef {
  const def = TIME_SERIES_FEATURES.find((f) => f.name === base);
  if (!def) throw new Error(`core-v1: cross-sectional base ${base} is not a time-series feature of the set`);
  return {
    kind: "cs",
    name: `${op === "rank" ? "CSRANK" : "CSZ"}_${base}`,
    group: "cross-section",
    lookback: def.lookback,
    description:
      op === "rank"
        ? `Cross-sectional percentile rank of ${base} across the symbols at this timestamp, in [0, 1] (ties averaged).`
        : `Cross-sectional z-score of ${base} across the symbols at this timestamp (population std).`,
    base,
    op,
    compute: op === "rank" ? csRank : csZScore,
  };
}

export const CROSS_SECTIONAL_FEATURES: readonly CsFeatureDef[] = [
  cs("rank", "ROC5"),
  cs("rank", "ROC20"),
  cs("zscore", "ROC20"),
  cs("rank", "ROC60"),
  cs("rank", "STD20"),
  cs("rank", "VOL20"),
  cs("rank", "RSI14"),
  cs("zscore", "MA20"),
  cs("rank", "HIGH252"),
];

/** core-v1 in storage order: time-series features, then cross-sectional ones. */
export const CORE_V1_FEATURES: readonly FeatureDef[] = [...TIME_SERIES_FEATURES, ...CROSS_SECTIONAL_FEATURES];
