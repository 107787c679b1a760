import type { Timeframe } from "@/lib/bars/timeframe";

export const FAKE_VENDOR_IDS = ["yahoo", "binance", "alpaca", "polygon"] as const;
export type FakeVendorId = (typeof FAKE_VENDOR_IDS)[number];

/**
 * A bar in OUR convention (lib/bars/columns.ts): ts = open time, epoch ms UTC, daily bars at the
 * session date 00:00 UTC. The fake server converts to each vendor's own stamping when serving.
 */
export interface FakeBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Optional; vendors that report vwap/trades get a derived value when absent. */
  vwap?: number;
  trades?: number;
  /** Yahoo adjclose (daily); defaults to close. */
  adjClose?: number;
}

/**
 * Bars for [start, end) in our convention, ascending. Must be a pure function of its arguments
 * (the same bar for the same ts whatever the range asked), so pagination can be checked exactly.
 */
export type BarSource = (symbol: string, timeframe: Timeframe, start: number, end: number) => readonly FakeBar[];

/** A corporate action in our convention (ex-date at 00:00 UTC), served by Yahoo's `events`. */
export interface FakeAction {
  ts: number;
  kind: "split" | "dividend";
  /** split: new shares per old share (4 for 4:1, 0.5 for 1:2); dividend: cash per share. */
  value: number;
}

export interface RegisterBarsOptions {
  /** Exchange zone for daily stamps (default: UTC for crypto symbols, else America/New_York). */
  timeZone?: string;
  /** Yahoo events (splits/dividends) for this symbol. */
  actions?: readonly FakeAction[];
}

/** One request the fake received (headers lower-cased; they include the keys, for assertions). */
export interface RecordedRequest {
  vendor: FakeVendorId | "unknown";
  method: string;
  /** Path as received (percent-encoding kept). */
  path: string;
  query: Record<string, string>;
  /** Path parameters plus query, as the vendor module parsed them (used for fixture matching). */
  params: Record<string, string>;
  headers: Record<string, string>;
  /** HTTP status sent (0 while pending or when the connection was dropped). */
  status: number;
  /** Name of the injected scenario or fixture that answered, if any. */
  servedBy: string | null;
  at: number;
}

interface ScenarioBase {
  /** Only requests to this vendor (default: any vendor). */
  vendor?: FakeVendorId;
  /** Extra filter on the request. */
  match?: (req: RecordedRequest) => boolean;
  /** How many matching requests it answers (default 1; Infinity for "until cleared"). */
  times?: number;
}

/**
 * Fault injection for the next matching request(s). Scenarios are consumed in the order they were
 * set; the first one that matches a request answers it. Auth is checked before scenarios (like the
 * real vendors, which reject a bad key before throttling it).
 */
export type Scenario = ScenarioBase &
  (
    | {
        /** The vendor's own throttling answer (body from the fixtures). */
        kind: "rate-limit";
        /** 429 (default) or Binance's 418 ban. */
        status?: 429 | 418;
        /** Retry-After header in seconds; null = no header. Default: vendor-realistic. */
        retryAfterSeconds?: number | null;
      }
    | { kind: "server-error"; status?: number }
    /** 200 with the normal body cut in half. */
    | { kind: "malformed-json" }
    /** An HTML page (captive portal / CDN error page). Default status 200. */
    | { kind: "html"; status?: number }
    /** Answer normally after `delayMs` (to trigger client timeouts). */
    | { kind: "slow"; delayMs: number }
    /** Close the socket without answering (network error on the client). */
    | { kind: "disconnect" }
    /** Schema change: the normal JSON body passed through `transform`. */
    | { kind: "transform"; transform: (body: unknown) => unknown }
    /** Anything else, verbatim. */
    | { kind: "respond"; status: number; body: string | object; headers?: Record<string, string> }
  );

/** A recorded response served verbatim for matching requests. */
export interface FixtureRoute {
  vendor: FakeVendorId;
  /** File under server/providers/__fixtures__/<vendor>/. */
  file: string;
  /** Every entry must equal the request's parsed param (path params + query). */
  params?: Record<string, string>;
  status?: number;
  headers?: Record<string, string>;
  /** Default Infinity. */
  times?: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FakeKeys {
  alpaca: { keyId: string; secretKey: string };
  polygon: { apiKey: string };
}
