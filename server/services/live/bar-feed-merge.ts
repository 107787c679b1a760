/**
 * Pure parts of the live bar feed: stream ids, entry parsing and snapshot merging (no Redis, no db).
 */
import type { BarColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import { ZBarEvent, type BarEvent, type LiveBar, type LiveBarStatus } from "@/lib/live/bar-event";

/** A bar as the browser receives it (one timeframe, so no `tf`). NaN travels as null. */
export interface FeedBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
  status: LiveBarStatus;
  flat: boolean;
}

/** One validated entry of a symbol's bar-event stream. */
export interface FeedEntry {
  id: string;
  event: BarEvent;
}

export const ZERO_ID = "0-0";
const STREAM_ID = /^(\d{1,15})-(\d{1,15})$/;

export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/** Order of two Redis stream ids ("ms-seq"): negative, 0 or positive. */
export function compareStreamIds(a: string, b: string): number {
  const ma = STREAM_ID.exec(a);
  const mb = STREAM_ID.exec(b);
  if (!ma || !mb) throw new Error(`not a stream id: ${ma ? b : a}`);
  const d = Number(ma[1]) - Number(mb[1]);
  return d !== 0 ? d : Number(ma[2]) - Number(mb[2]);
}

/** Wall time (epoch ms) at which Redis assigned an auto-generated stream id. */
export function streamIdTime(id: string): number {
  const m = STREAM_ID.exec(id);
  return m ? Number(m[1]) : 0;
}

export type RawStreamEntry = [id: string, fields: string[]];

/**
 * Parse raw XRANGE/XREAD entries (field `e` = JSON BarEvent). Entries that fail validation are
 * reported through `onBad` and skipped.
 */
export function parseEntries(raw: readonly RawStreamEntry[], onBad: (id: string, reason: string) => void): FeedEntry[] {
  const out: FeedEntry[] = [];
  for (const [id, fields] of raw) {
    let json: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "e") json = fields[i + 1];
    if (json === undefined) {
      onBad(id, "no field e");
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      onBad(id, "invalid JSON");
      continue;
    }
    const parsed = ZBarEvent.safeParse(value);
    if (!parsed.success) {
      onBad(id, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      continue;
    }
    out.push({ id, event: parsed.data });
  }
  return out;
}

export function toFeedBar(b: LiveBar): FeedBar {
  return {
    ts: b.ts,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    vwap: b.vwap === null || Number.isNaN(b.vwap) ? null : b.vwap,
    trades: Number.isNaN(b.trades) ? null : b.trades,
    status: b.status,
    flat: b.flat,
  };
}

/** The bars of one timeframe in an event, as feed bars. */
export function barsOf(event: BarEvent, tf: Timeframe): FeedBar[] {
  const out: FeedBar[] = [];
  for (const b of event.bars) if (b.tf === tf) out.push(toFeedBar(b));
  return out;
}

/** Stored bars (closed) as feed bars. */
export function feedBarsFromColumns(c: BarColumns): FeedBar[] {
  const out = new Array<FeedBar>(c.length);
  for (let i = 0; i < c.length; i++) {
    const vwap = c.vwap[i]!;
    const trades = c.trades[i]!;
    out[i] = {
      ts: c.ts[i]!,
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
      vwap: Number.isNaN(vwap) ? null : vwap,
      trades: Number.isNaN(trades) ? null : trades,
      status: "closed",
      flat: false,
    };
  }
  return out;
}

export interface MergeSnapshotOptions {
  /** Stored bars, ascending ts. */
  stored: readonly FeedBar[];
  /** Recent stream entries, oldest first. */
  entries: readonly FeedEntry[];
  timeframe: Timeframe;
  /** Keep at most this many (the newest). */
  limit: number;
  /** Only event bars at or after this ts are merged (adjusted views: older bars are not raw = adjusted). */
  liveFromTs?: number;
}

/**
 * The initial picture for a subscriber: stored bars, then every bar of the timeframe in the recent
 * events applied oldest → newest, replacing by ts (forming and updated bars win over stored ones,
 * bars closed but not yet written by the batched writer are filled in). Ascending, newest `limit`.
 */
export function mergeSnapshot(opts: MergeSnapshotOptions): FeedBar[] {
  const byTs = new Map<number, FeedBar>();
  for (const b of opts.stored) byTs.set(b.ts, b);
  const from = opts.liveFromTs ?? Number.NEGATIVE_INFINITY;
  for (const e of opts.entries) for (const b of barsOf(e.event, opts.timeframe)) if (b.ts >= from) byTs.set(b.ts, b);
  const bars = [...byTs.values()].sort((a, b) => a.ts - b.ts);
  return bars.length > opts.limit ? bars.slice(bars.length - opts.limit) : bars;
}

/** Coalesced bars of one flush, ascending ts. */
export function sortBars(bars: FeedBar[]): FeedBar[] {
  return bars.sort((a, b) => a.ts - b.ts);
}
