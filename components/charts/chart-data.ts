/**
 * Pure helpers for the candles chart: bars → lightweight-charts series data, update planning,
 * legend values and UTC time labels. No DOM and no lightweight-charts runtime import, so they run
 * in node unit tests.
 */
import type { CandlestickData, HistogramData, UTCTimestamp } from "lightweight-charts";

export type ChartTimeframe = "1m" | "5m" | "15m" | "1h" | "4h" | "1d";

/** One bar as the chart receives it. `ts` is the bar open, epoch ms UTC. */
export interface ChartBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface VolumeColors {
  up: string;
  down: string;
}

/** Epoch ms → lightweight-charts time (UTC seconds). Daily bars are 00:00 UTC, so their date is kept. */
export function toChartTime(ts: number): UTCTimestamp {
  return Math.floor(ts / 1000) as UTCTimestamp;
}

/** lightweight-charts time (UTC seconds) → epoch ms. */
export function fromChartTime(time: number): number {
  return time * 1000;
}

export function toCandle(b: ChartBar): CandlestickData<UTCTimestamp> {
  return { time: toChartTime(b.ts), open: b.open, high: b.high, low: b.low, close: b.close };
}

/** Volume bar colored like its candle (close ≥ open is up). */
export function toVolume(b: ChartBar, colors: VolumeColors): HistogramData<UTCTimestamp> {
  return { time: toChartTime(b.ts), value: b.volume, color: b.close >= b.open ? colors.up : colors.down };
}

export interface SeriesData {
  candles: CandlestickData<UTCTimestamp>[];
  volume: HistogramData<UTCTimestamp>[];
}

/** Both series' data arrays for a whole bar list (ascending ts). */
export function toSeriesData(bars: readonly ChartBar[], colors: VolumeColors): SeriesData {
  const candles = new Array<CandlestickData<UTCTimestamp>>(bars.length);
  const volume = new Array<HistogramData<UTCTimestamp>>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    candles[i] = toCandle(b);
    volume[i] = toVolume(b, colors);
  }
  return { candles, volume };
}

function sameBar(a: ChartBar, b: ChartBar): boolean {
  return a.ts === b.ts && a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
}

/** Live bars may change this many bars back from the end (a late print re-emits a closed bar) and still update in place. */
export const LIVE_TAIL_BARS = 3;

/**
 * How to bring the chart from `prev` to `next` without recreating it:
 * - none: nothing changed;
 * - update: bars from index `from` on are new or changed (the last bar ticking, new bars at the end,
 *   a recently closed bar updated by a late print): series.update() each of them (bars before
 *   prev's last one with `historicalUpdate`);
 * - prepend: `count` older bars were added before `prev` (the tail may also have changed): setData and
 *   keep the visible range on the same bars;
 * - reset: anything else (other symbol, timeframe, adjusted prices): setData.
 */
export type BarsUpdate =
  | { kind: "none" }
  | { kind: "update"; from: number }
  | { kind: "prepend"; count: number }
  | { kind: "reset" };

/** First index in `bars` whose ts is ≥ `ts` (bars ascending). */
export function lowerBound(bars: readonly ChartBar[], ts: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the bar opening at `ts`, or -1. */
export function indexOfTs(bars: readonly ChartBar[], ts: number): number {
  const i = lowerBound(bars, ts);
  return i < bars.length && bars[i]!.ts === ts ? i : -1;
}

/**
 * Classify the change between two ascending bar lists. Compares values, not object identity (a
 * refetch returns equal bars as new objects); O(n) number comparisons.
 */
export function planBarsUpdate(prev: readonly ChartBar[], next: readonly ChartBar[]): BarsUpdate {
  if (prev === next) return { kind: "none" };
  if (prev.length === 0 || next.length === 0) return next.length === prev.length ? { kind: "none" } : { kind: "reset" };
  const last = prev.length - 1;

  // Same start: an unchanged prefix (all but prev's last bar), then updated/appended bars.
  if (next[0]!.ts === prev[0]!.ts && next.length >= prev.length) {
    let i = 0;
    while (i < last && sameBar(prev[i]!, next[i]!)) i++;
    if (i === last && next[last]!.ts === prev[last]!.ts) {
      const from = sameBar(prev[last]!, next[last]!) ? prev.length : last;
      return from === next.length ? { kind: "none" } : { kind: "update", from };
    }
    // A bar in the live tail changed (same times): update from it.
    if (i >= prev.length - LIVE_TAIL_BARS) {
      let k = i;
      while (k <= last && next[k]!.ts === prev[k]!.ts) k++;
      if (k > last) return { kind: "update", from: i };
    }
    return { kind: "reset" };
  }

  // Older bars before prev's first one, then prev's bars unchanged (except possibly its last).
  const k = indexOfTs(next, prev[0]!.ts);
  if (k > 0 && next.length - k >= prev.length) {
    let i = 0;
    while (i < last && sameBar(prev[i]!, next[k + i]!)) i++;
    if (i === last && next[k + last]!.ts === prev[last]!.ts) return { kind: "prepend", count: k };
  }
  return { kind: "reset" };
}

export interface LegendValues {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Close vs the previous bar's close, in %; vs the bar's own open for the first bar. */
  changePct: number;
  up: boolean;
}

/** Legend values for bar `index` (clamped to the list); null when there are no bars. */
export function legendValues(bars: readonly ChartBar[], index: number): LegendValues | null {
  if (bars.length === 0) return null;
  const i = Math.min(Math.max(0, Math.trunc(index)), bars.length - 1);
  const b = bars[i]!;
  const base = i > 0 ? bars[i - 1]!.close : b.open;
  const changePct = base !== 0 ? ((b.close - base) / base) * 100 : 0;
  return { ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, changePct, up: b.close >= base };
}

/**
 * The score shown for the bar at `ts`: the newest point at or before it (a score is known from its
 * time on), null before the first point or when there is none. `points` ascending by ts.
 */
export function scoreAt(points: readonly { ts: number; value: number }[], ts: number): number | null {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.ts <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? points[lo - 1]!.value : null;
}

/** Decimals for the price axis: 2 for ≥ 1, 4 for ≥ 0.01, else enough for 4 significant digits (max 10). */
export function pricePrecision(p: number): number {
  const a = Math.abs(p);
  if (!Number.isFinite(a) || a >= 1 || a === 0) return 2;
  if (a >= 0.01) return 4;
  return Math.min(10, Math.ceil(-Math.log10(a)) + 3);
}

/** Price with decimals that fit its size: 1234.56, 12.34, 0.1234, 0.00001234. */
export function formatPrice(p: number): string {
  if (!Number.isFinite(p)) return "—";
  const a = Math.abs(p);
  if (a >= 1 || a === 0) return p.toFixed(2);
  if (a >= 0.01) return p.toFixed(4);
  return p.toPrecision(4);
}

/** Compact volume: 950, 12.3K, 4.56M, 1.2B. */
export function formatVolume(v: number): string {
  if (!Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}K`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function formatChangePct(pct: number): string {
  if (!Number.isFinite(pct)) return "—";
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(2)}%`;
}

export function isIntraday(tf: ChartTimeframe): boolean {
  return tf !== "1d";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** "2021-04-21" or "2021-04-21 14:30" (UTC). */
export function formatBarTime(ts: number, intraday: boolean): string {
  const d = new Date(ts);
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  return intraday ? `${date} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}` : date;
}

/** Crosshair label on the time axis: "Wed 2021-04-21" or "Wed 2021-04-21 14:30 UTC". */
export function formatCrosshairTime(timeSec: number, intraday: boolean): string {
  const ts = fromChartTime(timeSec);
  const wd = WEEKDAYS[new Date(ts).getUTCDay()]!;
  return `${wd} ${formatBarTime(ts, intraday)}${intraday ? " UTC" : ""}`;
}

/**
 * Time-axis tick label in UTC. `tickMarkType` is lightweight-charts' TickMarkType:
 * 0 Year, 1 Month, 2 DayOfMonth, 3 Time, 4 TimeWithSeconds.
 */
export function formatTickMark(timeSec: number, tickMarkType: number): string {
  const d = new Date(fromChartTime(timeSec));
  switch (tickMarkType) {
    case 0:
      return String(d.getUTCFullYear());
    case 1:
      return MONTHS[d.getUTCMonth()]!;
    case 2:
      return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!}`;
    case 3:
      return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
    default:
      return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  }
}

/**
 * A CSS color with an alpha channel, for translucent volume bars: "#22c55e" → "rgba(34, 197, 94, 0.5)".
 * Colors it cannot parse (named, hsl(), color-mix()) are returned unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let r: number, g: number, b: number;
  let m = /^#([0-9a-f]{3,4})$/i.exec(c);
  if (m) {
    const h = m[1]!;
    [r, g, b] = [0, 1, 2].map((i) => parseInt(h[i]! + h[i]!, 16)) as [number, number, number];
  } else if ((m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(c))) {
    const h = m[1]!;
    [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  } else if ((m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(c))) {
    [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else return color;
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
