import { createAlpacaProvider, type AlpacaProviderOptions } from "./alpaca";
import { createBinanceProvider, type BinanceProviderOptions } from "./binance";
import { createPolygonProvider, type PolygonProviderOptions } from "./polygon";
import type { ResilientHistoryProvider } from "./shared";
import { createYahooProvider, type YahooProviderOptions } from "./yahoo";

/**
 * Registry of the HTTP market-data vendors. The caller (a service) reads keys from server/env.ts
 * and passes them in; nothing in server/providers reads process.env.
 *
 *   const p = createProvider("polygon", { apiKey: env.POLYGON_API_KEY, resilience: { requestsPerMinute: 5 } });
 *   p.resilience.onStateChange((s) => upsertProviderState(s));   // provider_state + metrics
 *   const { bars } = await p.fetchBars({ symbol: "AAPL", timeframe: "1d", start, end });
 */
export const HTTP_PROVIDER_IDS = ["yahoo", "binance", "alpaca", "polygon"] as const;
export type HttpProviderId = (typeof HTTP_PROVIDER_IDS)[number];

export interface ProviderConfigMap {
  yahoo: YahooProviderOptions;
  binance: BinanceProviderOptions;
  alpaca: AlpacaProviderOptions;
  polygon: PolygonProviderOptions;
}

export function isHttpProviderId(v: unknown): v is HttpProviderId {
  return typeof v === "string" && (HTTP_PROVIDER_IDS as readonly string[]).includes(v);
}

export function createProvider<K extends HttpProviderId>(id: K, config: ProviderConfigMap[K]): ResilientHistoryProvider {
  switch (id) {
    case "yahoo":
      return createYahooProvider(config as YahooProviderOptions);
    case "binance":
      return createBinanceProvider(config as BinanceProviderOptions);
    case "alpaca":
      return createAlpacaProvider(config as AlpacaProviderOptions);
    case "polygon":
      return createPolygonProvider(config as PolygonProviderOptions);
    default:
      throw new Error(`unknown market-data provider ${JSON.stringify(id)}`);
  }
}

export { createAlpacaProvider, createBinanceProvider, createPolygonProvider, createYahooProvider };
export type { AlpacaProviderOptions, BinanceProviderOptions, PolygonProviderOptions, YahooProviderOptions };
export { ALPACA_BASE_URL } from "./alpaca";
export { BINANCE_BASE_URL, toBinanceSymbol } from "./binance";
export { POLYGON_BASE_URL, toPolygonTicker } from "./polygon";
export { YAHOO_BASE_URL } from "./yahoo";
export { DEFAULT_REQUESTS_PER_MINUTE, type HttpProviderOptions, type ResilientHistoryProvider } from "./shared";
export {
  createResilience,
  TokenBucket,
  type BreakerState,
  type ProviderResilience,
  type ProviderState,
  type ProviderStateEvent,
  type ProviderStateListener,
  type ResilienceOptions,
} from "./resilience";
export { VendorCircuitOpenError, VendorTransientError, isCircuitOpen, isPermanentVendorError, isVendorError, type VendorError } from "./errors";
export * from "./types";
