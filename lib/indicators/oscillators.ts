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
import { hlcExtremes, type IndicatorCache } from "./shared";

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

let cciScratch = new Float64Array(32);

export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period = 14, out = new Float64Array(close.length)): Float64Array {
  assertSameLength(high, low, close);
  assertPeriod("period", period);
  // CciState as one tight loop: the same circular buffer and the same summation order (slot 0..p−1),
  // so the result is bit-identical. The two sums are chains of dependent additions, so once warmed up
  // the loop computes four consecutive bars together when it can (four independent chains, each in
  // CciState's order).
  const p = period;
  // Module scratch (no allocation per call): slots 0..p−1 are all written before the first read after a reset.
  if (cciScratch.length < p) cciScratch = new Float64Array(p);
  const buf = cciScratch;
  const n = close.length;
  let idx = 0; // slot of the next write
  let seen = 0;
  for (let i = 0; i < n; i++) {
    if (seen === p) {
      // Steady state, until the next gap. The mean's sum runs over slots 0..p−1 in order, and slots 0..idx−1
      // hold this cycle's values, so its first idx additions are the same for every bar of the cycle: `pre`
      // carries them (0 + buf[0] + … + buf[idx−1], CciState's order) and only the rest is added per bar.
      let pre = 0;
      for (let j = 0; j < idx; j++) pre += buf[j]!;
      for (; i < n; i++) {
        const h = high[i]!;
        const l = low[i]!;
        const c = close[i]!;
        if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) break;
        const last = (h + l + c) / 3;
        const w = idx; // slot of bar i
        buf[w] = last;
        idx = w + 1 === p ? 0 : w + 1;
        if (w + 3 < p && i + 3 < n) {
          const h1 = high[i + 1]!;
          const l1 = low[i + 1]!;
          const c1 = close[i + 1]!;
          const h2 = high[i + 2]!;
          const l2 = low[i + 2]!;
          const c2 = close[i + 2]!;
          const h3 = high[i + 3]!;
          const l3 = low[i + 3]!;
          const c3 = close[i + 3]!;
          if (
            Number.isFinite(h1) &&
            Number.isFinite(l1) &&
            Number.isFinite(c1) &&
            Number.isFinite(h2) &&
            Number.isFinite(l2) &&
            Number.isFinite(c2) &&
            Number.isFinite(h3) &&
            Number.isFinite(l3) &&
            Number.isFinite(c3)
          ) {
            // Bars i..i+3: bar i+t sees the buffer with slots w+1..w+t holding the new typical prices t1..tt.
            const t1 = (h1 + l1 + c1) / 3;
            const t2 = (h2 + l2 + c2) / 3;
            const t3 = (h3 + l3 + c3) / 3;
            const s1 = w + 1;
            const s2 = w + 2;
            const s3 = w + 3;
            const o1 = buf[s1]!;
            const o2 = buf[s2]!;
            const o3 = buf[s3]!;
            const p0 = pre + last; // slots 0..w
            let a0 = p0 + o1;
            const p1 = p0 + t1; // slots 0..w+1 of bars i+1..i+3
            let a1 = p1 + o2;
            const p2 = p1 + t2;
            let a2 = p2 + o3;
            let a3 = p2 + t3; // slots 0..w+3 of bar i+3: the next bars' prefix
            a0 += o2;
            a0 += o3;
            a1 += o3;
            pre = s3 + 1 === p ? 0 : a3;
            for (let j = s3 + 1; j < p; j++) {
              const x = buf[j]!;
              a0 += x;
              a1 += x;
              a2 += x;
              a3 += x;
            }
            a0 /= p;
            a1 /= p;
            a2 /= p;
            a3 /= p;
            let d0 = 0;
            let d1 = 0;
            let d2 = 0;
            let d3 = 0;
            for (let j = 0; j < s1; j++) {
              const x = buf[j]!;
              d0 += Math.abs(x - a0);
              d1 += Math.abs(x - a1);
              d2 += Math.abs(x - a2);
              d3 += Math.abs(x - a3);
            }
            d0 += Math.abs(o1 - a0);
            d1 += Math.abs(t1 - a1);
            d2 += Math.abs(t1 - a2);
            d3 += Math.abs(t1 - a3);
            d0 += Math.abs(o2 - a0);
            d1 += Math.abs(o2 - a1);
            d2 += Math.abs(t2 - a2);
            d3 += Math.abs(t2 - a3);
            d0 += Math.abs(o3 - a0);
            d1 += Math.abs(o3 - a1);
            d2 += Math.abs(o3 - a2);
            d3 += Math.abs(t3 - a3);
            for (let j = s3 + 1; j < p; j++) {
              const x = buf[j]!;
              d0 += Math.abs(x - a0);
              d1 += Math.abs(x - a1);
              d2 += Math.abs(x - a2);
              d3 += Math.abs(x - a3);
            }
            buf[s1] = t1;
            buf[s2] = t2;
            buf[s3] = t3;
            idx = s3 + 1 === p ? 0 : s3 + 1;
            const n0 = last - a0;
            const n1 = t1 - a1;
            const n2 = t2 - a2;
            const n3 = t3 - a3;
            out[i] = n0 !== 0.0 && d0 !== 0.0 ? n0 / (0.015 * (d0 / p)) : 0.0;
            out[i + 1] = n1 !== 0.0 && d1 !== 0.0 ? n1 / (0.015 * (d1 / p)) : 0.0;
            out[i + 2] = n2 !== 0.0 && d2 !== 0.0 ? n2 / (0.015 * (d2 / p)) : 0.0;
            out[i + 3] = n3 !== 0.0 && d3 !== 0.0 ? n3 / (0.015 * (d3 / p)) : 0.0;
            i += 3;
            continue;
          }
        }
        // One bar: the mean's sum is pre + slots w..p−1.
        let avg = pre + last;
        pre = idx === 0 ? 0 : avg;
        for (let j = w + 1; j < p; j++) avg += buf[j]!;
        avg /= p;
        let dev = 0;
        for (let j = 0; j < p; j++) dev += Math.abs(buf[j]! - avg);
        const num = last - avg;
        out[i] = num !== 0.0 && dev !== 0.0 ? num / (0.015 * (dev / p)) : 0.0;
      }
      if (i === n) break;
    }
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    if (!(Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) {
      idx = 0;
      seen = 0;
      out[i] = NaN;
      continue;
    }
    const last = (h + l + c) / 3;
    buf[idx] = last;
    idx = idx + 1 === p ? 0 : idx + 1;
    out[i] = seen < p && ++seen < p ? NaN : cciOfBuffer(buf, p, last);
  }
  return out;
}

/** CCI of a full buffer of typical prices whose newest value is `last` (CciState's arithmetic). */
function cciOfBuffer(buf: Float64Array, p: number, last: number): number {
  let avg = 0;
  for (let j = 0; j < p; j++) avg += buf[j]!;
  avg /= p;
  let dev = 0;
  for (let j = 0; j < p; j++) dev += Math.abs(buf[j]! - avg);
  const num = last - avg;
  return num !== 0.0 && dev !== 0.0 ? num / (0.015 * (dev / p)) : 0.0;
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

/**
 * Williams %R. With a `cache` (shared.ts), the window extremes come from it (computed once per pass for STOCH
 * and WILLR of the same period); the result is the same either way.
 */
export function willr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
  out = new Float64Array(close.length),
  cache?: IndicatorCache,
): Float64Array {
  assertSameLength(high, low, close);
  assertPeriod("period", period);
  // The window extremes (shared.ts hlcExtremes: TA-Lib's tracking, NaN at a gap and in the warm-up), from the
  // pass's cache or into `out` and one scratch array, then WillrState's arithmetic (bit-identical; a NaN extreme
  // gives NaN through it).
  const n = close.length;
  const { highest: hh, lowest: ll } = cache ? cache.hlcExtremes(high, low, close, period) : hlcExtremes(high, low, close, period, { highest: out, lowest: new Float64Array(n) });
  for (let i = 0; i < n; i++) {
    const highest = hh[i]!;
    const diff = (highest - ll[i]!) / -100.0;
    out[i] = diff !== 0.0 ? (highest - close[i]!) / diff : 0.0;
  }
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
