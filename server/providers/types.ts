import type { BarColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";

export const PROVIDER_IDS = ["yahoo", "binance", "alpaca", "polygon", "bundled", "sim", "csv"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface FetchBarsRequest {
  /** Our symbol (e.g. "AAPL", "BTC-USD"); the adapter maps it to the vendor id. */
  symbol: string;
  /** Vendor-specific id when the universe table has one (e.g. Binance "BTCUSDT"). */
  vendorSymbol?: string;
  timeframe: Timeframe;
  /** Inclusive start, exclusive end; epoch ms UTC. */
  start: number;
  end: number;
  signal?: AbortSignal;
}

export interface CorporateActionRecord {
  symbol: string;
  /** Ex-date, UTC midnight epoch ms. */
  ts: number;
  kind: "split" | "dividend" | "spinoff";
  /** split: new shares per old share (7 for 7:1); dividend: cash per share; spinoff: price factor (0..1). */
  value: number;
}

/** What the vendor says about the instrument alongside its bars (absent fields: the vendor does not say). */
export interface InstrumentProfile {
  name?: string;
  exchange?: string;
  /** Currency of the vendor's prices. */
  currency?: string;
  sector?: string;
}

export interface FetchBarsResult {
  bars: BarColumns;
  /** Name, exchange, currency… as the vendor describes the instrument, when its answer carries them. */
  profile?: InstrumentProfile;
  /** Corporate actions the vendor returned alongside the bars (may be empty). */
  actions: CorporateActionRecord[];
  /** Vendor-provided adjusted close per bar when available (same length as bars), else null. */
  adjClose: Float64Array | null;
  /** Number of HTTP requests made (pagination), for ingestion_runs. */
  requests: number;
}

/** Batch history; the live-stream half comes with the live-data issue. */
export interface HistoryProvider {
  readonly id: ProviderId;
  /** Timeframes the vendor serves natively. */
  readonly timeframes: readonly Timeframe[];
  fetchBars(req: FetchBarsRequest): Promise<FetchBarsResult>;
}

/** Raised when a vendor answers with something we cannot trust (changed schema, broken JSON). */
export class VendorPayloadError extends Error {
  override name = "VendorPayloadError";
  constructor(
    readonly provider: ProviderId,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${provider}: ${message}`);
  }
}

/** Raised when the vendor throttles us; retryAfterMs when the vendor said so. */
export class VendorRateLimitError extends Error {
  override name = "VendorRateLimitError";
  constructor(
    readonly provider: ProviderId,
    readonly retryAfterMs: number | null,
  ) {
    super(`${provider}: rate limited${retryAfterMs ? ` (retry after ${retryAfterMs} ms)` : ""}`);
  }
}

/** Unknown symbol or a request the vendor rejects as invalid: do not retry. */
export class VendorRequestError extends Error {
  override name = "VendorRequestError";
  constructor(
    readonly provider: ProviderId,
    readonly status: number,
    message: string,
  ) {
    super(`${provider}: ${message} (HTTP ${status})`);
  }
}
