/**
 * Candlestick patterns as boolean series, using `technicalindicators`' detectors.
 *
 * Each detector looks at a fixed number of bars (`bars`: its `requiredCount`) ending at the bar
 * it flags. out[i] = 1 when the pattern completes at bar i, judged on bars [i−bars+1 .. i] only
 * (no look-ahead: the 5-bar "confirmed" patterns such as hammer flag the confirmation bar, not the
 * hammer). out[i] = 0 during the first bars−1 bars and when any OHLC value in the window is missing.
 * Output: Uint8Array of 0/1, same length as the input.
 */
import {
  abandonedbaby,
  bearishengulfingpattern,
  bearishharami,
  bearishharamicross,
  bearishmarubozu,
  bearishspinningtop,
  bullishengulfingpattern,
  bullishharami,
  bullishharamicross,
  bullishmarubozu,
  bullishspinningtop,
  darkcloudcover,
  doji,
  downsidetasukigap,
  dragonflydoji,
  eveningdojistar,
  eveningstar,
  gravestonedoji,
  hammerpattern,
  hammerpatternunconfirmed,
  hangingman,
  hangingmanunconfirmed,
  morningdojistar,
  morningstar,
  piercingline,
  shootingstar,
  shootingstarunconfirmed,
  threeblackcrows,
  threewhitesoldiers,
  tweezerbottom,
  tweezertop,
} from "technicalindicators";
import type { BarColumns } from "@/lib/bars/columns";
import { AppError } from "@/lib/errors";
import type { IncrementalIndicator, OhlcBar, Snapshot } from "./core";
import { assertSameLength, Incremental, isMissing, RingBuffer } from "./core";

/** The window the detectors receive: OHLC arrays of exactly `bars` values, oldest first. */
interface Window {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}
type Detector = (data: Window) => boolean;

export interface PatternDef {
  /** Lowercase id used by scans and charts, e.g. "bullish_engulfing". */
  id: string;
  label: string;
  /** Number of bars the detector reads (ending at the flagged bar). */
  bars: number;
  bias: "bullish" | "bearish" | "neutral";
  detect: Detector;
}

const def = <const I extends string>(id: I, label: string, bars: number, bias: PatternDef["bias"], detect: (data: never) => unknown): PatternDef & { id: I } => ({
  id,
  label,
  bars,
  bias,
  detect: (w) => detect(w as never) === true,
});

/**
 * All supported patterns. `bars` is each detector's requiredCount in technicalindicators 3.1
 * (checked by patterns.test.ts against the library's own sliding scan).
 */
export const CANDLE_PATTERNS = [
  def("doji", "Doji", 1, "neutral", doji),
  def("dragonfly_doji", "Dragonfly doji", 1, "bullish", dragonflydoji),
  def("gravestone_doji", "Gravestone doji", 1, "bearish", gravestonedoji),
  def("bullish_marubozu", "Bullish marubozu", 1, "bullish", bullishmarubozu),
  def("bearish_marubozu", "Bearish marubozu", 1, "bearish", bearishmarubozu),
  def("bullish_spinning_top", "Bullish spinning top", 1, "neutral", bullishspinningtop),
  def("bearish_spinning_top", "Bearish spinning top", 1, "neutral", bearishspinningtop),
  def("bullish_engulfing", "Bullish engulfing", 2, "bullish", bullishengulfingpattern),
  def("bearish_engulfing", "Bearish engulfing", 2, "bearish", bearishengulfingpattern),
  def("bullish_harami", "Bullish harami", 2, "bullish", bullishharami),
  def("bearish_harami", "Bearish harami", 2, "bearish", bearishharami),
  def("bullish_harami_cross", "Bullish harami cross", 2, "bullish", bullishharamicross),
  def("bearish_harami_cross", "Bearish harami cross", 2, "bearish", bearishharamicross),
  def("piercing_line", "Piercing line", 2, "bullish", piercingline),
  def("dark_cloud_cover", "Dark cloud cover", 2, "bearish", darkcloudcover),
  def("morning_star", "Morning star", 3, "bullish", morningstar),
  def("evening_star", "Evening star", 3, "bearish", eveningstar),
  def("morning_doji_star", "Morning doji star", 3, "bullish", morningdojistar),
  def("evening_doji_star", "Evening doji star", 3, "bearish", eveningdojistar),
  def("abandoned_baby", "Abandoned baby (bullish)", 3, "bullish", abandonedbaby),
  def("three_white_soldiers", "Three white soldiers", 3, "bullish", threewhitesoldiers),
  def("three_black_crows", "Three black crows", 3, "bearish", threeblackcrows),
  def("downside_tasuki_gap", "Downside tasuki gap", 3, "bearish", downsidetasukigap),
  def("hammer", "Hammer (confirmed)", 5, "bullish", hammerpattern),
  def("hammer_unconfirmed", "Hammer (unconfirmed)", 5, "bullish", hammerpatternunconfirmed),
  def("hanging_man", "Hanging man (confirmed)", 5, "bearish", hangingman),
  def("hanging_man_unconfirmed", "Hanging man (unconfirmed)", 5, "bearish", hangingmanunconfirmed),
  def("shooting_star", "Shooting star (confirmed)", 5, "bearish", shootingstar),
  def("shooting_star_unconfirmed", "Shooting star (unconfirmed)", 5, "bearish", shootingstarunconfirmed),
  def("tweezer_top", "Tweezer top", 5, "bearish", tweezertop),
  def("tweezer_bottom", "Tweezer bottom", 5, "bullish", tweezerbottom),
] as const satisfies readonly PatternDef[];

export type PatternId = (typeof CANDLE_PATTERNS)[number]["id"];

const BY_ID = new Map<string, PatternDef>(CANDLE_PATTERNS.map((p) => [p.id, p]));

export function getPattern(id: string): PatternDef {
  const p = BY_ID.get(id);
  if (!p) {
    throw new AppError("BAD_REQUEST", {
      message: `unknown candlestick pattern "${id}"`,
      userMessage: `Unknown candlestick pattern "${id}". Known: ${[...BY_ID.keys()].join(", ")}.`,
    });
  }
  return p;
}

function newWindow(bars: number): Window {
  return { open: new Array<number>(bars).fill(0), high: new Array<number>(bars).fill(0), low: new Array<number>(bars).fill(0), close: new Array<number>(bars).fill(0) };
}

/** Boolean (0/1) series of one pattern over OHLC columns. */
export function patternSeries(
  id: string,
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  out = new Uint8Array(close.length),
): Uint8Array {
  const p = getPattern(id);
  const n = assertSameLength(open, high, low, close);
  const k = p.bars;
  const w = newWindow(k); // reused for every bar
  let clean = 0; // consecutive bars with complete OHLC up to i
  for (let i = 0; i < n; i++) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    clean = isMissing(o) || isMissing(h) || isMissing(l) || isMissing(c) ? 0 : clean + 1;
    if (clean < k) {
      out[i] = 0;
      continue;
    }
    for (let j = 0; j < k; j++) {
      const src = i - k + 1 + j;
      w.open[j] = open[src]!;
      w.high[j] = high[src]!;
      w.low[j] = low[src]!;
      w.close[j] = close[src]!;
    }
    out[i] = p.detect(w) ? 1 : 0;
  }
  return out;
}

/** Pattern series over bar columns. */
export function detectPattern(id: string, c: BarColumns): Uint8Array {
  const len = c.length;
  return patternSeries(id, c.open.subarray(0, len), c.high.subarray(0, len), c.low.subarray(0, len), c.close.subarray(0, len));
}

/** Every pattern at once (id → series). */
export function detectAllPatterns(c: BarColumns): Record<PatternId, Uint8Array> {
  const out = {} as Record<PatternId, Uint8Array>;
  for (const p of CANDLE_PATTERNS) out[p.id] = detectPattern(p.id, c);
  return out;
}

/** Last `bars` bars of OHLC for the incremental form. */
class PatternState implements Snapshot<PatternState> {
  private readonly def: PatternDef;
  private readonly o: RingBuffer;
  private readonly h: RingBuffer;
  private readonly l: RingBuffer;
  private readonly c: RingBuffer;
  private clean = 0;
  private readonly w: Window;

  constructor(p: PatternDef) {
    this.def = p;
    this.o = new RingBuffer(p.bars);
    this.h = new RingBuffer(p.bars);
    this.l = new RingBuffer(p.bars);
    this.c = new RingBuffer(p.bars);
    this.w = newWindow(p.bars);
  }

  next(bar: OhlcBar): 0 | 1 {
    if (isMissing(bar.open) || isMissing(bar.high) || isMissing(bar.low) || isMissing(bar.close)) {
      this.clean = 0;
      return 0;
    }
    this.o.push(bar.open);
    this.h.push(bar.high);
    this.l.push(bar.low);
    this.c.push(bar.close);
    const k = this.def.bars;
    if (this.clean < k) this.clean++;
    if (this.clean < k) return 0;
    for (let j = 0; j < k; j++) {
      const age = k - 1 - j;
      this.w.open[j] = this.o.at(age);
      this.w.high[j] = this.h.at(age);
      this.w.low[j] = this.l.at(age);
      this.w.close[j] = this.c.at(age);
    }
    return this.def.detect(this.w) ? 1 : 0;
  }

  copyFrom(s: PatternState): void {
    this.o.copyFrom(s.o);
    this.h.copyFrom(s.h);
    this.l.copyFrom(s.l);
    this.c.copyFrom(s.c);
    this.clean = s.clean;
  }
}

/** Incremental form: push(bar)/update(bar) return 1 when the pattern completes at that bar. */
export function patternIncremental(id: string): IncrementalIndicator<OhlcBar, 0 | 1> {
  const p = getPattern(id);
  return new Incremental(() => new PatternState(p), (s, bar: OhlcBar) => s.next(bar));
}
