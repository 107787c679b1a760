import type { WebSocket } from "ws";

export const FAKE_LIVE_VENDORS = ["binance", "alpaca", "polygon", "yahoo"] as const;
export type FakeLiveVendor = (typeof FAKE_LIVE_VENDORS)[number];

/** One trade to push, in neutral form; each vendor module encodes it in its wire format. */
export interface FakeTrade {
  /** Vendor symbol as on the wire (BTCUSDT, AAPL). */
  symbol: string;
  price: number;
  size: number;
  /** Trade time, epoch ms. */
  ts: number;
  /** Vendor trade id (Binance t, Alpaca i, Polygon i). */
  id?: number | string;
  /** Alpaca exchange code (x, default "V") / Polygon exchange id (x, default 4). */
  exchange?: string | number;
  /** Alpaca: sub-millisecond digits appended to the RFC 3339 time (0..999999 ns). */
  subMsNanos?: number;
}

/** A Yahoo PricingData snapshot (fields the collector reads plus a few real ones for realism). */
export interface YahooSnapshot {
  id: string;
  price: number;
  time: number;
  dayVolume?: number;
  priceHint?: number;
  exchange?: string;
  quoteType?: number;
  marketHours?: number;
  changePercent?: number;
}

export interface FakeLiveBehaviour {
  /** Alpaca/Polygon: answer auth with the vendor's refusal, then close. */
  refuseAuth: boolean;
  /** Send nothing at all (no handshake answers, no trades, no pongs): for stale detection. */
  silent: boolean;
  /** Reject subscribe requests that would exceed this many symbols on one connection (Alpaca 405, Binance error). */
  subscriptionLimit: number | null;
  /** Alpaca 406 / Polygon max_connections when this many authenticated connections are already open. */
  maxConnections: number | null;
  /** Binance: close with 1008 when a connection sends more than this many messages in a second. */
  maxMessagesPerSecond: number | null;
  /** Send a WebSocket ping this often (Binance pings every 20 s). null = never. */
  pingIntervalMs: number | null;
}

export const DEFAULT_BEHAVIOUR: FakeLiveBehaviour = {
  refuseAuth: false,
  silent: false,
  subscriptionLimit: null,
  maxConnections: null,
  maxMessagesPerSecond: null,
  pingIntervalMs: null,
};

export interface ReceivedMessage {
  at: number;
  text: string;
  /** Parsed JSON, or undefined when the text is not JSON. */
  json: unknown;
}

export interface FakeConnection {
  id: number;
  vendor: FakeLiveVendor;
  path: string;
  query: Record<string, string>;
  openedAt: number;
  closedAt: number | null;
  authed: boolean;
  /** Vendor symbols subscribed on this connection (uppercase for Binance). */
  subscriptions: Set<string>;
  received: ReceivedMessage[];
  /** Pongs received for our pings, and pings received from the client. */
  pongs: number;
  pings: number;
  ws: WebSocket;
}

export interface FakeLiveKeys {
  alpaca: { keyId: string; secretKey: string };
  polygon: { apiKey: string };
}
