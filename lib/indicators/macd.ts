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
  const s = new MacdState(fast, slow, signal);
  for (let i = 0; i < close.length; i++) {
    s.next(close[i]!);
    out.macd[i] = s.macd;
    out.signal[i] = s.signal;
    out.hist[i] = s.hist;
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
