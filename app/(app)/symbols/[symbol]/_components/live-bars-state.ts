/**
 * Pure state of the symbol page's live bars (use-live-bars.ts): how each `bars.live` message changes
 * what the client holds. No React, so it runs in node unit tests.
 */
import type { ChartBar } from "@/components/charts/chart-data";
import type { LiveEventInfo } from "@/components/live-status-badge";

export interface LiveChartBar extends ChartBar {
  vwap: number | null;
  trades: number | null;
}

export interface LiveState {
  /** symbol|timeframe|adjusted the bars belong to. */
  key: string;
  bars: Map<number, LiveChartBar>;
  adjustable: boolean;
  event: LiveEventInfo;
  /** Mid-stream snapshots that may have left a hole between the bars held and the snapshot's: reload the history when it grows. */
  resyncs: number;
}

/** The parts of a `bars.live` message the state reads. */
export type LiveMessage =
  | { kind: "snapshot"; bars: readonly LiveChartBar[]; adjustable: boolean; receivedAt: number | null }
  | { kind: "update"; bars: readonly LiveChartBar[]; receivedAt: number | null };

const chartBar = (b: LiveChartBar): LiveChartBar => ({ ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, vwap: b.vwap, trades: b.trades });

/**
 * The state after message `id` of the subscription for `key`.
 * - The first snapshot for a key replaces everything (another symbol, timeframe or price view).
 * - A snapshot for the same key (the server sends one again mid-stream when the resume point was
 *   trimmed or the catch-up failed) holds only the newest bars, so it is merged by ts, the snapshot
 *   winning for the ts it covers: the candles the client appended live since the history page stay.
 *   If it starts after the newest bar held, the bars in between were never received: `resyncs` grows.
 * - An update sets its bars by ts; one left over from a previous key is ignored.
 */
export function applyLiveMessage(prev: LiveState | null, key: string, id: string, data: LiveMessage): LiveState | null {
  const same = prev !== null && prev.key === key;
  if (data.kind === "update") {
    if (!same) return prev;
    const bars = new Map(prev.bars);
    for (const b of data.bars) bars.set(b.ts, chartBar(b));
    return { ...prev, bars, event: { id, receivedAt: data.receivedAt, updates: prev.event.updates + 1 } };
  }
  const bars = new Map(same ? prev.bars : []);
  let hole = false;
  if (same && data.bars.length > 0) {
    let newestHeld = Number.NEGATIVE_INFINITY;
    for (const ts of prev.bars.keys()) newestHeld = Math.max(newestHeld, ts);
    hole = Math.min(...data.bars.map((b) => b.ts)) > newestHeld;
  }
  for (const b of data.bars) bars.set(b.ts, chartBar(b));
  return {
    key,
    bars,
    adjustable: data.adjustable,
    event: { id, receivedAt: data.receivedAt, updates: 0 },
    resyncs: (same ? prev.resyncs : 0) + (hole ? 1 : 0),
  };
}
