import type { Tick } from "@/lib/live/tick";
import type { LiveStatus } from "@/server/providers/live/types";

/** Test helpers for the live collectors. */

/** Poll `cond` until it returns a truthy value (returned) or `timeoutMs` passes (throws with `what`). */
export async function waitFor<T>(cond: () => T | null | undefined | false, what: string, timeoutMs = 2_000, everyMs = 5): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TickSink that records every call. */
export function recordingSink() {
  const calls: { ticks: Tick[]; clock: number }[] = [];
  return {
    calls,
    sink: (ticks: Tick[], clock: number) => {
      calls.push({ ticks: [...ticks], clock });
    },
    /** All ticks in arrival order. */
    ticks: () => calls.flatMap((c) => c.ticks),
    /** Calls that carried ticks (heartbeats excluded). */
    batches: () => calls.filter((c) => c.ticks.length > 0),
  };
}

/** Records every status emitted. */
export function statusLog() {
  const log: LiveStatus[] = [];
  return { log, listener: (s: LiveStatus) => log.push(s), states: () => log.map((s) => s.state) };
}

/**
 * Short timings for tests: reconnect in tens of ms, stale after 150 ms, breaker pause 300 ms,
 * no heartbeat clock (tests that want it turn it on).
 */
export const FAST_LIVE = {
  connectTimeoutMs: 1_000,
  backoffInitialMs: 20,
  backoffMaxMs: 200,
  stableAfterMs: 10_000,
  staleAfterMs: 2_000,
  staleGraceMs: 200,
  pingIntervalMs: 0,
  breakerThreshold: 3,
  breakerPauseMs: 300,
  clockIntervalMs: 0,
  minSendIntervalMs: 0,
} as const;
