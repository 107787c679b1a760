import { readFileSync } from "node:fs";
import path from "node:path";
import type { FakeVendorId, Reply } from "./types";

export const DAY_MS = 86_400_000;

/** Where the recorded vendor responses live. */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, "../../server/providers/__fixtures__");

/** Raw text of a fixture file. */
export function fixtureText(vendor: FakeVendorId, file: string): string {
  return readFileSync(path.join(FIXTURES_DIR, vendor, file), "utf8");
}

/** Parsed JSON of a fixture file (handy in tests). */
export function loadFixture<T = unknown>(vendor: FakeVendorId, file: string): T {
  return JSON.parse(fixtureText(vendor, file)) as T;
}

export function contentTypeFor(file: string, vendor: FakeVendorId): string {
  if (file.endsWith(".txt")) return "text/plain;charset=utf-8";
  if (file.endsWith(".html")) return "text/html;charset=utf-8";
  return vendor === "binance" ? "application/json;charset=UTF-8" : "application/json; charset=utf-8";
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

export function fixtureReply(vendor: FakeVendorId, file: string, status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": contentTypeFor(file, vendor), ...headers }, body: fixtureText(vendor, file) };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `tz` at instant `ts`, in ms (EDT → -4 h). */
export function tzOffsetMs(ts: number, tz: string): number {
  if (tz === "UTC") return 0;
  let f = offsetFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ts)) if (part.type !== "literal") p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
}

/** The instant of local time `minutes` after midnight on calendar day `day` (00:00 UTC of that date) in `tz`. */
export function zonedToUtc(day: number, minutes: number, tz: string): number {
  const local = day + minutes * 60_000;
  const guess = local - tzOffsetMs(local, tz);
  return local - tzOffsetMs(guess, tz);
}

export function utcDay(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

export function isCryptoSymbol(symbol: string): boolean {
  return /^(X|C):/.test(symbol) || /-(USD|USDT|EUR|BTC)$/.test(symbol) || /(USDT|BUSD|USDC)$/.test(symbol);
}

export function b64(s: string): string {
  return Buffer.from(s, "utf8").toString("base64");
}

export function b64urlNoPad(s: string): string {
  return Buffer.from(s, "utf8").toString("base64url");
}

export function unb64(s: string): string | null {
  try {
    return Buffer.from(s, /[-_]/.test(s) ? "base64url" : "base64").toString("utf8");
  } catch {
    return null;
  }
}

/** 32 hex chars, like Polygon's request_id. */
export function requestId(): string {
  let s = "";
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** Round for text output without float noise. */
export function round(x: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(x * f) / f;
}
