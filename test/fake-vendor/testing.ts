import type { ResilienceOptions } from "@/server/providers/resilience";

/** Resilience settings that keep tests fast: tiny backoff, short breaker pause, no budget. */
export const FAST_RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  retries: 3,
  backoffInitialMs: 5,
  backoffMaxMs: 20,
  maxRetryAfterMs: 5_000,
  rateLimitFallbackMs: 10,
  breakerThreshold: 50,
  breakerHalfOpenAfterMs: 100,
  requestsPerMinute: null,
};

/** Epoch ms of an ISO date/time written without the trailing Z ("2020-08-31" or "2020-09-01T13:30"). */
export function utc(s: string): number {
  const iso = s.length === 10 ? `${s}T00:00:00Z` : `${s}${s.length === 16 ? ":00" : ""}Z`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad date ${s}`);
  return t;
}

/** ISO strings of a ts column, for readable assertions. */
export function isoList(ts: ArrayLike<number>): string[] {
  return Array.from(ts, (t) => new Date(t).toISOString());
}

/** Await a promise that must reject, returning the error. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the promise to reject");
}
