import type { Tick } from "@/lib/live/tick";
import type { BreakerState } from "../resilience";

/** Providers that can stream (or poll) live prints. "replay" replays stored 1m bars or simulator ticks. */
export const LIVE_PROVIDER_IDS = ["binance", "alpaca", "polygon", "yahoo", "replay"] as const;
export type LiveProviderId = (typeof LIVE_PROVIDER_IDS)[number];

/** A symbol to subscribe: our id plus the vendor's id where the universe table has one. */
export interface LiveSymbol {
  symbol: string;
  vendorSymbol?: string;
}

export type LiveConnectionState = "connecting" | "live" | "stale" | "disconnected" | "stopped";

export interface LiveStatus {
  provider: LiveProviderId;
  state: LiveConnectionState;
  breaker: BreakerState;
  /** Symbols currently subscribed (after the per-provider limit). */
  subscribed: number;
  /** Symbols asked for but not subscribed because of the provider's subscription limit. */
  rejected: number;
  /** Last message of any kind from the vendor (epoch ms), null before the first. */
  lastMessageAt: number | null;
  /** Last trade print (epoch ms, local receive time). */
  lastTickAt: number | null;
  reconnects: number;
  /** Frames that failed validation (counted, logged with a reason, never turned into ticks). */
  malformed: number;
  /** Duplicate prints dropped by trade id. */
  duplicates: number;
  /** Sanitised (no API keys) last error text. */
  lastError: string | null;
}

/**
 * Receives validated prints in arrival order. `clock` is the collector's notion of "now" (epoch ms):
 * wall time for vendors, replay time for the replay collector; the bar builder closes bars by it.
 * A collector may call it with an empty `ticks` array just to advance the clock (heartbeat).
 */
export type TickSink = (ticks: Tick[], clock: number) => void;

/** One streaming interface for every live source. */
export interface LiveCollector {
  readonly provider: LiveProviderId;
  /** Most symbols one connection/account may subscribe (vendor limit); the rest are rejected. */
  readonly maxSubscriptions: number;
  /** How far the feed's time runs behind real time (a delayed plan); its clock heartbeats are that far back too. */
  readonly feedDelayMs?: number;
  /** Connect and keep connected (reconnect with backoff, resubscribe) until stop(). */
  start(sink: TickSink): Promise<void>;
  /** Replace the subscription set: subscribes added symbols and unsubscribes removed ones, no restart. */
  setSymbols(symbols: readonly LiveSymbol[]): Promise<void>;
  stop(): Promise<void>;
  status(): LiveStatus;
  /** Status changes (connect, disconnect, stale, breaker); returns an unsubscribe function. */
  onStatus(listener: (s: LiveStatus) => void): () => void;
}
