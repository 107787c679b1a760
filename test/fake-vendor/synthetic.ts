import { sessionOf, tradingDays, type CalendarId } from "@/lib/calendar";
import { TIMEFRAME_MS, type Timeframe } from "@/lib/bars/timeframe";
import type { BarSource, FakeBar } from "./types";
import { DAY_MS, round } from "./util";

/**
 * Deterministic synthetic bars for any range: every bar is a pure function of (seed, timeframe, ts),
 * so asking for [a, c) gives exactly the bars of [a, b) followed by [b, c). That is what lets the
 * tests (and the backfill integration tests) check pagination and chunking exactly.
 *
 * Timestamps follow our convention: NYSE daily bars on trading days at 00:00 UTC, intraday bars on
 * UTC-epoch-aligned buckets that overlap the session; CRYPTO bars on every aligned bucket.
 */
export interface SyntheticOptions {
  seed?: number;
  calendar?: CalendarId;
  basePrice?: number;
  /** Price decimals (default 2; Binance strings carry 8). */
  decimals?: number;
  /** Typical volume per daily bar (scaled down for intraday). */
  dailyVolume?: number;
}

/** 32-bit integer hash (mulberry32 finaliser) of a few numbers → [0, 1). */
function hash01(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    // Fold the float's integer parts in two 32-bit halves.
    const lo = x % 4294967296 | 0;
    const hi = Math.floor(x / 4294967296) | 0;
    h = Math.imul(h ^ lo, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13) ^ hi, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  h = Math.imul(h ^ (h >>> 15), h | 1);
  h ^= h + Math.imul(h ^ (h >>> 7), h | 61);
  return ((h ^ (h >>> 14)) >>> 0) / 4294967296;
}

/** Smooth price path: a few slow waves around basePrice, a function of time only. */
function pathPrice(ts: number, base: number, seed: number): number {
  const days = ts / DAY_MS;
  const phase = seed * 1.7;
  return base * (1 + 0.15 * Math.sin(days / 45 + phase) + 0.05 * Math.sin(days / 6.3 + 2 * phase) + 0.01 * Math.sin(days * 24 * 3 + phase));
}

function barTimes(cal: CalendarId, tf: Timeframe, start: number, end: number): number[] {
  const step = TIMEFRAME_MS[tf];
  const out: number[] = [];
  if (tf === "1d") {
    for (const d of tradingDays(cal, start, end - 1)) if (d >= start && d < end) out.push(d);
    return out;
  }
  if (cal === "CRYPTO") {
    for (let t = Math.ceil(start / step) * step; t < end; t += step) out.push(t);
    return out;
  }
  for (let d = Math.floor(start / DAY_MS) * DAY_MS; d < end; d += DAY_MS) {
    const s = sessionOf(cal, d);
    if (!s) continue;
    for (let t = Math.floor(s.open / step) * step; t < s.close; t += step) if (t >= start && t < end) out.push(t);
  }
  return out;
}

export function syntheticBar(ts: number, tf: Timeframe, o: Required<Omit<SyntheticOptions, "calendar">>): FakeBar {
  const step = TIMEFRAME_MS[tf];
  const r1 = hash01(o.seed, ts, 1);
  const r2 = hash01(o.seed, ts, 2);
  const r3 = hash01(o.seed, ts, 3);
  const r4 = hash01(o.seed, ts, 4);
  const open = round(pathPrice(ts, o.basePrice, o.seed) * (1 + (r1 - 0.5) * 0.002), o.decimals);
  const close = round(pathPrice(ts + step, o.basePrice, o.seed) * (1 + (r2 - 0.5) * 0.002), o.decimals);
  const span = Math.max(open, close) * 0.003 * (step / 60_000) ** 0.25; // wider ranges for longer bars
  const high = round(Math.max(open, close) + r3 * span, o.decimals);
  const low = round(Math.min(open, close) - r4 * span, o.decimals);
  const scale = tf === "1d" ? 1 : step / (6.5 * 3_600_000);
  const volume = Math.max(1, Math.round(o.dailyVolume * scale * (0.5 + hash01(o.seed, ts, 5))));
  const vwap = round((open + high + low + close) / 4, 4);
  return { ts, open, high, low, close, volume, vwap, trades: Math.max(1, Math.round(volume / 120)) };
}

/** A BarSource producing deterministic bars on the given calendar (ignores the symbol, except to vary the seed). */
export function syntheticBars(opts: SyntheticOptions = {}): BarSource {
  const cal = opts.calendar ?? "NYSE";
  const base = {
    seed: opts.seed ?? 1,
    basePrice: opts.basePrice ?? (cal === "CRYPTO" ? 30_000 : 150),
    decimals: opts.decimals ?? 2,
    dailyVolume: opts.dailyVolume ?? (cal === "CRYPTO" ? 40_000 : 80_000_000),
  };
  return (_symbol, tf, start, end) => barTimes(cal, tf, start, end).map((ts) => syntheticBar(ts, tf, base));
}

/** A BarSource over a fixed list (e.g. hand-written bars). */
export function barsFromList(bars: readonly FakeBar[]): BarSource {
  const sorted = [...bars].sort((a, b) => a.ts - b.ts);
  return (_symbol, _tf, start, end) => sorted.filter((b) => b.ts >= start && b.ts < end);
}
