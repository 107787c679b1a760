/**
 * Pure helpers for live charts: merging live (forming/closed/updated) bars over loaded history, and
 * the live badge's verdict. No DOM, no lightweight-charts runtime, so they run in node unit tests.
 */
import { lowerBound, type ChartBar } from "./chart-data";

/**
 * History (ascending) with live bars applied by ts: a live bar replaces the bar of the same ts,
 * bars newer than the history are appended, bars older than the first loaded bar are ignored
 * (the history pages own that range). Returns `history` itself when nothing changes, so memoised
 * consumers see a stable reference.
 */
export function mergeLiveBars<B extends ChartBar>(history: readonly B[], live: readonly B[]): readonly B[] {
  if (live.length === 0) return history;
  let out: B[] | null = null;
  const sorted = [...live].sort((a, b) => a.ts - b.ts);
  const first = history[0]?.ts ?? Number.NEGATIVE_INFINITY;
  for (const b of sorted) {
    if (b.ts < first) continue;
    const arr: readonly B[] = out ?? history;
    const last = arr[arr.length - 1];
    if (!last || b.ts > last.ts) {
      out ??= history.slice();
      out.push(b);
      continue;
    }
    const i = lowerBound(arr, b.ts);
    const cur = arr[i]!;
    if (cur.ts === b.ts) {
      if (cur.open === b.open && cur.high === b.high && cur.low === b.low && cur.close === b.close && cur.volume === b.volume) continue;
      out ??= history.slice();
      out[i] = b;
    } else {
      out ??= history.slice();
      out.splice(i, 0, b);
    }
  }
  return out ?? history;
}

export type LiveBadgeState = "live" | "delayed" | "disconnected";

/**
 * The badge: the server's verdict on collectors and builder, downgraded to disconnected while this
 * browser's stream is not connected.
 */
export function liveBadgeState(server: LiveBadgeState | null, streamConnected: boolean): LiveBadgeState {
  if (!streamConnected || server === null) return "disconnected";
  return server;
}
