import { getBars } from "../bars/get-bars";
import { redis } from "../../db";
import { logger } from "../../logger";
import { parseEntries, ZERO_ID, type RawStreamEntry } from "./bar-feed-merge";
import { liveKeys } from "./keys";
import { listWatchlist } from "./watchlist";
import { quoteFromDaily, SPARK_POINTS, upsertDaily, type DailyPoint, type WatchlistQuote } from "./watchlist-quote";

/** Recent events read per symbol for the forming daily bar (every builder step carries all timeframes). */
const QUOTE_EVENTS = 20;

export interface SymbolQuoteState {
  symbol: string;
  name: string | null;
  points: DailyPoint[];
  liveAt: number | null;
  /** Newest stream entry merged: live updates follow from here. */
  id: string;
}

/**
 * One symbol's quote state: adjusted daily closes (raw = adjusted for the latest segment, so live
 * prices continue the series), the newest stored 1m close if it is from a later session, then the
 * daily bars of the recent bar events.
 */
export async function getSymbolQuoteState(symbol: string, name: string | null): Promise<SymbolQuoteState> {
  const key = liveKeys().bars(symbol);
  const raw = ((await redis().xrevrange(key, "+", "-", "COUNT", QUOTE_EVENTS)) as RawStreamEntry[]).reverse();
  const [daily, minute] = await Promise.all([
    getBars({ symbol, timeframe: "1d", limit: SPARK_POINTS + 1, adjusted: true }),
    getBars({ symbol, timeframe: "1m", limit: 1 }),
  ]);
  let points: DailyPoint[] = [];
  for (let i = 0; i < daily.length; i++) points.push({ ts: daily.ts[i]!, close: daily.close[i]! });
  if (minute.length) {
    const lastDay = points[points.length - 1]?.ts ?? Number.NEGATIVE_INFINITY;
    if (minute.ts[0]! >= lastDay + 86_400_000) points = upsertDaily(points, { ts: minute.ts[0]!, close: minute.close[0]! });
  }
  let liveAt: number | null = null;
  for (const e of parseEntries(raw, (id, reason) => logger.warn({ key, id, reason }, "watchlist: skipped a malformed bar event"))) {
    for (const b of e.event.bars) if (b.tf === "1d") points = upsertDaily(points, { ts: b.ts, close: b.close });
    liveAt = e.event.clock;
  }
  return { symbol, name, points, liveAt, id: raw[raw.length - 1]?.[0] ?? ZERO_ID };
}

export function quoteOf(s: SymbolQuoteState): WatchlistQuote {
  return quoteFromDaily(s.symbol, s.name, s.points, s.liveAt);
}

/** Last price, change % vs the previous daily close and a sparkline for each symbol on the user's watchlist. */
export async function getWatchlistSnapshot(opts: { userId: string }): Promise<{ rows: WatchlistQuote[] }> {
  const list = await listWatchlist(opts);
  const states = await Promise.all(list.map((w) => getSymbolQuoteState(w.symbol, w.name)));
  return { rows: states.map(quoteOf) };
}
