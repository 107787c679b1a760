import type { Timeframe } from "@/lib/bars/timeframe";
import { createResilience, type ProviderResilience, type ResilienceOptions } from "./resilience";
import { VendorRequestError, type FetchBarsRequest, type HistoryProvider, type ProviderId } from "./types";

/** Options every HTTP adapter accepts. */
export interface HttpProviderOptions {
  /** Vendor base URL; defaults to the real one. Tests point it at the fake vendor server. */
  baseUrl?: string;
  /** fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
  /**
   * A shared ProviderResilience instance, or options to build this adapter's own. Defaults include
   * the vendor's request budget (see DEFAULT_REQUESTS_PER_MINUTE).
   */
  resilience?: ProviderResilience | ResilienceOptions;
  /** Bars per page (default: the vendor's maximum). Small values are for tests. */
  pageSize?: number;
  /** Clock, for lookback limits and incomplete-bar checks (default Date.now). */
  now?: () => number;
  userAgent?: string;
}

/** A HistoryProvider with its resilience state exposed (getState/onStateChange). */
export interface ResilientHistoryProvider extends HistoryProvider {
  readonly resilience: ProviderResilience;
}

/**
 * Conservative default budgets (requests per minute), below each vendor's published limit:
 * Yahoo has none published (unofficial API; stay gentle), Binance allows 6000 weight/min and klines
 * cost 2, Alpaca's free plan allows 200/min, Polygon's free plan 5/min.
 */
export const DEFAULT_REQUESTS_PER_MINUTE: Record<"yahoo" | "binance" | "alpaca" | "polygon", number> = {
  yahoo: 60,
  binance: 1200,
  alpaca: 190,
  polygon: 5,
};

export function isProviderResilience(v: unknown): v is ProviderResilience {
  return typeof v === "object" && v !== null && "execute" in v && "getState" in v && "onStateChange" in v;
}

/** Use the caller's instance, or build one with the vendor's default budget and our secrets. */
export function resolveResilience(
  provider: ProviderId,
  opt: ProviderResilience | ResilienceOptions | undefined,
  defaults: { requestsPerMinute: number; secrets: readonly string[] },
): ProviderResilience {
  if (isProviderResilience(opt)) return opt;
  const o = opt ?? {};
  return createResilience(provider, {
    ...o,
    requestsPerMinute: o.requestsPerMinute === undefined ? defaults.requestsPerMinute : o.requestsPerMinute,
    secrets: [...(o.secrets ?? []), ...defaults.secrets],
  });
}

/** Reject a timeframe the vendor does not serve, before any request is made. */
export function assertTimeframe(provider: ProviderId, tf: Timeframe, supported: readonly Timeframe[]): void {
  if (!supported.includes(tf)) {
    throw new VendorRequestError(
      provider,
      400,
      `timeframe ${JSON.stringify(tf)} is not supported (supported: ${supported.join(", ")}); request not sent`,
    );
  }
}

/** Validate [start, end): finite epoch ms, start <= end. Returns false when the range is empty. */
export function checkRange(provider: ProviderId, req: FetchBarsRequest): boolean {
  if (!Number.isFinite(req.start) || !Number.isFinite(req.end)) {
    throw new VendorRequestError(provider, 400, `invalid range: start and end must be epoch milliseconds; request not sent`);
  }
  if (req.start > req.end) {
    throw new VendorRequestError(
      provider,
      400,
      `invalid range: start ${new Date(req.start).toISOString()} is after end ${new Date(req.end).toISOString()}; request not sent`,
    );
  }
  return req.start < req.end;
}

/** Positive integer page size, capped at the vendor maximum. */
export function pageSizeOf(requested: number | undefined, max: number): number {
  if (requested === undefined) return max;
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`pageSize must be a positive integer, got ${requested}`);
  return Math.min(requested, max);
}

/** Crypto pairs in our universe are written BASE-QUOTE ("BTC-USD"). */
export function splitCryptoPair(symbol: string): { base: string; quote: string } | null {
  const m = /^([A-Z0-9]{2,10})-(USD|USDT|USDC|EUR|BTC|ETH)$/.exec(symbol.toUpperCase());
  return m ? { base: m[1]!, quote: m[2]! } : null;
}
