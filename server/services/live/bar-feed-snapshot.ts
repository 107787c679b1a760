import type { Timeframe } from "@/lib/bars/timeframe";
import { db, redis } from "../../db";
import { logger } from "../../logger";
import { getBars } from "../bars/get-bars";
import { feedBarsFromColumns, mergeSnapshot, parseEntries, ZERO_ID, type FeedBar, type RawStreamEntry } from "./bar-feed-merge";
import { liveKeys } from "./keys";

export interface GetLiveBarsSnapshotOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Most bars returned (the newest). */
  limit: number;
  /** Adjusted view: stored bars adjusted; live (raw) bars merged only where raw = adjusted. */
  adjusted?: boolean;
  /**
   * Recent stream entries merged over the stored bars. More than the latest one, so bars that closed
   * but are not yet written by the builder's batched writer are included too.
   */
  events?: number;
}

export interface LiveBarsSnapshot {
  /** Newest stream entry merged ("0-0" when the stream is empty): updates follow from here. */
  id: string;
  bars: FeedBar[];
  /**
   * Whether live (raw) bars can be applied to this view: always for raw views; for adjusted views
   * only when the latest adjustment segment has factors 1 (no adjustment on the last bar).
   */
  adjustable: boolean;
  /** Source clock and collector receive time of the newest merged event (null without events). */
  clock: number | null;
  receivedAt: number | null;
}

export const SNAPSHOT_EVENTS = 300;

/** Initial picture for a live subscriber: stored bars merged with the recent bar events. */
export async function getLiveBarsSnapshot(opts: GetLiveBarsSnapshotOptions): Promise<LiveBarsSnapshot> {
  const key = liveKeys().bars(opts.symbol);
  // Events first: stored bars read afterwards are at least as new, and anything newer than the
  // snapshot id is re-sent by the updates (replace by ts), so the two reads need no transaction.
  const raw = ((await redis().xrevrange(key, "+", "-", "COUNT", opts.events ?? SNAPSHOT_EVENTS)) as RawStreamEntry[]).reverse();
  const [stored, adj] = await Promise.all([
    getBars({ symbol: opts.symbol, timeframe: opts.timeframe, limit: opts.limit, adjusted: opts.adjusted ?? false }),
    opts.adjusted ? latestAdjustment(opts.symbol) : Promise.resolve(null),
  ]);
  const entries = parseEntries(raw, (id, reason) => logger.warn({ key, id, reason }, "bar feed: skipped a malformed bar event"));
  const adjustable = !opts.adjusted || adj === null || (adj.pf === 1 && adj.vf === 1);
  const bars = mergeSnapshot({
    stored: feedBarsFromColumns(stored),
    entries: adjustable ? entries : [],
    timeframe: opts.timeframe,
    limit: opts.limit,
    liveFromTs: opts.adjusted && adj ? adj.ts : undefined,
  });
  const newest = entries[entries.length - 1];
  return {
    id: raw[raw.length - 1]?.[0] ?? ZERO_ID,
    bars,
    adjustable,
    clock: newest?.event.clock ?? null,
    receivedAt: newest?.event.receivedAt ?? null,
  };
}

async function latestAdjustment(symbol: string): Promise<{ ts: number; pf: number; vf: number } | null> {
  const sql = db().$client;
  const rows = await sql<{ t: number; pf: number; vf: number }[]>`
    select (extract(epoch from ts) * 1000)::float8 as t, price_factor as pf, volume_factor as vf
    from adjustment_factors where symbol = ${symbol} order by ts desc limit 1`;
  const r = rows[0];
  return r ? { ts: r.t, pf: r.pf, vf: r.vf } : null;
}
