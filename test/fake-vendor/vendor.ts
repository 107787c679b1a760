import type { Timeframe } from "@/lib/bars/timeframe";
import type { BarSource, FakeBar, FakeKeys, FakeVendorId, RegisterBarsOptions, Reply } from "./types";

/** Bars registered for (vendor, wire symbol, timeframe). */
export interface DataStore {
  get(vendor: FakeVendorId, symbol: string, tf: Timeframe): { source: BarSource; options: RegisterBarsOptions } | null;
  /** Any timeframe registered for this symbol? (unknown symbol → the vendor's not-found answer) */
  knows(vendor: FakeVendorId, symbol: string): boolean;
  options(vendor: FakeVendorId, symbol: string): RegisterBarsOptions;
}

export interface VendorContext {
  store: DataStore;
  /** The fake server's own base URL (for Polygon's next_url). */
  baseUrl: string;
  keys: FakeKeys;
  now: () => number;
}

/** What each vendor module implements; the server does routing, scenarios, fixtures and logging. */
export interface VendorModule {
  id: FakeVendorId;
  matches(pathname: string): boolean;
  /** Path params + query, or the vendor's answer for a malformed route. */
  parse(url: URL): { params: Record<string, string> } | { reply: Reply };
  /** null when authorised, else the vendor's auth error. */
  checkAuth(headers: Record<string, string>, params: Record<string, string>, ctx: VendorContext): Reply | null;
  /** Answer from registered bars (or the vendor's unknown-symbol / validation errors). */
  serve(params: Record<string, string>, ctx: VendorContext): Reply;
  rateLimitReply(status: 429 | 418, retryAfterSeconds: number | null | undefined, ctx: VendorContext): Reply;
  serverErrorReply(status: number): Reply;
  /** Adjust a recorded body before serving (Polygon: next_url host → this server). */
  rewriteFixture?(body: string, ctx: VendorContext): string;
}

/** Collect bars from a source over [start, end), sorted and de-duplicated by ts. */
export function collect(source: BarSource, symbol: string, tf: Timeframe, start: number, end: number): FakeBar[] {
  if (end <= start) return [];
  const out = [...source(symbol, tf, start, end)].filter((b) => b.ts >= start && b.ts < end).sort((a, b) => a.ts - b.ts);
  return out.filter((b, i) => i === 0 || b.ts !== out[i - 1]!.ts);
}

/** vwap to report when the bar has none. */
export function vwapOf(b: FakeBar): number {
  return b.vwap !== undefined && Number.isFinite(b.vwap) ? b.vwap : (b.open + b.high + b.low + b.close) / 4;
}

export function tradesOf(b: FakeBar): number {
  return b.trades !== undefined && Number.isFinite(b.trades) ? b.trades : Math.max(1, Math.round(b.volume / 100));
}
