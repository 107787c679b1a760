"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
import type { LiveEventInfo } from "@/components/live-status-badge";
import { useTRPC } from "@/components/providers/trpc";

export interface LiveChartBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
}

interface LiveState {
  key: string;
  bars: Map<number, LiveChartBar>;
  adjustable: boolean;
  event: LiveEventInfo;
}

/** Bars in the live snapshot: enough to bridge the history page and the first update. */
const SNAPSHOT_BARS = 100;

/**
 * Live bars of (symbol, timeframe) from `bars.live` (SSE): the snapshot's bars, then every update,
 * latest per ts. For adjusted views the bars apply only while the last bar has no adjustment
 * (`applies` false otherwise). A reconnect resumes from the last event id (httpSubscriptionLink).
 */
export function useLiveBars(symbol: string, timeframe: "1m" | "5m" | "15m" | "1h" | "4h" | "1d", adjusted: boolean) {
  const trpc = useTRPC();
  const key = `${symbol}|${timeframe}|${adjusted}`;
  const [state, setState] = useState<LiveState | null>(null);
  const sub = useSubscription(
    trpc.bars.live.subscriptionOptions(
      { symbol, timeframe, adjusted, limit: SNAPSHOT_BARS },
      {
        onData: ({ id, data }) => {
          setState((prev) => {
            const bars = new Map(data.kind === "snapshot" || prev?.key !== key ? [] : prev.bars);
            for (const b of data.bars) bars.set(b.ts, { ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, vwap: b.vwap, trades: b.trades });
            if (data.kind === "snapshot") return { key, bars, adjustable: data.adjustable, event: { id, receivedAt: data.receivedAt, updates: 0 } };
            if (prev?.key !== key) return prev;
            return { ...prev, bars, event: { id, receivedAt: data.receivedAt, updates: prev.event.updates + 1 } };
          });
        },
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
  };
}
