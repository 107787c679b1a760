/**
 * Pure quote logic of the live watchlist: a symbol's recent daily closes (ascending, the last one
 * possibly still forming) → last price, change vs the previous daily close, sparkline.
 */
import { bucketStart } from "@/lib/bars/timeframe";

export const SPARK_POINTS = 30;

export interface DailyPoint {
  /** Session date, 00:00 UTC (epoch ms). */
  ts: number;
  close: number;
}

export interface WatchlistQuote {
  symbol: string;
  name: string | null;
  lastPrice: number | null;
  /** Session date of the last price (epoch ms, 00:00 UTC). */
  lastTs: number | null;
  prevClose: number | null;
  changePct: number | null;
  /** Recent daily closes, oldest first, the last one = lastPrice. */
  spark: number[];
  /** Source clock of the last live event applied (null = stored bars only). */
  liveAt: number | null;
}

/** Insert or replace a daily point (ascending by ts), keeping the newest `SPARK_POINTS + 1`. */
export function upsertDaily(points: readonly DailyPoint[], p: DailyPoint): DailyPoint[] {
  const day = bucketStart(p.ts, "1d");
  const next = points.slice();
  const last = next[next.length - 1];
  if (!last || day > last.ts) next.push({ ts: day, close: p.close });
  else {
    const i = next.findIndex((x) => x.ts === day);
    if (i >= 0) next[i] = { ts: day, close: p.close };
    else {
      next.push({ ts: day, close: p.close });
      next.sort((a, b) => a.ts - b.ts);
    }
  }
  return next.length > SPARK_POINTS + 1 ? next.slice(next.length - SPARK_POINTS - 1) : next;
}

export function quoteFromDaily(symbol: string, name: string | null, points: readonly DailyPoint[], liveAt: number | null): WatchlistQuote {
  const last = points[points.length - 1];
  const prev = points[points.length - 2];
  const changePct = last && prev && prev.close !== 0 ? ((last.close - prev.close) / prev.close) * 100 : null;
  return {
    symbol,
    name,
    lastPrice: last?.close ?? null,
    lastTs: last?.ts ?? null,
    prevClose: prev?.close ?? null,
    changePct,
    spark: points.slice(-SPARK_POINTS).map((p) => p.close),
    liveAt,
  };
}
