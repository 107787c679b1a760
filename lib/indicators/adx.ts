/**
 * ADX with +DI and −DI (TA_ADX / TA_PLUS_DI / TA_MINUS_DI, unstable period 0), one pass.
 *
 * +DM/−DM/TR are summed over the first p−1 bars (index 1..p−1), then Wilder-smoothed
 * (s = s − s/p + x). DI = 100·DM/TR (0 when TR is zero), first value at index p.
 * DX = 100·|−DI − +DI|/(−DI + +DI). ADX at index 2p−1 is the mean of the first p DX values
 * (a bar where TR or DI+ + DI− is zero contributes 0), then ADX = (ADX·(p−1) + DX)/p, left
 * unchanged on such bars. Period 1 uses the same formulas (TA-Lib special-cases DI(1) to a raw,
 * unscaled ratio; we do not).
 */
import type { HlcBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, assertSameLength, Incremental, isMissing, isZero, TA_EPSILON } from "./core";
import { trueRangeOf } from "./atr";

export interface AdxValue {
  adx: number;
  plusDi: number;
  minusDi: number;
}
export type AdxResult = { [K in keyof AdxValue]: Float64Array };

export class AdxState implements Snapshot<AdxState> {
  readonly period: number;
  /** Lookback of the ADX output; the DI outputs start at `period`. */
  readonly lookback: number;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  /** Bars since the start of the clean segment (capped at 2p). */
  private t = 0;
  private plusDm = 0;
  private minusDm = 0;
  private tr = 0;
  private sumDx = 0;
  private adxValue = 0;
  adx = NaN;
  plusDi = NaN;
  minusDi = NaN;

  constructor(period = 14) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = 2 * period - 1;
  }

  reset(): void {
    this.prevHigh = NaN;
    this.prevLow = NaN;
    this.prevClose = NaN;
    this.t = 0;
    this.plusDm = 0;
    this.minusDm = 0;
    this.tr = 0;
    this.sumDx = 0;
    this.adxValue = 0;
    this.adx = NaN;
    this.plusDi = NaN;
    this.minusDi = NaN;
  }

  next(high: number, low: number, close: number): void {
    this.adx = NaN;
    this.plusDi = NaN;
    this.minusDi = NaN;
    if (isMissing(high) || isMissing(low) || isMissing(close)) {
      this.reset();
      return;
    }
    const p = this.period;
    const t = this.t;
    if (t < 2 * p) this.t++;
    if (t === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    const tr = trueRangeOf(high, low, this.prevClose);
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;

    if (t < p) {
      // Plain sums over bars 1..p−1.
      if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
      else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
      this.tr += tr;
      return;
    }
    // Wilder smoothing from bar p on.
    this.minusDm -= this.minusDm / p;
    this.plusDm -= this.plusDm / p;
    if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
    this.tr = this.tr - this.tr / p + tr;

    let dx = NaN; // NaN = undefined on this bar (TR or DI sum is zero)
    if (!isZero(this.tr)) {
      const minusDi = 100.0 * (this.minusDm / this.tr);
      const plusDi = 100.0 * (this.plusDm / this.tr);
      this.minusDi = minusDi;
      this.plusDi = plusDi;
      const sum = minusDi + plusDi;
      if (!isZero(sum)) dx = 100.0 * (Math.abs(minusDi - plusDi) / sum);
    } else {
      this.minusDi = 0.0;
      this.plusDi = 0.0;
    }

    if (t < 2 * p - 1) {
      if (!Number.isNaN(dx)) this.sumDx += dx;
      return;
    }
    if (t === 2 * p - 1) {
      if (!Number.isNaN(dx)) this.sumDx += dx;
      this.adxValue = this.sumDx / p;
    } else if (!Number.isNaN(dx)) {
      this.adxValue = (this.adxValue * (p - 1) + dx) / p;
    }
    this.adx = this.adxValue;
  }

  copyFrom(o: AdxState): void {
    this.prevHigh = o.prevHigh;
    this.prevLow = o.prevLow;
    this.prevClose = o.prevClose;
    this.t = o.t;
    this.plusDm = o.plusDm;
    this.minusDm = o.minusDm;
    this.tr = o.tr;
    this.sumDx = o.sumDx;
    this.adxValue = o.adxValue;
    this.adx = o.adx;
    this.plusDi = o.plusDi;
    this.minusDi = o.minusDi;
  }
}

function alloc(n: number): AdxResult {
  return { adx: new Float64Array(n), plusDi: new Float64Array(n), minusDi: new Float64Array(n) };
}

/**
 * ADX, +DI and −DI. With `atrOut`, also ATR(period) of the same bars (AtrState's arithmetic, bit-identical to
 * `atr`): it reads the same true range and resets on the same missing values, and its Wilder recurrence is a
 * chain of dependent operations that runs in the shadow of ADX's own, so the pair costs about one ADX instead of
 * ADX + ATR (the panel, NATR next to ADX in the features).
 */
export function adx(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
  out: AdxResult = alloc(close.length),
  atrOut?: Float64Array,
): AdxResult {
  assertSameLength(high, low, close);
  assertPeriod("period", period);
  if (atrOut && atrOut.length !== close.length) throw new RangeError(`atrOut holds ${atrOut.length} values, expected ${close.length}`);
  // AdxState as one tight loop over locals: the same operations in the same order, so bit-identical.
  const p = period;
  const n = close.length;
  const outAdx = out.adx;
  const outPlus = out.plusDi;
  const outMinus = out.minusDi;
  const withAtr = atrOut !== undefined;
  const outAtr = atrOut ?? outAdx; // never written without atrOut
  let atrValue = 0; // AtrState.atr: the sum of the first p true ranges, then their Wilder average
  let prevHigh = NaN;
  let prevLow = NaN;
  let prevClose = NaN;
  let t = 0; // bars since the start of the clean segment (capped at 2p)
  let plusDm = 0;
  let minusDm = 0;
  let trSum = 0;
  let sumDx = 0;
  let adxValue = 0;
  for (let i = 0; i < n; i++) {
    if (t === 2 * p) {
      // Steady state (ADX defined): the same updates without the warm-up branches, until the next gap.
      for (; i < n; i++) {
        const h = high[i]!;
        const l = low[i]!;
        const c = close[i]!;
        if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) break;
        const diffP = h - prevHigh;
        const diffM = prevLow - l;
        let tr = h - l;
        const v2 = Math.abs(prevClose - h);
        if (v2 > tr) tr = v2;
        const v3 = Math.abs(l - prevClose);
        if (v3 > tr) tr = v3;
        prevHigh = h;
        prevLow = l;
        prevClose = c;
        // The DM updates without data-dependent branches: x·0 is ±0 for finite x and DM sums are never −0, so adding
        // the other branch's zero leaves them unchanged; a non-finite difference (overflow) takes the branches instead.
        const mSel = +(diffM > 0) & +(diffP < diffM);
        const pSel = (mSel ^ 1) & +(diffP > 0) & +(diffP > diffM);
        let mDm = minusDm - minusDm / p + diffM * mSel;
        let pDm = plusDm - plusDm / p + diffP * pSel;
        if (mDm !== mDm || pDm !== pDm) {
          mDm = minusDm - minusDm / p;
          pDm = plusDm - plusDm / p;
          if (diffM > 0 && diffP < diffM) mDm += diffM;
          else if (diffP > 0 && diffP > diffM) pDm += diffP;
        }
        minusDm = mDm;
        plusDm = pDm;
        trSum = trSum - trSum / p + tr;
        if (withAtr) {
          atrValue *= p - 1;
          atrValue += tr;
          atrValue /= p;
          outAtr[i] = atrValue;
        }
        if (!(-TA_EPSILON < trSum && trSum < TA_EPSILON)) {
          const minusDi = 100.0 * (minusDm / trSum);
          const plusDi = 100.0 * (plusDm / trSum);
          outMinus[i] = minusDi;
          outPlus[i] = plusDi;
          const sum = minusDi + plusDi;
          if (!(-TA_EPSILON < sum && sum < TA_EPSILON)) {
            const dx = 100.0 * (Math.abs(minusDi - plusDi) / sum);
            if (!Number.isNaN(dx)) adxValue = (adxValue * (p - 1) + dx) / p;
          }
        } else {
          outMinus[i] = 0.0;
          outPlus[i] = 0.0;
        }
        outAdx[i] = adxValue;
      }
      if (i === n) break;
    }
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) {
      t = 0;
      plusDm = 0;
      minusDm = 0;
      trSum = 0;
      sumDx = 0;
      adxValue = 0;
      atrValue = 0;
      outAdx[i] = NaN;
      outPlus[i] = NaN;
      outMinus[i] = NaN;
      if (withAtr) outAtr[i] = NaN;
      continue;
    }
    const ti = t;
    if (ti < 2 * p) t++;
    if (ti === 0) {
      prevHigh = h;
      prevLow = l;
      prevClose = c;
      outAdx[i] = NaN;
      outPlus[i] = NaN;
      outMinus[i] = NaN;
      if (withAtr) outAtr[i] = NaN;
      continue;
    }
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    // trueRangeOf(high, low, prevClose)
    let tr = h - l;
    const v2 = Math.abs(prevClose - h);
    if (v2 > tr) tr = v2;
    const v3 = Math.abs(l - prevClose);
    if (v3 > tr) tr = v3;
    prevHigh = h;
    prevLow = l;
    prevClose = c;
    if (withAtr) {
      // AtrState: the true ranges of bars 1..p are summed, averaged at bar p, then Wilder-smoothed.
      if (ti <= p) {
        atrValue += tr;
        if (ti === p) atrValue = atrValue / p;
      } else {
        atrValue *= p - 1;
        atrValue += tr;
        atrValue /= p;
      }
      outAtr[i] = ti < p ? NaN : atrValue;
    }

    if (ti < p) {
      if (diffM > 0 && diffP < diffM) minusDm += diffM;
      else if (diffP > 0 && diffP > diffM) plusDm += diffP;
      trSum += tr;
      outAdx[i] = NaN;
      outPlus[i] = NaN;
      outMinus[i] = NaN;
      continue;
    }
    minusDm -= minusDm / p;
    plusDm -= plusDm / p;
    if (diffM > 0 && diffP < diffM) minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) plusDm += diffP;
    trSum = trSum - trSum / p + tr;

    let dx = NaN;
    if (!(-TA_EPSILON < trSum && trSum < TA_EPSILON)) {
      const minusDi = 100.0 * (minusDm / trSum);
      const plusDi = 100.0 * (plusDm / trSum);
      outMinus[i] = minusDi;
      outPlus[i] = plusDi;
      const sum = minusDi + plusDi;
      if (!(-TA_EPSILON < sum && sum < TA_EPSILON)) dx = 100.0 * (Math.abs(minusDi - plusDi) / sum);
    } else {
      outMinus[i] = 0.0;
      outPlus[i] = 0.0;
    }

    if (ti < 2 * p - 1) {
      if (!Number.isNaN(dx)) sumDx += dx;
      outAdx[i] = NaN;
      continue;
    }
    if (ti === 2 * p - 1) {
      if (!Number.isNaN(dx)) sumDx += dx;
      adxValue = sumDx / p;
    } else if (!Number.isNaN(dx)) {
      adxValue = (adxValue * (p - 1) + dx) / p;
    }
    outAdx[i] = adxValue;
  }
  return out;
}

export function adxIncremental(period = 14): IncrementalIndicator<HlcBar, AdxValue> {
  return new Incremental(
    () => new AdxState(period),
    (s, b: HlcBar) => {
      s.next(b.high, b.low, b.close);
      return { adx: s.adx, plusDi: s.plusDi, minusDi: s.minusDi };
    },
  );
}
