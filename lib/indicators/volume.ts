/**
 * Volume indicators: OBV and MFI (TA-Lib semantics), CMF (Chaikin money flow, not in TA-Lib,
 * as StockCharts / trading-signals).
 *
 * - OBV (TA_OBV): starts at the first bar's volume (lookback 0); then ± volume when the close
 *   rises / falls, unchanged when equal.
 * - MFI (TA_MFI): typical price (h+l+c)/3, money flow = tp·volume, positive or negative by the
 *   change of tp (no change: neither). MFI = 100·pos/(pos+neg) over the last p flows (lookback p),
 *   and 0 when pos+neg < 1 (TA-Lib's rule; e.g. a flat series).
 * - CMF(p) = Σ mfm·v / Σ v over the last p bars (lookback p−1), mfm = ((c−l) − (h−c))/(h−l),
 *   mfm = 0 when h = l, CMF = 0 when Σ v = 0.
 */
import type { HlcvBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, assertSameLength, Incremental, isMissing, RingBuffer } from "./core";

// ─── OBV ────────────────────────────────────────────────────────────────────────────────

export type CloseVolumeBar = Pick<HlcvBar, "close" | "volume">;

export class ObvState implements Snapshot<ObvState> {
  readonly lookback = 0;
  private prevClose = NaN;
  private obv = 0;

  reset(): void {
    this.prevClose = NaN;
    this.obv = 0;
  }

  next(close: number, volume: number): number {
    if (isMissing(close) || isMissing(volume)) {
      this.reset();
      return NaN;
    }
    const pc = this.prevClose;
    this.prevClose = close;
    if (Number.isNaN(pc)) this.obv = volume;
    else if (close > pc) this.obv += volume;
    else if (close < pc) this.obv -= volume;
    return this.obv;
  }

  copyFrom(o: ObvState): void {
    this.prevClose = o.prevClose;
    this.obv = o.obv;
  }
}

export function obv(close: Float64Array, volume: Float64Array, out = new Float64Array(close.length)): Float64Array {
  assertSameLength(close, volume);
  // ObvState as one tight loop over locals (bit-identical).
  const n = close.length;
  let prevClose = NaN;
  let value = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(prevClose)) {
      // Steady state: the same update without the first-bar branch, until the next gap.
      for (; i < n; i++) {
        const c = close[i]!;
        const v = volume[i]!;
        if (!(Number.isFinite(c) && Number.isFinite(v))) break;
        if (value !== 0) {
          // Branch-free form of `if (c > prev) value += v; else if (c < prev) value -= v;`, exact: v·(±1) is ±v and
          // v·0 is ±0 (v is finite), which leaves a non-zero value unchanged (a zero value takes the branches: −0).
          value += v * (+(c > prevClose) - +(c < prevClose));
        } else if (c > prevClose) value += v;
        else if (c < prevClose) value -= v;
        prevClose = c;
        out[i] = value;
      }
      if (i === n) break;
    }
    const c = close[i]!;
    const v = volume[i]!;
    if (!(Number.isFinite(c) && Number.isFinite(v))) {
      prevClose = NaN;
      value = 0;
      out[i] = NaN;
      continue;
    }
    const pc = prevClose;
    prevClose = c;
    if (Number.isNaN(pc)) value = v;
    else if (c > pc) value += v;
    else if (c < pc) value -= v;
    out[i] = value;
  }
  return out;
}

export function obvIncremental(): IncrementalIndicator<CloseVolumeBar, number> {
  return new Incremental(() => new ObvState(), (s, b: CloseVolumeBar) => s.next(b.close, b.volume));
}

// ─── MFI ────────────────────────────────────────────────────────────────────────────────

export class MfiState implements Snapshot<MfiState> {
  readonly period: number;
  readonly lookback: number;
  private readonly pos: RingBuffer;
  private readonly neg: RingBuffer;
  private prevTp = NaN;
  private posSum = 0;
  private negSum = 0;

  constructor(period = 14) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period;
    this.pos = new RingBuffer(period);
    this.neg = new RingBuffer(period);
  }

  reset(): void {
    this.pos.clear();
    this.neg.clear();
    this.prevTp = NaN;
    this.posSum = 0;
    this.negSum = 0;
  }

  next(high: number, low: number, close: number, volume: number): number {
    if (isMissing(high) || isMissing(low) || isMissing(close) || isMissing(volume)) {
      this.reset();
      return NaN;
    }
    const tp = (high + low + close) / 3.0;
    const prev = this.prevTp;
    this.prevTp = tp;
    if (Number.isNaN(prev)) return NaN;
    const full = this.pos.size === this.period;
    if (full) {
      // The oldest flow leaves the window first (TA-Lib order).
      this.posSum -= this.pos.oldest();
      this.negSum -= this.neg.oldest();
    }
    const diff = tp - prev;
    const mf = tp * volume;
    if (diff < 0) {
      this.neg.push(mf);
      this.negSum += mf;
      this.pos.push(0.0);
    } else if (diff > 0) {
      this.pos.push(mf);
      this.posSum += mf;
      this.neg.push(0.0);
    } else {
      this.pos.push(0.0);
      this.neg.push(0.0);
    }
    if (this.pos.size < this.period) return NaN;
    const total = this.posSum + this.negSum;
    return total < 1.0 ? 0.0 : 100.0 * (this.posSum / total);
  }

  copyFrom(o: MfiState): void {
    this.pos.copyFrom(o.pos);
    this.neg.copyFrom(o.neg);
    this.prevTp = o.prevTp;
    this.posSum = o.posSum;
    this.negSum = o.negSum;
  }
}

export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 14,
  out = new Float64Array(close.length),
): Float64Array {
  assertSameLength(high, low, close, volume);
  assertPeriod("period", period);
  // MfiState as one tight loop (bit-identical): the two flow windows are rings of p slots, the slot being
  // overwritten holds the oldest flow, subtracted first (TA-Lib order) once the window is full.
  const p = period;
  const n = close.length;
  const posFlow = new Float64Array(p);
  const negFlow = new Float64Array(p);
  let slot = 0; // next slot to write (= the oldest flow when size === p)
  let size = 0; // flows held (capped at p)
  let prevTp = NaN;
  let posSum = 0;
  let negSum = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c) && Number.isFinite(v))) {
      slot = 0;
      size = 0;
      prevTp = NaN;
      posSum = 0;
      negSum = 0;
      out[i] = NaN;
      continue;
    }
    const tp = (h + l + c) / 3.0;
    const prev = prevTp;
    prevTp = tp;
    if (Number.isNaN(prev)) {
      out[i] = NaN;
      continue;
    }
    if (size === p) {
      posSum -= posFlow[slot]!;
      negSum -= negFlow[slot]!;
    }
    const diff = tp - prev;
    const mf = tp * v;
    if (mf - mf === 0) {
      // Finite flow: the side is a coin flip, so both sides are written with 0/1 factors instead of a branch.
      // Exact: 1·mf = mf, and the other side gets 0·mf = ±0, which leaves its sum unchanged when added now and
      // subtracted later (the sums start at +0 and are never −0).
      const neg = +(diff < 0) * mf;
      const pos = +(diff > 0) * mf;
      negFlow[slot] = neg;
      posFlow[slot] = pos;
      negSum += neg;
      posSum += pos;
    } else if (diff < 0) {
      negFlow[slot] = mf;
      negSum += mf;
      posFlow[slot] = 0.0;
    } else if (diff > 0) {
      posFlow[slot] = mf;
      posSum += mf;
      negFlow[slot] = 0.0;
    } else {
      posFlow[slot] = 0.0;
      negFlow[slot] = 0.0;
    }
    slot = slot + 1 === p ? 0 : slot + 1;
    if (size < p && ++size < p) {
      out[i] = NaN;
      continue;
    }
    const total = posSum + negSum;
    out[i] = total < 1.0 ? 0.0 : 100.0 * (posSum / total);
  }
  return out;
}

export function mfiIncremental(period = 14): IncrementalIndicator<HlcvBar, number> {
  return new Incremental(() => new MfiState(period), (s, b: HlcvBar) => s.next(b.high, b.low, b.close, b.volume));
}

// ─── CMF ────────────────────────────────────────────────────────────────────────────────

export class CmfState implements Snapshot<CmfState> {
  readonly period: number;
  readonly lookback: number;
  private readonly mfv: RingBuffer;
  private readonly vol: RingBuffer;
  private mfvSum = 0;
  private volSum = 0;

  constructor(period = 20) {
    assertPeriod("period", period);
    this.period = period;
    this.lookback = period - 1;
    this.mfv = new RingBuffer(period);
    this.vol = new RingBuffer(period);
  }

  reset(): void {
    this.mfv.clear();
    this.vol.clear();
    this.mfvSum = 0;
    this.volSum = 0;
  }

  next(high: number, low: number, close: number, volume: number): number {
    if (isMissing(high) || isMissing(low) || isMissing(close) || isMissing(volume)) {
      this.reset();
      return NaN;
    }
    const range = high - low;
    const mfm = range !== 0 ? (close - low - (high - close)) / range : 0;
    const v = mfm * volume;
    const droppedMfv = this.mfv.push(v);
    const droppedVol = this.vol.push(volume);
    if (!Number.isNaN(droppedMfv)) {
      this.mfvSum -= droppedMfv;
      this.volSum -= droppedVol;
    }
    this.mfvSum += v;
    this.volSum += volume;
    if (this.mfv.size < this.period) return NaN;
    return this.volSum === 0 ? 0 : this.mfvSum / this.volSum;
  }

  copyFrom(o: CmfState): void {
    this.mfv.copyFrom(o.mfv);
    this.vol.copyFrom(o.vol);
    this.mfvSum = o.mfvSum;
    this.volSum = o.volSum;
  }
}

export function cmf(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 20,
  out = new Float64Array(close.length),
): Float64Array {
  assertSameLength(high, low, close, volume);
  const s = new CmfState(period);
  for (let i = 0; i < close.length; i++) out[i] = s.next(high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}

export function cmfIncremental(period = 20): IncrementalIndicator<HlcvBar, number> {
  return new Incremental(() => new CmfState(period), (s, b: HlcvBar) => s.next(b.high, b.low, b.close, b.volume));
}
