import { readFileSync } from "node:fs";
import path from "node:path";
import type { FakeLiveVendor } from "./types";

export const LIVE_FIXTURES_DIR = path.resolve(import.meta.dirname, "fixtures");

/** One recorded frame, exactly as the vendor sends it (trailing newline removed). */
export function liveFixture(vendor: FakeLiveVendor, file: string): string {
  return readFileSync(path.join(LIVE_FIXTURES_DIR, vendor, file), "utf8").replace(/\n$/, "");
}

export function liveFixtureJson<T = unknown>(vendor: FakeLiveVendor, file: string): T {
  return JSON.parse(liveFixture(vendor, file)) as T;
}

export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** epoch ms (+ optional extra nanoseconds) → RFC 3339 with 9 fractional digits when nanos are given. */
export function rfc3339Nanos(ms: number, subMsNanos?: number): string {
  const iso = new Date(ms).toISOString(); // …T15:51:44.208Z
  if (subMsNanos === undefined) return iso;
  return `${iso.slice(0, -1)}${String(subMsNanos).padStart(6, "0")}Z`;
}
