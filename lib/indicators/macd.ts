/**
 * MACD (TA_MACD semantics).
 *
 * TA-Lib quirks reproduced on purpose:
 * - if slow < fast the two periods are swapped;
 * - both EMAs are SMA-seeded so that they *start at the same bar*, index slow−1: the slow EMA is
 *   seeded with SMA(close[0..slow−1]), the fast EMA with SMA(close[slow−fast..slow−1]) (not with
 *   the first `fast` closes);
 * - the signal line is an SMA-seeded EMA of the MACD line;
 * - all three outputs are NaN until the signal exists: lookback = (slow−1) + (signal−1).
 */
import type { CloseBar, IncrementalIndicator, Snapshot } from "./core";
import { assertPeriod, Incremental, isMissing } from "./core";
import { EmaState } from "./moving-averages";

export interface MacdValue {
  macd: number;
  signal: number;
  hist: number;
}
export interface MacdResult {
  macd: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

export class MacdState implements Snapshot<MacdState> {
  readonly fast: number;
  readonly slow: number;
  readonly lookback: number;
  private readonly fastEma: EmaState;
  private readonly slowEma: EmaState;
  private readonly signalEma: EmaState;
  /** Bars seen in the current clean segment (capped at slow − fast + 1). */
  private n = 0;
  macd = NaN;
  signal = NaN;
  hist = NaN;

  constructor(fast = 12, slow = 26, signal = 9) {
    assertPeriod("fast", fast);
    assertPeriod("slow", slow);
    assertPeriod("signal", signal);
    if (slow < fast) [fast, slow] = [slow, fast];
    this.fast = fast;
    this.slow = slow;
    this.fastEma = new EmaState(fast);
    this.slowEma = new EmaState(slow);
    this.signalEma = new EmaState(signal);
    this.lookback = slow - 1 + (signal - 1);
  }

  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.n = 0;
    this.macd = NaN;
    this.signal = NaN;
    this.hist = NaN;
  }

  next(x: number): void {
    this.macd = NaN;
    this.signal = NaN;
    this.hist = NaN;
    if (isMissing(x)) {
      this.reset();
      return;
    }
    const s = this.slowEma.next(x);
    // The fast EMA only sees the closes from index slow−fast on (TA-Lib alignment).
    const skip = this.slow - this.fast;
    if (this.n < skip) {
      this.n++;
      return;
    }
    const f = this.fastEma.next(x);
    if (Number.isNaN(s)) return;
    const m = f - s;
    const sig = this.signalEma.next(m);
    if (Number.isNaN(sig)) return;
    this.macd = m;
    this.signal = sig;
    this.hist = m - sig;
  }

  copyFrom(o: MacdState): void {
    this.fastEma.copyFrom(o.fastEma);
    this.slowEma.copyFrom(o.slowEma);
    this.signalEma.copyFrom(o.signalEma);
    this.n = o.n;
    this.macd = o.macd;
    this.signal = o.signal;
    this.hist = o.hist;
  }
}

export function macd(
  close: Float64Array,
  fast = 12,
  slow = 26,
  signal = 9,
  out: MacdResult = { macd: new Float64Array(close.length), signal: new Float64Array(close.length), hist: new Float64Array(close.length) },
): MacdResult {
  const s = new MacdState(fast, slow, signal); // validates the periods and orders fast ≤ slow
  // MacdState (three EmaStates) as one tight loop over locals: the same operations in the same order, so
  // bit-identical. Each EMA keeps EmaState's rules: period 1 is the identity, a non-finite input resets it.
  const pf = s.fast;
  const ps = s.slow;
  const pg = signal;
  const kf = 2.0 / (pf + 1);
  const ks = 2.0 / (ps + 1);
  const kg = 2.0 / (pg + 1);
  const skip = ps - pf;
  const n = close.length;
  const { macd: outMacd, signal: outSignal, hist: outHist } = out;
  let seen = 0; // bars seen in the clean segment (capped at skip)
  let fN = 0;
  let fSum = 0;
  let fPrev = NaN;
  let sN = 0;
  let sSum = 0;
  let sPrev = NaN;
  let gN = 0;
  let gSum = 0;
  let gPrev = NaN;
  for (let i = 0; i < n; i++) {
    if (sN === ps && fN === pf && gN === pg && pf > 1) {
      // Steady state (all three EMAs seeded, periods > 1): the same updates without the warm-up branches,
      // until the next gap or a non-finite MACD value (which resets the signal EMA below).
      for (; i < n; i++) {
        const x = close[i]!;
        if (!Number.isFinite(x)) break;
        const sv = (x - sPrev) * ks + sPrev;
        const fv = (x - fPrev) * kf + fPrev;
        const mv = fv - sv;
        if (!Number.isFinite(mv)) break;
        sPrev = sv;
        fPrev = fv;
        const gv = (mv - gPrev) * kg + gPrev;
        gPrev = gv;
        outMacd[i] = mv;
        outSignal[i] = gv;
        outHist[i] = mv - gv;
      }
      if (i === n) break;
    }
    const x = close[i]!;
    let m = NaN;
    let sig = NaN;
    if (!Number.isFinite(x)) {
      seen = 0;
      fN = sN = gN = 0;
      fSum = sSum = gSum = 0;
      fPrev = sPrev = gPrev = NaN;
    } else {
      // slow EMA
      let sv: number;
      if (ps === 1) sv = x;
      else if (sN < ps) {
        sSum += x;
        if (++sN < ps) sv = NaN;
        else sv = sPrev = sSum / ps;
      } else sv = sPrev = (x - sPrev) * ks + sPrev;
      if (seen < skip) {
        seen++;
      } else {
        // fast EMA (sees the closes from index slow − fast on)
        let fv: number;
        if (pf === 1) fv = x;
        else if (fN < pf) {
          fSum += x;
          if (++fN < pf) fv = NaN;
          else fv = fPrev = fSum / pf;
        } else fv = fPrev = (x - fPrev) * kf + fPrev;
        if (!Number.isNaN(sv)) {
          const mv = fv - sv;
          // signal EMA of the MACD line
          let gv: number;
          if (!Number.isFinite(mv)) {
            gN = 0;
            gSum = 0;
            gPrev = NaN;
            gv = NaN;
          } else if (pg === 1) gv = mv;
          else if (gN < pg) {
            gSum += mv;
            if (++gN < pg) gv = NaN;
            else gv = gPrev = gSum / pg;
          } else gv = gPrev = (mv - gPrev) * kg + gPrev;
          if (!Number.isNaN(gv)) {
            m = mv;
            sig = gv;
          }
        }
      }
    }
    outMacd[i] = m;
    outSignal[i] = sig;
    outHist[i] = m - sig;
  }
  return out;
}

export function macdIncremental(fast = 12, slow = 26, signal = 9): IncrementalIndicator<CloseBar, MacdValue> {
  return new Incremental(
    () => new MacdState(fast, slow, signal),
    (s, bar: CloseBar) => {
      s.next(bar.close);
      return { macd: s.macd, signal: s.signal, hist: s.hist };
    },
  );
}
