import { bucketStart } from "@/lib/bars/timeframe";

export interface PricePoint {
  ts: number;
  close: number;
}

/** Session date (00:00 UTC) of the last price: the daily closes before it are the "previous" ones. */
export function sessionDayOf(lastTs: number): number {
  return bucketStart(lastTs, "1d");
}

/**
 * The last price's change vs the previous daily close: the close of the newest daily bar of an
 * earlier session than the last price's, whatever timeframe the price comes from (the watchlist's
 * definition, server/services/live/watchlist-quote.ts). Null without such a bar or with a zero close.
 */
export function changeVsPrevDailyClose(last: PricePoint, daily: readonly PricePoint[]): { prevClose: number; changePct: number } | null {
  const day = sessionDayOf(last.ts);
  let prev: PricePoint | undefined;
  for (const d of daily) if (d.ts < day && (!prev || d.ts > prev.ts)) prev = d;
  if (!prev || prev.close === 0) return null;
  return { prevClose: prev.close, changePct: ((last.close - prev.close) / prev.close) * 100 };
}
