import type { FakeConnection, FakeLiveBehaviour, FakeLiveKeys, FakeLiveVendor, FakeTrade, YahooSnapshot } from "./types";

/** What the server gives a vendor module. */
export interface FakeLiveContext {
  keys: FakeLiveKeys;
  behaviour(vendor: FakeLiveVendor): FakeLiveBehaviour;
  /** Send one frame (dropped while the vendor is silent). */
  send(conn: FakeConnection, text: string): void;
  close(conn: FakeConnection, code?: number, reason?: string): void;
  /** Open connections of a vendor. */
  open(vendor: FakeLiveVendor): FakeConnection[];
}

export interface FakeLiveModule {
  id: FakeLiveVendor;
  matches(pathname: string): boolean;
  onOpen(conn: FakeConnection, ctx: FakeLiveContext): void;
  /** A client text message; `json` is undefined when it is not JSON. */
  onMessage(conn: FakeConnection, json: unknown, ctx: FakeLiveContext): void;
  /** The frames that carry these trades to `conn` (only symbols it subscribed). */
  tradeFrames(conn: FakeConnection, trades: readonly FakeTrade[]): string[];
  /** Yahoo only: frames for explicit snapshots. */
  snapshotFrames?(conn: FakeConnection, snaps: readonly YahooSnapshot[]): string[];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function stringList(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : null;
}
