"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { applyLiveMessage, type LiveState } from "./live-bars-state";

/** Bars in the live snapshot: enough to bridge the history page and the first update. */
const SNAPSHOT_BARS = 100;

/**
 * Live bars of (symbol, timeframe) from `bars.live` (SSE): the snapshot's bars, then every update,
 * latest per ts (live-bars-state.ts; a snapshot sent again mid-stream is merged, not a replacement).
 * For adjusted views the bars apply only while the last bar has no adjustment (`applies` false
 * otherwise). A reconnect resumes from the last event id (httpSubscriptionLink). `resyncs` grows when
 * a mid-stream snapshot left a hole before its bars: the caller reloads its history then.
 */
export function useLiveBars(symbol: string, timeframe: "1m" | "5m" | "15m" | "1h" | "4h" | "1d", adjusted: boolean) {
  const trpc = useTRPC();
  const key = `${symbol}|${timeframe}|${adjusted}`;
  const [state, setState] = useState<LiveState | null>(null);
  const sub = useSubscription(
    trpc.bars.live.subscriptionOptions(
      { symbol, timeframe, adjusted, limit: SNAPSHOT_BARS },
      {
        onData: ({ id, data }) => setState((prev) => applyLiveMessage(prev, key, id, data)),
      },
    ),
  );
  const current = state?.key === key ? state : null;
  const applies = !adjusted || (current?.adjustable ?? false);
  const bars = useMemo(() => (current && applies ? [...current.bars.values()] : []), [current, applies]);
  return {
    bars,
    applies,
    /** The SSE stream is open (tRPC: "pending" = connected, waiting for data). */
    connected: sub.status === "pending",
    event: current?.event ?? { id: null, receivedAt: null, updates: 0 },
    resyncs: current?.resyncs ?? 0,
  };
}
