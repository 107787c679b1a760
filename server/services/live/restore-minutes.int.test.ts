import { afterAll, describe, expect, it } from "vitest";
import { columnsFromBars } from "@/lib/bars/columns";
import type { SymbolSnapshot } from "@/lib/live/bar-builder";
import { db } from "@/server/db";
import { writeBars } from "../bars/write-bars";
import { upsertSymbols } from "../market/upsert-symbols";
import { loadDayMinutes } from "./run-bar-builder";

const MIN = 60_000;
const snap = (symbol: string, source: string, closedUntil: number): SymbolSnapshot => ({ symbol, source, forming: null, grace: [], lastClose: 1, closedUntil, higherClosed: {} });
/** `n` one-minute crypto bars from `from`. */
const minutes = (from: number, n: number) =>
  columnsFromBars(Array.from({ length: n }, (_, i) => ({ ts: from + i * MIN, open: 10, high: 11, low: 9, close: 10 + (i % 100) / 1000, volume: 5, vwap: Number.NaN, trades: Number.NaN })));

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("builder restore: the stored minutes it loads", () => {
  it("loads each symbol's own last day up to its newest closed minute, not everything since the oldest source", async () => {
    await upsertSymbols(["RSTA-USD", "RSTB-USD"].map((symbol) => ({ symbol, assetClass: "crypto", provider: "csv" })));
    const oldDay = Date.parse("2025-02-03T00:00:00Z");
    const today = Date.parse("2025-05-20T00:00:00Z");
    // RSTA: followed by a replay that ended months ago; RSTB: live today. Both have weeks of stored minutes.
    for (const [symbol, from] of [
      ["RSTA-USD", oldDay - 2 * 86_400_000],
      ["RSTB-USD", today - 20 * 86_400_000],
    ] as const) {
      await writeBars({ timeframe: "1m", source: "csv", batches: [{ symbol, bars: minutes(from, 22 * 1_440), assetClass: "crypto" }] });
    }
    const got = await loadDayMinutes([snap("RSTA-USD", "replay:old", oldDay + 90 * MIN), snap("RSTB-USD", "binance", today + 600 * MIN), snap("RSTC-USD", "binance", -1)]);
    const a = got.get("RSTA-USD")!;
    expect(a.length).toBe(90);
    expect([a[0]!.ts, a.at(-1)!.ts]).toEqual([oldDay, oldDay + 89 * MIN]);
    const b = got.get("RSTB-USD")!;
    expect(b.length).toBe(600);
    expect([b[0]!.ts, b.at(-1)!.ts]).toEqual([today, today + 599 * MIN]);
    expect(got.has("RSTC-USD")).toBe(false);
    // Unknown vwap and trade counts stay unknown.
    expect(b[0]!.vwap).toBeNaN();
    expect(b[0]!.trades).toBeNaN();
  });
});
