import { describe, expect, it, vi } from "vitest";
import type { BarEvent, LiveBar } from "@/lib/live/bar-event";
import { compareStreamIds, feedBarsFromColumns, mergeSnapshot, parseEntries, type FeedBar, type FeedEntry, type RawStreamEntry } from "./bar-feed-merge";
import { emptyColumns } from "@/lib/bars/columns";

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

function live(tf: LiveBar["tf"], ts: number, close: number, status: LiveBar["status"] = "forming"): LiveBar {
  return { tf, ts, open: close, high: close, low: close, close, volume: 1, vwap: close, trades: 1, status, flat: false };
}
function stored(ts: number, close: number): FeedBar {
  return { ts, open: close, high: close, low: close, close, volume: 10, vwap: null, trades: null, status: "closed", flat: false };
}
function entry(id: string, bars: LiveBar[]): FeedEntry {
  return { id, event: { symbol: "X", clock: 0, receivedAt: null, bars } };
}

describe("compareStreamIds", () => {
  it("orders by time, then sequence, numerically", () => {
    expect(compareStreamIds("10-0", "9-5")).toBeGreaterThan(0);
    expect(compareStreamIds("10-2", "10-10")).toBeLessThan(0);
    expect(compareStreamIds("1700000000000-3", "1700000000000-3")).toBe(0);
    expect(() => compareStreamIds("x", "1-0")).toThrow();
  });
});

describe("parseEntries", () => {
  it("validates entries with ZBarEvent and skips (and reports) bad ones", () => {
    const ok: BarEvent = { symbol: "X", clock: 5, receivedAt: 4, bars: [live("1m", T0, 1)] };
    const raw: RawStreamEntry[] = [
      ["1-0", ["e", JSON.stringify(ok)]],
      ["2-0", ["e", "{not json"]],
      ["3-0", ["e", JSON.stringify({ ...ok, bars: [{ ...ok.bars[0], tf: "2m" }] })]],
      ["4-0", ["x", "1"]],
      ["5-0", ["src", "a", "e", JSON.stringify(ok)]],
    ];
    const bad = vi.fn();
    const out = parseEntries(raw, bad);
    expect(out.map((e) => e.id)).toEqual(["1-0", "5-0"]);
    expect(out[0]!.event).toEqual(ok);
    expect(bad.mock.calls.map((c) => c[0])).toEqual(["2-0", "3-0", "4-0"]);
  });
});

describe("mergeSnapshot", () => {
  const db = [stored(T0, 100), stored(T0 + MIN, 101), stored(T0 + 2 * MIN, 102)];

  it("replaces by ts with the newest event version, appends forming bars, filters the timeframe", () => {
    const bars = mergeSnapshot({
      stored: db,
      entries: [
        entry("1-0", [live("1m", T0 + 3 * MIN, 103.5), live("5m", T0, 99)]),
        entry("2-0", [live("1m", T0 + 3 * MIN, 103, "closed"), live("1m", T0 + 4 * MIN, 104)]),
        entry("3-0", [live("1m", T0 + MIN, 101.5, "updated"), live("1m", T0 + 4 * MIN, 104.2)]),
      ],
      timeframe: "1m",
      limit: 100,
    });
    expect(bars.map((b) => [b.ts - T0, b.close, b.status])).toEqual([
      [0, 100, "closed"],
      [MIN, 101.5, "updated"],
      [2 * MIN, 102, "closed"],
      [3 * MIN, 103, "closed"], // closed by the builder, not yet written: from the event
      [4 * MIN, 104.2, "forming"],
    ]);
  });

  it("keeps the newest `limit` bars and, for adjusted views, ignores event bars before the last adjustment", () => {
    const bars = mergeSnapshot({
      stored: db,
      entries: [entry("1-0", [live("1m", T0, 50, "updated"), live("1m", T0 + 3 * MIN, 103)])],
      timeframe: "1m",
      limit: 2,
      liveFromTs: T0 + MIN,
    });
    expect(bars.map((b) => [b.ts - T0, b.close])).toEqual([
      [2 * MIN, 102],
      [3 * MIN, 103],
    ]);
    const all = mergeSnapshot({ stored: db, entries: [entry("1-0", [live("1m", T0, 50, "updated")])], timeframe: "1m", limit: 10, liveFromTs: T0 + MIN });
    expect(all[0]!.close).toBe(100);
  });

  it("an empty stream is the stored bars; an empty table is the event bars", () => {
    expect(mergeSnapshot({ stored: db, entries: [], timeframe: "1m", limit: 10 })).toEqual(db);
    expect(mergeSnapshot({ stored: [], entries: [entry("1-0", [live("1m", T0, 1)])], timeframe: "1m", limit: 10 }).map((b) => b.close)).toEqual([1]);
  });

  it("turns stored columns into closed feed bars with NaN as null", () => {
    const c = emptyColumns(1);
    c.length = 1;
    Object.assign(c, { ts: Float64Array.of(T0), open: Float64Array.of(1), high: Float64Array.of(2), low: Float64Array.of(0.5), close: Float64Array.of(1.5), volume: Float64Array.of(7), vwap: Float64Array.of(NaN), trades: Float64Array.of(NaN) });
    expect(feedBarsFromColumns(c)).toEqual([{ ts: T0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 7, vwap: null, trades: null, status: "closed", flat: false }]);
  });
});
