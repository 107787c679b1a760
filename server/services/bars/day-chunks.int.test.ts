import { afterAll, describe, expect, it } from "vitest";
import { barsFromColumns, columnsFromBars, type Bar, type BarColumns } from "@/lib/bars/columns";
import { sessionMinutes } from "@/lib/calendar";
import { db } from "../../db";
import { readDayChunks } from "./day-chunks";
import { getBars } from "./get-bars";
import { writeBars } from "./write-bars";

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

const DAY = 86_400_000;
const FROM = Date.parse("2024-04-01T00:00:00Z"); // Mon..Fri 1–5 April 2024
const TO = Date.parse("2024-04-06T00:00:00Z");

function minuteBars(from: number, to: number, base: number): Bar[] {
  return sessionMinutes("NYSE", from, to).map((ts, i) => {
    const c = base + Math.sin(i / 17) * 2 + i * 0.001;
    return { ts, open: c - 0.05, high: c + 0.1, low: c - 0.1, close: c, volume: 100 + (i % 50), vwap: c, trades: 3 + (i % 7) };
  });
}
const write = (symbol: string, bars: Bar[]) => writeBars({ timeframe: "1m", source: "test", batches: [{ symbol, bars: columnsFromBars(bars) }], trusted: true });
const rows = (c: BarColumns) => barsFromColumns(c);
/** Background chunk stores finish within a few ms; wait for the given day's chunk to exist. */
async function cachedDays(symbol: string, days: number[]): Promise<boolean[]> {
  await new Promise((r) => setTimeout(r, 50));
  const r = await readDayChunks("1m", symbol, days);
  return r!.chunks.map((c) => c !== null);
}

describe("day-chunk cache of intraday bars", () => {
  it("serves the same bars as Postgres, cut to the range and limit, and caches only ended days", async () => {
    const all = minuteBars(FROM, TO, 50);
    await write("DCHA", all);
    const first = await getBars({ symbol: "DCHA", timeframe: "1m", from: FROM, to: TO, limit: 50_000 });
    expect(rows(first)).toEqual(all);
    const days = [0, 1, 2, 3, 4].map((k) => FROM + k * DAY);
    expect(await cachedDays("DCHA", days)).toEqual([true, true, true, true, true]);
    expect(rows(await getBars({ symbol: "DCHA", timeframe: "1m", from: FROM, to: TO, limit: 50_000 }))).toEqual(all);
    // Mid-day bounds and a limit: the newest `limit` bars in [from, to).
    const from = FROM + DAY + 15 * 3_600_000;
    const to = FROM + 3 * DAY + 16 * 3_600_000;
    const want = all.filter((b) => b.ts >= from && b.ts < to);
    expect(rows(await getBars({ symbol: "DCHA", timeframe: "1m", from, to, limit: 100 }))).toEqual(want.slice(-100));
    expect(rows(await getBars({ symbol: "DCHA", timeframe: "1m", from, to, limit: 50_000 }))).toEqual(want);
    // Rolled-up 5m bars are served through the cache too, equal to a read that bypasses it (no `from`).
    const direct = await getBars({ symbol: "DCHA", timeframe: "5m", to: TO, limit: 5_000 });
    expect(rows(await getBars({ symbol: "DCHA", timeframe: "5m", from: FROM, to: TO, limit: 5_000 }))).toEqual(rows(direct));
    expect(rows(await getBars({ symbol: "DCHA", timeframe: "5m", from: FROM, to: TO, limit: 5_000 }))).toEqual(rows(direct));

    // Today has not ended: read, never cached.
    const today = Math.floor(Date.now() / DAY) * DAY;
    const live: Bar[] = [{ ts: today + 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, vwap: 1.2, trades: 2 }];
    await writeBars({ timeframe: "1m", source: "test", batches: [{ symbol: "DCHA", bars: columnsFromBars(live), assetClass: "crypto" }], trusted: true });
    expect(rows(await getBars({ symbol: "DCHA", timeframe: "1m", from: today, limit: 10 }))).toEqual(live);
    expect(await cachedDays("DCHA", [today])).toEqual([false]);
  });

  it("never serves a day from before a committed write, also when a reader raced the writer", async () => {
    const all = minuteBars(FROM, TO, 80);
    await write("DCHB", all);
    expect(rows(await getBars({ symbol: "DCHB", timeframe: "1m", from: FROM, to: TO, limit: 50_000 }))).toEqual(all);
    await new Promise((r) => setTimeout(r, 50));

    // A correction on Wednesday: the next read has it.
    const fixed = all.map((b) => (b.ts === all[1000]!.ts ? { ...b, close: b.close + 1, high: b.high + 1 } : b));
    expect((await write("DCHB", fixed)).rowsOut).toBe(1);
    expect(rows(await getBars({ symbol: "DCHB", timeframe: "1m", from: FROM, to: TO, limit: 50_000 }))).toEqual(fixed);

    // The race: a reader takes Wednesday's token and reads the old rows, the writer commits, then the
    // reader stores its (now stale) chunk. It must not be served.
    const wed = FROM + 2 * DAY;
    await new Promise((r) => setTimeout(r, 50));
    const racer = await readDayChunks("1m", "DCHB", [wed]);
    const stale = await getBars({ symbol: "DCHB", timeframe: "1m", from: wed, to: wed + DAY, limit: 50_000 });
    const again = fixed.map((b) => (b.ts === fixed[1000]!.ts ? { ...b, close: b.close + 1, high: b.high + 1 } : b));
    await write("DCHB", again);
    await racer!.store(wed, stale);
    const after = await getBars({ symbol: "DCHB", timeframe: "1m", from: FROM, to: TO, limit: 50_000 });
    expect(rows(after)).toEqual(again);
  });
});
