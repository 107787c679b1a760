import { z } from "zod";
import { TIMEFRAMES, type Timeframe } from "../bars/timeframe";

/**
 * What the bar builder publishes for fan-out (one Redis Stream per symbol, see server/services/live):
 * every change of a symbol's bars in one builder step, all timeframes at once.
 *
 * - forming: the bar of the bucket that is still open (changes with every print);
 * - closed: the bucket ended (by the source clock); the bar is final unless a late print within the
 *   grace window changes it, which re-emits it as
 * - updated: a closed bar changed by a late print.
 * flat = the market was open but no print arrived in the bucket (o = h = l = c = previous close, volume 0).
 */
export const LIVE_BAR_STATUSES = ["forming", "closed", "updated"] as const;
export type LiveBarStatus = (typeof LIVE_BAR_STATUSES)[number];

export interface LiveBar {
  tf: Timeframe;
  /** Bucket open, epoch ms UTC. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** NaN is sent as null in JSON. */
  vwap: number | null;
  trades: number;
  status: LiveBarStatus;
  flat: boolean;
}

export interface BarEvent {
  symbol: string;
  /** Source clock after this step (epoch ms). */
  clock: number;
  /** Wall time (epoch ms) at which the collector received the newest print in this step; null for clock-only steps. */
  receivedAt: number | null;
  bars: LiveBar[];
}

export const ZLiveBar = z.object({
  tf: z.enum(TIMEFRAMES),
  ts: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  vwap: z.number().nullable(),
  trades: z.number(),
  status: z.enum(LIVE_BAR_STATUSES),
  flat: z.boolean(),
});

export const ZBarEvent = z.object({
  symbol: z.string(),
  clock: z.number(),
  receivedAt: z.number().nullable(),
  bars: z.array(ZLiveBar),
});
