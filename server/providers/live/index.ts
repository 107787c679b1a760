import { createAlpacaLiveCollector, type AlpacaLiveOptions } from "./alpaca";
import { createBinanceLiveCollector, type BinanceLiveOptions } from "./binance";
import { createPolygonLiveCollector, type PolygonLiveOptions } from "./polygon";
import type { LiveCollector } from "./types";
import { createYahooLiveCollector, type YahooLiveOptions } from "./yahoo";

/**
 * Live (streaming) collectors for the four vendors. Keys come in as options (the caller reads
 * server/env.ts); nothing here reads process.env or logs a key.
 *
 *   const c = createLiveCollector("alpaca", { keyId, secretKey, feed: "iex" });
 *   c.onStatus((s) => upsertLiveStatus(s));
 *   await c.setSymbols([{ symbol: "AAPL" }]);
 *   await c.start((ticks, clock) => builder.push(ticks, clock));
 *
 * "replay" is built elsewhere (it needs stored bars), so it is not part of this factory.
 */
export const VENDOR_LIVE_PROVIDER_IDS = ["binance", "alpaca", "polygon", "yahoo"] as const;
export type VendorLiveProviderId = (typeof VENDOR_LIVE_PROVIDER_IDS)[number];

export interface LiveCollectorConfigMap {
  binance: BinanceLiveOptions;
  alpaca: AlpacaLiveOptions;
  polygon: PolygonLiveOptions;
  yahoo: YahooLiveOptions;
}

export function isVendorLiveProviderId(v: unknown): v is VendorLiveProviderId {
  return typeof v === "string" && (VENDOR_LIVE_PROVIDER_IDS as readonly string[]).includes(v);
}

export function createLiveCollector<K extends VendorLiveProviderId>(provider: K, options: LiveCollectorConfigMap[K]): LiveCollector {
  switch (provider) {
    case "binance":
      return createBinanceLiveCollector(options as BinanceLiveOptions);
    case "alpaca":
      return createAlpacaLiveCollector(options as AlpacaLiveOptions);
    case "polygon":
      return createPolygonLiveCollector(options as PolygonLiveOptions);
    case "yahoo":
      return createYahooLiveCollector(options as YahooLiveOptions);
    default:
      throw new Error(`unknown live market-data provider ${JSON.stringify(provider)}`);
  }
}

export { createAlpacaLiveCollector, createBinanceLiveCollector, createPolygonLiveCollector, createYahooLiveCollector };
export type { AlpacaLiveOptions, BinanceLiveOptions, PolygonLiveOptions, YahooLiveOptions };
export { ALPACA_WS_URL, alpacaLiveDefaults } from "./alpaca";
export { BINANCE_WS_URL, BINANCE_LIVE_DEFAULTS, binanceTradeStream } from "./binance";
export { POLYGON_WS_URL, POLYGON_LIVE_DEFAULTS } from "./polygon";
export { YAHOO_WS_URL, YAHOO_LIVE_DEFAULTS, decodeYahooPricing } from "./yahoo";
export { WsCollector, type LiveCollectorOptions, type LiveTimers, type WsProtocol, type WsProtocolDefaults, type WsSessionContext, type VendorTrade } from "./ws-collector";
export * from "./types";
