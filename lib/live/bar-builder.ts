import { aggregate, BarAccumulator } from "../bars/aggregate";
import { emptyColumns, type Bar, type BarColumns } from "../bars/columns";
import { bucketStart, TIMEFRAME_MS, type Timeframe } from "../bars/timeframe";
import { isOpenAt, sessionOf, type CalendarId } from "../calendar";
import type { LiveBar, LiveBarStatus } from "./bar-event";
import type { Tick } from "./tick";

/**
 * Tick → bar state machine of the live path (pure: the caller feeds prints and clocks, and drains the
 * changes to publish and to store).
 *
 * - 1m bars: open = earliest print, close = latest print (ties keep arrival order, exactly like a
 *   stable sort by ts), high/low, volume, vwap = Σ price·size / Σ size, trades.
 * - A bucket closes when its source's clock passes its end (collectors send clock heartbeats, so bars
 *   close on time without a print) or when a print of a later bucket arrives.
 * - A print for a closed bucket is accepted while the source clock is within `graceMs` of the bucket's
 *   end: the bar is updated and re-emitted ("updated"). Older prints are rejected with reason "late".
 * - Minutes of the session that passed without a print get a flat bar (o = h = l = c = last close,
 *   volume 0) — but only when the clock moved through them in steps of at most `maxFlatGapMs`; a
 *   bigger jump means the feed was away, which is a gap, not a silent market.
 * - One feed per symbol: when prints of a symbol arrive from another source (a new replay, a vendor
 *   failover), the symbol's state restarts from that source's prints (stored bars are upserted).
 * - 5m..1d: the history path's aggregation step (BarAccumulator, the core of `aggregate`) over the
 *   closed 1m bars of the bucket — merged in O(1) as minutes close in order, recomputed when a late print
 *   changes an earlier minute — plus the forming minute for the forming bar. Flat minutes carry no print,
 *   so they do not shape a higher bar that has a traded minute (its open is its first print, as in the
 *   history path); a bucket with only flat minutes is a flat bar. A higher bar closes when the clock
 *   passes the bucket's end or the session's close, whichever is first — every such bucket, however far
 *   one clock step jumps.
 */
export interface LiveBarBuilderOptions {
  graceMs?: number;
  maxFlatGapMs?: number;
  /** Prints more than this ahead of their source's clock are rejected ("future"). */
  futureToleranceMs?: number;
  /** Higher timeframes to build (default 5m 15m 1h 4h 1d). */
  higher?: readonly Timeframe[];
}

export interface LiveSymbolMeta {
  symbol: string;
  calendar: CalendarId;
}

export type TickRejectReason = "late" | "outside-session" | "invalid" | "future" | "unknown-symbol";

export interface TickReject {
  symbol: string;
  source: string;
  reason: TickRejectReason;
  ts: number;
  price: number;
  size: number;
}

/** One 1m bar of the live state. firstTs/lastTs are the print times that set open/close. */
export interface MinuteBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Σ price × size. */
  pv: number;
  trades: number;
  flat: boolean;
  firstTs: number;
  lastTs: number;
}

/** A bar to store (any timeframe); vwap NaN when unknown; flat = no print in a session minute. */
export interface StoredBar extends Bar {
  flat: boolean;
}

export interface BuilderStep {
  /** Per symbol: bars that changed in this step (closed/updated ones and the forming bar of every timeframe). */
  events: Map<string, LiveBar[]>;
  /** Bars to store: timeframe → symbol → bars (latest state per ts). */
  writes: Map<Timeframe, Map<string, StoredBar[]>>;
  rejects: TickReject[];
  /** Newest collector receive time among the prints of this step. */
  receivedAt: number | null;
  ticks: number;
}

/** Serialisable per-symbol state besides the day's closed 1m bars (those are stored and reloaded). */
export interface SymbolSnapshot {
  symbol: string;
  source: string;
  forming: MinuteBar | null;
  /** Closed 1m bars still inside the grace window (with their first/last print times). */
  grace: MinuteBar[];
  lastClose: number | null;
  /** End of the newest closed 1m bucket. */
  closedUntil: number;
  /** Per higher timeframe, the newest bucket already emitted as closed. */
  higherClosed: Partial<Record<Timeframe, number>>;
}

export interface BuilderSnapshot {
  clocks: Record<string, number>;
  symbols: SymbolSnapshot[];
}

const MINUTE = 60_000;
const DEFAULT_HIGHER: readonly Timeframe[] = ["5m", "15m", "1h", "4h", "1d"];
const TF_SLOT: Record<Timeframe, number> = { "1m": 0, "5m": 1, "15m": 2, "1h": 3, "4h": 4, "1d": 5 };
/** A number per (timeframe, bucket): buckets are whole minutes, so ts + slot (< 60,000) never collides. */
const pendingKey = (tf: Timeframe, ts: number): number => ts + TF_SLOT[tf];

interface SymbolState {
  symbol: string;
  calendar: CalendarId;
  source: string;
  forming: MinuteBar | null;
  /** Closed 1m bars of the current 1d bucket (and later), ascending ts. */
  day: MinuteBar[];
  lastClose: number;
  closedUntil: number;
  higherClosed: Map<Timeframe, number>;
  /** Changed closed/updated bars to emit, keyed by pendingKey(tf, ts). */
  pending: Map<number, LiveBar>;
  /** The forming minute changed in this step (its bar is built once, at drain). */
  formingDirty: boolean;
  /** 1m bar ts whose higher buckets must be recomputed. */
  dirtyMinutes: Set<number>;
  /** Per higher timeframe: the closed minutes' aggregate of one bucket (invalidated by changed minutes). */
  closedPart: Map<Timeframe, ClosedPart>;
  /** Per higher timeframe: the forming bar last emitted (an unchanged one is not emitted again). */
  lastForming: Map<Timeframe, LiveBar>;
  touched: boolean;
}

/**
 * The closed minutes of one higher bucket, merged in time order (up to and including lastTs): the traded
 * minutes once there is one (flat: false), else the flat ones (flat: true).
 */
interface ClosedPart {
  bucket: number;
  acc: BarAccumulator;
  lastTs: number;
  flat: boolean;
}

/** Merge the next closed minute (in time order) of the part's bucket; see ClosedPart. */
function addToPart(cp: ClosedPart, m: MinuteBar): void {
  cp.lastTs = m.ts;
  if (m.flat) {
    if (cp.flat) addMinute(cp.acc, m);
    return;
  }
  if (cp.flat) {
    // The first traded minute: the flats before it were placeholders at the previous close.
    cp.acc.reset(cp.bucket, m.open, m.high, m.low);
    cp.flat = false;
  }
  addMinute(cp.acc, m);
}

function newMinute(ts: number, t: Tick): MinuteBar {
  return { ts, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size, pv: t.price * t.size, trades: 1, flat: false, firstTs: t.ts, lastTs: t.ts };
}

function addPrint(b: MinuteBar, t: Tick): void {
  if (b.flat) {
    b.open = b.high = b.low = b.close = t.price;
    b.volume = t.size;
    b.pv = t.price * t.size;
    b.trades = 1;
    b.flat = false;
    b.firstTs = b.lastTs = t.ts;
    return;
  }
  if (t.ts < b.firstTs) {
    b.open = t.price;
    b.firstTs = t.ts;
  }
  if (t.ts >= b.lastTs) {
    b.close = t.price;
    b.lastTs = t.ts;
  }
  if (t.price > b.high) b.high = t.price;
  if (t.price < b.low) b.low = t.price;
  b.volume += t.size;
  b.pv += t.price * t.size;
  b.trades += 1;
}

function flatMinute(ts: number, price: number): MinuteBar {
  return { ts, open: price, high: price, low: price, close: price, volume: 0, pv: 0, trades: 0, flat: true, firstTs: ts, lastTs: ts };
}

function minuteVwap(b: MinuteBar): number {
  return b.volume > 0 ? b.pv / b.volume : Number.NaN;
}

function toStored(b: MinuteBar): StoredBar {
  return { ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, vwap: minuteVwap(b), trades: b.trades, flat: b.flat };
}

function accBar(acc: BarAccumulator, flat: boolean): StoredBar {
  return { ts: acc.ts, open: acc.open, high: acc.high, low: acc.low, close: acc.close, volume: acc.volume, vwap: acc.vwap(), trades: acc.tradeCount(), flat };
}

function addMinute(acc: BarAccumulator, m: MinuteBar): void {
  acc.add(m.high, m.low, m.close, m.volume, minuteVwap(m), m.trades);
}

function toLive(tf: Timeframe, b: StoredBar, status: LiveBarStatus): LiveBar {
  return {
    tf,
    ts: b.ts,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    vwap: Number.isFinite(b.vwap) ? b.vwap : null,
    trades: b.trades,
    status,
    flat: b.flat,
  };
}

function sameBar(a: LiveBar, b: LiveBar): boolean {
  return (
    a.ts === b.ts && a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume && a.vwap === b.vwap && a.trades === b.trades && a.status === b.status && a.flat === b.flat
  );
}

/** Minute bars → columns for `aggregate` (vwap NaN for silent minutes: they carry no volume). */
function minuteColumns(bars: readonly MinuteBar[]): BarColumns {
  const c = emptyColumns(bars.length);
  c.length = bars.length;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
    c.vwap[i] = minuteVwap(b);
    c.trades[i] = b.trades;
  }
  return c;
}

/** First index with bars[i].ts >= ts. */
function lowerBound(bars: readonly MinuteBar[], ts: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** When a higher bucket is complete: its end, or the session's close if that comes first. */
export function higherBucketCloseTime(calendar: CalendarId, tf: Timeframe, bucket: number): number {
  const end = bucket + TIMEFRAME_MS[tf];
  const s = sessionOf(calendar, bucket);
  if (s && s.close > bucket && s.close < end) return s.close;
  return end;
}

export class LiveBarBuilder {
  private readonly graceMs: number;
  private readonly maxFlatGapMs: number;
  private readonly futureToleranceMs: number;
  private readonly higher: readonly Timeframe[];
  private readonly meta = new Map<string, CalendarId>();
  private readonly states = new Map<string, SymbolState>();
  private readonly clocks = new Map<string, number>();
  private readonly bySource = new Map<string, Set<SymbolState>>();
  private rejects: TickReject[] = [];
  private readonly scratch = new BarAccumulator();
  private writes = new Map<Timeframe, Map<string, Map<number, StoredBar>>>();
  private receivedAt: number | null = null;
  private tickCount = 0;

  constructor(opts: LiveBarBuilderOptions = {}) {
    this.graceMs = opts.graceMs ?? 5_000;
    this.maxFlatGapMs = opts.maxFlatGapMs ?? 5 * MINUTE;
    this.futureToleranceMs = opts.futureToleranceMs ?? MINUTE;
    this.higher = opts.higher ?? DEFAULT_HIGHER;
  }

  /** Register (or update) a symbol's calendar. Prints of unregistered symbols are rejected. */
  setSymbol(m: LiveSymbolMeta): void {
    this.meta.set(m.symbol, m.calendar);
    const st = this.states.get(m.symbol);
    if (st) st.calendar = m.calendar;
  }

  hasSymbol(symbol: string): boolean {
    return this.meta.has(symbol);
  }

  clock(source: string): number {
    return this.clocks.get(source) ?? Number.NEGATIVE_INFINITY;
  }

  /** The feed whose prints currently build `symbol`'s bars (null before its first print). */
  sourceOf(symbol: string): string | null {
    return this.states.get(symbol)?.source ?? null;
  }

  /** Symbols with state (seen at least one print or restored). */
  symbols(): string[] {
    return [...this.states.keys()];
  }

  private state(symbol: string, source: string): SymbolState | null {
    let st = this.states.get(symbol);
    if (st && st.source === source) return st;
    // A different feed took over the symbol (a new replay, a vendor failover): its bars start from its
    // own prints; mixing two feeds' prints in one bar would double count.
    if (st) this.bySource.get(st.source)?.delete(st);
    const cal = this.meta.get(symbol);
    if (!cal) return null;
    st = {
      symbol,
      calendar: cal,
      source,
      forming: null,
      day: [],
      lastClose: Number.NaN,
      closedUntil: Number.NEGATIVE_INFINITY,
      higherClosed: new Map(),
      pending: new Map(),
      formingDirty: false,
      dirtyMinutes: new Set(),
      closedPart: new Map(),
      lastForming: new Map(),
      touched: false,
    };
    this.states.set(symbol, st);
    this.sourceSet(source).add(st);
    return st;
  }

  private sourceSet(source: string): Set<SymbolState> {
    let s = this.bySource.get(source);
    if (!s) {
      s = new Set();
      this.bySource.set(source, s);
    }
    return s;
  }

  /**
   * Apply one batch of prints from `source` (in arrival order), then advance its clock to `clock`.
   * `receivedAt` = wall time the collector received the newest print (for latency accounting).
   */
  apply(source: string, ticks: readonly Tick[], clock: number, receivedAt: number | null = null): void {
    const prev = this.clocks.get(source) ?? Number.NEGATIVE_INFINITY;
    const now = Math.max(prev, clock);
    if (ticks.length > 0 && receivedAt !== null) this.receivedAt = Math.max(this.receivedAt ?? receivedAt, receivedAt);
    this.tickCount += ticks.length;
    for (const t of ticks) this.applyTick(source, t, now);
    this.advance(source, prev, now);
  }

  private reject(t: Tick, source: string, reason: TickRejectReason): void {
    this.rejects.push({ symbol: t.symbol, source, reason, ts: t.ts, price: t.price, size: t.size });
  }

  private applyTick(source: string, t: Tick, now: number): void {
    if (!(Number.isFinite(t.ts) && Number.isFinite(t.price) && Number.isFinite(t.size) && t.price > 0 && t.size >= 0)) {
      this.reject(t, source, "invalid");
      return;
    }
    const st = this.state(t.symbol, source);
    if (!st) {
      this.reject(t, source, "unknown-symbol");
      return;
    }
    if (t.ts > now + this.futureToleranceMs && Number.isFinite(now)) {
      this.reject(t, source, "future");
      return;
    }
    if (!isOpenAt(st.calendar, t.ts)) {
      this.reject(t, source, "outside-session");
      return;
    }
    const b = Math.floor(t.ts / MINUTE) * MINUTE;
    const f = st.forming;
    if (f && b === f.ts) {
      addPrint(f, t);
      st.touched = st.formingDirty = true;
      return;
    }
    if (b >= st.closedUntil && (!f || b > f.ts)) {
      // A new minute: close the forming one (and fill silent minutes before this print).
      if (f) this.closeForming(st, b, false);
      else this.fillFlats(st, b, false);
      const nb = newMinute(b, t);
      st.forming = nb;
      st.touched = st.formingDirty = true;
      return;
    }
    // A print for a closed minute (or older than the forming one): only within the grace window.
    if (now - (b + MINUTE) > this.graceMs) {
      this.reject(t, source, "late");
      return;
    }
    const i = lowerBound(st.day, b);
    const existing = st.day[i];
    if (existing && existing.ts === b) {
      addPrint(existing, t);
      this.closedChanged(st, existing, "updated");
    } else {
      const nb = newMinute(b, t);
      st.day.splice(i, 0, nb);
      this.closedChanged(st, nb, "updated");
    }
  }

  private touch(st: SymbolState, tf: Timeframe, b: MinuteBar, status: LiveBarStatus): void {
    st.touched = true;
    st.pending.set(pendingKey(tf, b.ts), toLive(tf, toStored(b), status));
  }

  /** A closed 1m bar was created or changed: emit, store, and refresh its higher buckets. */
  private closedChanged(st: SymbolState, b: MinuteBar, status: LiveBarStatus): void {
    this.touch(st, "1m", b, status);
    this.write("1m", st.symbol, toStored(b));
    st.dirtyMinutes.add(b.ts);
    // Keep each higher bucket's closed part current: O(1) for a minute closing in order, else recompute lazily.
    for (const tf of this.higher) {
      const cp = st.closedPart.get(tf);
      if (!cp || cp.bucket !== bucketStart(b.ts, tf)) continue;
      if (b.ts > cp.lastTs && status === "closed") addToPart(cp, b);
      else st.closedPart.delete(tf);
    }
    if (b.ts + MINUTE >= st.closedUntil) st.lastClose = st.day[st.day.length - 1]?.close ?? b.close;
  }

  private write(tf: Timeframe, symbol: string, b: StoredBar): void {
    let byTf = this.writes.get(tf);
    if (!byTf) {
      byTf = new Map();
      this.writes.set(tf, byTf);
    }
    let bySym = byTf.get(symbol);
    if (!bySym) {
      bySym = new Map();
      byTf.set(symbol, bySym);
    }
    bySym.set(b.ts, b);
  }

  /** Close the forming minute; then flat minutes up to `until` (exclusive) if the market was open. */
  private closeForming(st: SymbolState, until: number, byClock: boolean): void {
    const f = st.forming!;
    st.forming = null;
    st.day.push(f);
    st.closedUntil = f.ts + MINUTE;
    st.lastClose = f.close;
    this.closedChanged(st, f, "closed");
    this.fillFlats(st, until, byClock);
  }

  /** Flat bars for session minutes in [closedUntil, until) when the last close is known. */
  private fillFlats(st: SymbolState, until: number, byClock: boolean): void {
    // Unknown last price, or a print-driven close after a long silence (a gap unless the clock walked through it).
    if (!Number.isFinite(st.closedUntil) || !Number.isFinite(st.lastClose) || (!byClock && until - st.closedUntil > this.maxFlatGapMs)) {
      this.skipTo(st, until);
      return;
    }
    for (let m = st.closedUntil; m < until; m += MINUTE) {
      if (!isOpenAt(st.calendar, m)) continue;
      const fb = flatMinute(m, st.lastClose);
      st.day.push(fb);
      this.closedChanged(st, fb, "closed");
    }
    st.closedUntil = Math.max(st.closedUntil, until);
  }

  /** Minutes up to `until` passed without flat bars (a gap, or no last price yet). */
  private skipTo(st: SymbolState, until: number): void {
    const next = Number.isFinite(st.closedUntil) ? Math.max(st.closedUntil, until) : until;
    if (next === st.closedUntil) return;
    st.closedUntil = next;
    // A gap is state too: a snapshot must carry it, or a restart would fill it with flats.
    st.touched = true;
  }

  /** The clock of `source` moved from prev to now: close due minutes (flats too) and higher buckets. */
  private advance(source: string, prev: number, now: number): void {
    if (!(now > prev)) return;
    this.clocks.set(source, now);
    const set = this.bySource.get(source);
    if (!set) return;
    const due = Math.floor(now / MINUTE) * MINUTE;
    const walked = Number.isFinite(prev) && now - prev <= this.maxFlatGapMs;
    for (const st of set) {
      if (st.forming && st.forming.ts + MINUTE <= now) this.closeForming(st, walked ? due : st.forming.ts + MINUTE, true);
      else if (!st.forming && Number.isFinite(st.closedUntil) && st.closedUntil < due) {
        if (walked) this.fillFlats(st, due, true);
        else this.skipTo(st, due);
      }
      // Close every higher bucket with minutes after the last closed one whose time has come, in order
      // (one clock step can pass several: a feed's hiccup, a fast replay's stall, an outage over midnight).
      // A forming minute's bucket is never due: the minute is still open, and sessions close on a minute.
      for (const tf of this.higher) {
        const last = st.higherClosed.get(tf) ?? Number.NEGATIVE_INFINITY;
        for (let i = lowerBound(st.day, Number.isFinite(last) ? last + TIMEFRAME_MS[tf] : last); i < st.day.length; ) {
          const hb = bucketStart(st.day[i]!.ts, tf);
          if (higherBucketCloseTime(st.calendar, tf, hb) > now) break;
          this.closeHigher(st, tf, hb);
          i = lowerBound(st.day, hb + TIMEFRAME_MS[tf]);
        }
      }
      this.trimDay(st, now);
    }
  }

  private closeHigher(st: SymbolState, tf: Timeframe, bucket: number): void {
    st.higherClosed.set(tf, bucket);
    const bar = this.higherBar(st, tf, bucket, false);
    if (!bar) return;
    st.touched = true;
    st.pending.set(pendingKey(tf, bucket), toLive(tf, bar, "closed"));
    this.write(tf, st.symbol, bar);
  }

  /** The closed part of a higher bucket (cached per timeframe for its current bucket). */
  private closedPartOf(st: SymbolState, tf: Timeframe, bucket: number): ClosedPart | null {
    const hit = st.closedPart.get(tf);
    if (hit && hit.bucket === bucket) return hit;
    const i0 = lowerBound(st.day, bucket);
    const i1 = lowerBound(st.day, bucket + TIMEFRAME_MS[tf]);
    if (i1 <= i0) {
      if (hit) st.closedPart.delete(tf);
      return null;
    }
    const first = st.day[i0]!;
    const acc = new BarAccumulator();
    acc.reset(bucket, first.open, first.high, first.low);
    const cp: ClosedPart = { bucket, acc, lastTs: first.ts, flat: true };
    for (let i = i0; i < i1; i++) addToPart(cp, st.day[i]!);
    st.closedPart.set(tf, cp);
    return cp;
  }

  /** The bar of a higher bucket from its closed minutes, plus the forming minute when asked. */
  private higherBar(st: SymbolState, tf: Timeframe, bucket: number, withForming: boolean): StoredBar | null {
    const cp = this.closedPartOf(st, tf, bucket);
    const f = st.forming;
    if (!withForming || !f || f.ts < bucket || f.ts >= bucket + TIMEFRAME_MS[tf]) return cp ? accBar(cp.acc, cp.flat) : null;
    // The forming minute always has a print: flat closed minutes before it do not count (see addToPart).
    const acc = this.scratch;
    if (cp && !cp.flat) acc.copyFrom(cp.acc);
    else acc.reset(bucket, f.open, f.high, f.low);
    addMinute(acc, f);
    return accBar(acc, false);
  }

  /** Drop closed minutes that no open higher bucket and no grace window needs any more. */
  private trimDay(st: SymbolState, now: number): void {
    if (st.day.length < 2048) return;
    const keepFrom = Math.min(bucketStart(now, "1d"), now - this.graceMs - MINUTE);
    const i = lowerBound(st.day, keepFrom);
    if (i > 0) st.day.splice(0, i);
  }

  /** Collect this step's changes (events, bars to store, rejects) and reset them. */
  drain(): BuilderStep {
    const events = new Map<string, LiveBar[]>();
    for (const st of this.states.values()) {
      if (!st.touched) continue;
      // The forming minute, once per step however many prints changed it.
      if (st.formingDirty && st.forming) st.pending.set(pendingKey("1m", st.forming.ts), toLive("1m", toStored(st.forming), "forming"));
      st.formingDirty = false;
      // Higher buckets touched by changed minutes: stored (closed part) and emitted.
      for (const tf of this.higher) {
        let prevHb = Number.NaN;
        for (const m of st.dirtyMinutes) {
          const hb = bucketStart(m, tf);
          // Changed minutes are few and mostly of one bucket: skip repeats of the previous one (a bucket seen
          // again later is recomputed to the same result).
          if (hb === prevHb) continue;
          prevHb = hb;
          const key = pendingKey(tf, hb);
          const closedPart = this.higherBar(st, tf, hb, false);
          if (!closedPart) continue;
          this.write(tf, st.symbol, closedPart);
          const closed = (st.higherClosed.get(tf) ?? Number.NEGATIVE_INFINITY) >= hb;
          if (closed) st.pending.set(key, toLive(tf, closedPart, st.pending.get(key)?.status === "closed" ? "closed" : "updated"));
        }
      }
      st.dirtyMinutes.clear();
      // The forming bar of every higher timeframe (closed minutes of its bucket + the forming minute).
      const cur = st.forming?.ts ?? st.day[st.day.length - 1]?.ts;
      if (cur !== undefined) {
        for (const tf of this.higher) {
          const hb = bucketStart(cur, tf);
          if ((st.higherClosed.get(tf) ?? Number.NEGATIVE_INFINITY) >= hb) continue;
          const bar = this.higherBar(st, tf, hb, true);
          if (!bar) continue;
          // A clock-only close leaves the forming higher bars as they were: emit only what changed.
          const live = toLive(tf, bar, "forming");
          const prev = st.lastForming.get(tf);
          if (prev && sameBar(prev, live)) continue;
          st.lastForming.set(tf, live);
          st.pending.set(pendingKey(tf, hb), live);
        }
      }
      events.set(st.symbol, [...st.pending.values()]);
      st.pending.clear();
      st.touched = false;
    }
    const writes = new Map<Timeframe, Map<string, StoredBar[]>>();
    for (const [tf, bySym] of this.writes) {
      const m = new Map<string, StoredBar[]>();
      for (const [sym, bars] of bySym) m.set(sym, [...bars.values()].sort((a, b) => a.ts - b.ts));
      writes.set(tf, m);
    }
    const out: BuilderStep = { events, writes, rejects: this.rejects, receivedAt: this.receivedAt, ticks: this.tickCount };
    this.writes = new Map();
    this.rejects = [];
    this.receivedAt = null;
    this.tickCount = 0;
    return out;
  }

  /** State to persist for `symbols` (default all), without the day's closed minutes (they are stored). */
  snapshot(symbols?: Iterable<string>): BuilderSnapshot {
    const list = symbols ? [...symbols].map((s) => this.states.get(s)).filter((s): s is SymbolState => !!s) : [...this.states.values()];
    const clocks: Record<string, number> = {};
    for (const [k, v] of this.clocks) clocks[k] = v;
    return {
      clocks,
      symbols: list.map((st) => {
        const now = this.clocks.get(st.source) ?? Number.NEGATIVE_INFINITY;
        const grace: MinuteBar[] = [];
        for (let i = st.day.length - 1; i >= 0 && now - (st.day[i]!.ts + MINUTE) <= this.graceMs; i--) grace.unshift({ ...st.day[i]! });
        return {
          symbol: st.symbol,
          source: st.source,
          forming: st.forming ? { ...st.forming } : null,
          grace,
          lastClose: Number.isFinite(st.lastClose) ? st.lastClose : null,
          closedUntil: Number.isFinite(st.closedUntil) ? st.closedUntil : -1,
          higherClosed: Object.fromEntries(st.higherClosed),
        };
      }),
    };
  }

  /**
   * Rebuild state from a snapshot plus the stored closed minutes of each symbol's current day
   * (`storedMinutes`, ascending). Grace bars from the snapshot replace stored ones with the same ts;
   * stored minutes the snapshot had not closed yet are ignored (their prints are replayed).
   */
  restore(snap: BuilderSnapshot, storedMinutes: (symbol: string) => readonly StoredBar[]): void {
    for (const [k, v] of Object.entries(snap.clocks)) this.clocks.set(k, v);
    for (const s of snap.symbols) {
      const st = this.state(s.symbol, s.source);
      if (!st) continue;
      const grace = new Map(s.grace.map((b) => [b.ts, b]));
      // Stored minutes at or after the snapshot's closedUntil were written by steps the snapshot does not
      // include (stored, then the process died before acknowledging): their prints are still pending and
      // will be applied again, so those rows must not be taken as closed minutes.
      const closedUntil = s.closedUntil === -1 ? Number.NEGATIVE_INFINITY : s.closedUntil;
      const day: MinuteBar[] = [];
      for (const b of storedMinutes(s.symbol)) {
        if (!(b.ts < closedUntil)) continue;
        const g = grace.get(b.ts);
        if (g) {
          grace.delete(b.ts);
          day.push({ ...g });
        } else {
          const vol = b.volume;
          // Unknown vwap (a vendor without it) stays unknown for the higher bars, not 0.
          const pv = Number.isFinite(b.vwap) ? b.vwap * vol : vol > 0 ? Number.NaN : 0;
          day.push({ ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: vol, pv, trades: b.trades, flat: b.flat, firstTs: b.ts, lastTs: b.ts + MINUTE - 1 });
        }
      }
      for (const g of grace.values()) day.push({ ...g });
      day.sort((a, b) => a.ts - b.ts);
      st.day = day;
      st.forming = s.forming ? { ...s.forming } : null;
      st.lastClose = s.lastClose ?? Number.NaN;
      st.closedUntil = s.closedUntil === -1 ? Number.NEGATIVE_INFINITY : s.closedUntil;
      st.higherClosed = new Map(Object.entries(s.higherClosed) as [Timeframe, number][]);
    }
  }
}

/**
 * The offline reference: bars of every timeframe from a complete, final set of prints (what the
 * history path would store for them). Prints outside the session are ignored; no flat bars.
 */
export function barsFromTicks(ticks: readonly Tick[], calendar: CalendarId, timeframes: readonly Timeframe[] = ["1m", ...DEFAULT_HIGHER]): Map<Timeframe, BarColumns> {
  const order = ticks.map((_, i) => i).filter((i) => isOpenAt(calendar, ticks[i]!.ts));
  order.sort((a, b) => ticks[a]!.ts - ticks[b]!.ts || a - b);
  const mins: MinuteBar[] = [];
  for (const i of order) {
    const t = ticks[i]!;
    const b = Math.floor(t.ts / MINUTE) * MINUTE;
    const last = mins[mins.length - 1];
    if (last && last.ts === b) addPrint(last, t);
    else mins.push(newMinute(b, t));
  }
  const m1 = minuteColumns(mins);
  const out = new Map<Timeframe, BarColumns>();
  for (const tf of timeframes) out.set(tf, tf === "1m" ? m1 : aggregate(m1, tf));
  return out;
}
