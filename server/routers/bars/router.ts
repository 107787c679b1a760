import { tracked } from "@trpc/server";
import { z } from "zod";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { LIVE_BAR_STATUSES } from "@/lib/live/bar-event";
import { MAX_BARS_PER_PAGE } from "../../services/bars/get-bars";
import { streamLiveBars } from "../../services/live/bar-feed-stream";
import { authedProcedure, router } from "../../trpc";
import { ZSymbolCode } from "../market/symbols";

export const ZLiveBarsInput = z.object({
  symbol: ZSymbolCode,
  timeframe: z.enum(TIMEFRAMES),
  /** The view's prices: live bars are raw, so for adjusted views they apply only while the last bar has no adjustment. */
  adjusted: z.boolean().default(false),
  /** Bars in the snapshot (the newest). */
  limit: z.number().int().min(1).max(MAX_BARS_PER_PAGE).default(500),
  /** Set by httpSubscriptionLink on reconnect (the id of the last event received): resume without a snapshot. */
  lastEventId: z.string().max(64).nullish(),
});

export const ZFeedBar = z.object({
  ts: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  vwap: z.number().nullable(),
  trades: z.number().nullable(),
  status: z.enum(LIVE_BAR_STATUSES),
  flat: z.boolean(),
});

export const ZLiveBarsMessage = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("snapshot"),
    symbol: z.string(),
    timeframe: z.enum(TIMEFRAMES),
    bars: z.array(ZFeedBar),
    adjustable: z.boolean(),
    clock: z.number().nullable(),
    receivedAt: z.number().nullable(),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("update"),
    bars: z.array(ZFeedBar),
    clock: z.number(),
    receivedAt: z.number().nullable(),
    oldestReceivedAt: z.number().nullable(),
    events: z.number(),
  }),
]);
export type TLiveBarsMessage = z.infer<typeof ZLiveBarsMessage>;

export const barsRouter = router({
  /**
   * Live bars of (symbol, timeframe) over SSE: a snapshot (stored bars + forming/updated bars of the
   * recent bar events), then throttled updates (changed bars, latest per ts). Every message is
   * tracked by its bar-event stream id, so a reconnect resumes after the last one without gaps.
   */
  live: authedProcedure.input(ZLiveBarsInput).subscription(async ({ input, signal }) => {
    // Opened (symbol checked) before the first event, so failures go through the error middleware.
    const stream = await streamLiveBars({ ...input, signal });
    return (async function* () {
      for await (const { id, message } of stream) yield tracked(id, ZLiveBarsMessage.parse(message));
    })();
  }),
});
