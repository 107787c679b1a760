"use client";

import { useQuery } from "@tanstack/react-query";
import { liveBadgeState } from "@/components/charts/live-bars";
import { useTRPC } from "@/components/providers/trpc";

export interface LiveEventInfo {
  /** Bar-event stream id of the last message applied. */
  id: string | null;
  /** Collector receive time (epoch ms) of the newest print in that message. */
  receivedAt: number | null;
  /** Update messages received since the snapshot. */
  updates: number;
}

const CLS = { live: "ok", delayed: "warn", disconnected: "bad" } as const;

/**
 * Live / delayed / disconnected, with the collectors' circuit-breaker state. The server's verdict
 * (live.status, refreshed every few seconds) is shown as disconnected while this browser's stream is
 * not connected. Exposes its state as data attributes for tests and the latency benchmark.
 */
export function LiveStatusBadge({ streamConnected, lastEvent, note, symbol }: { streamConnected: boolean; lastEvent?: LiveEventInfo; note?: string | null; symbol?: string }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.live.status.queryOptions(symbol ? { symbol } : undefined, { refetchInterval: 3_000 }));
  const s = status.data;
  const state = liveBadgeState(s?.overall ?? null, streamConnected);
  const collectors = s?.collectors ?? [];
  // No feed carries this symbol at all (a daily-only symbol): nothing is broken, so a neutral badge
  // rather than the red of a lost connection (a feed that lists it but is down stays red).
  const notStreamed = streamConnected && s?.symbolListed === false;
  const breaker = collectors.length === 0 ? "none" : collectors.length === 1 ? collectors[0]!.breaker : collectors.map((c) => `${c.provider} ${c.breaker}`).join(", ");
  const reason = !streamConnected ? "stream not connected" : (s?.reason ?? (status.isError ? "status unavailable" : null));
  const title = [
    reason,
    ...collectors.map((c) => `${c.provider}: ${c.effectiveState}, breaker ${c.breaker}${c.lastError ? ` (${c.lastError})` : ""}`),
    s?.builder ? `builder: ${s.builder.effectiveState}` : "builder: not running",
    note ?? null,
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <span
      className={notStreamed ? "badge muted" : `badge ${CLS[state]}`}
      data-testid="live-badge"
      data-state={state}
      data-breaker={collectors.length === 0 ? "none" : collectors.length === 1 ? collectors[0]!.breaker : collectors.map((c) => c.breaker).join(",")}
      data-stream={streamConnected ? "connected" : "connecting"}
      data-last-event-id={lastEvent?.id ?? ""}
      data-received-at={lastEvent?.receivedAt ?? ""}
      data-updates={lastEvent?.updates ?? 0}
      title={title}
    >
      <span className="dot" />
      {notStreamed ? "not streamed" : state}
      <span className="muted" data-testid="live-breaker">
        {" · "}
        {collectors.length === 0 ? "no collector" : s?.symbolCovered === false ? `no live feed for ${s.symbol}` : `breaker ${breaker}`}
      </span>
      {note ? <span className="muted"> · {note}</span> : null}
    </span>
  );
}
