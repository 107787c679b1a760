import { describe, expect, it } from "vitest";
import { mergeLiveBars } from "@/components/charts/live-bars";
import { applyLiveMessage, type LiveChartBar, type LiveState } from "./live-bars-state";

const MIN = 60_000;
const KEY = "BTCUSDT|1m|false";
const bar = (i: number, close = 1): LiveChartBar => ({ ts: i * MIN, open: 1, high: Math.max(1, close), low: 1, close, volume: 1, vwap: null, trades: 1 });
const range = (a: number, b: number, close = 1) => Array.from({ length: b - a + 1 }, (_, k) => bar(a + k, close));
const snapshot = (bars: LiveChartBar[]) => ({ kind: "snapshot" as const, bars, adjustable: true, receivedAt: null });
const update = (bars: LiveChartBar[]) => ({ kind: "update" as const, bars, receivedAt: null });
const tsOf = (s: LiveState | null) => [...(s?.bars.keys() ?? [])].sort((a, b) => a - b).map((ts) => ts / MIN);

describe("applyLiveMessage", () => {
  it("a mid-stream snapshot keeps the candles appended live since the history page (the reviewer's 1m chart open > 100 min)", () => {
    const history = range(0, 999);
    let s = applyLiveMessage(null, KEY, "1-0", snapshot(range(900, 999)));
    for (let i = 1000; i <= 1200; i++) s = applyLiveMessage(s, KEY, `${i}-0`, update([bar(i)]));
    // Reconnect, the resume point was trimmed: the server sends its newest 100 bars again.
    s = applyLiveMessage(s, KEY, "2000-0", snapshot(range(1101, 1200, 2)));
    const series = mergeLiveBars(history, [...s!.bars.values()]);
    expect(series.map((b) => b.ts / MIN)).toEqual(range(0, 1200).map((b) => b.ts / MIN));
    // The snapshot wins for the ts it covers; older live bars stay as received.
    expect(s!.bars.get(1101 * MIN)!.close).toBe(2);
    expect(s!.bars.get(1100 * MIN)!.close).toBe(1);
    expect(s!.event).toEqual({ id: "2000-0", receivedAt: null, updates: 0 });
    expect(s!.resyncs).toBe(0); // it overlaps what was held: nothing missing
  });

  it("a mid-stream snapshot that starts after the newest bar held asks for a history reload", () => {
    let s = applyLiveMessage(null, KEY, "1-0", snapshot(range(0, 9)));
    s = applyLiveMessage(s, KEY, "2-0", update([bar(10)]));
    s = applyLiveMessage(s, KEY, "3-0", snapshot(range(500, 599)));
    expect(s!.resyncs).toBe(1);
    expect(tsOf(s)).toEqual([...range(0, 10), ...range(500, 599)].map((b) => b.ts / MIN));
    expect(applyLiveMessage(s, KEY, "4-0", snapshot([]))!.resyncs).toBe(1);
  });

  it("the first snapshot of another symbol, timeframe or price view replaces everything; stale updates are ignored", () => {
    let s = applyLiveMessage(null, KEY, "1-0", snapshot(range(0, 9)));
    s = applyLiveMessage(s, KEY, "2-0", update([bar(10)]));
    expect(s!.event.updates).toBe(1);
    const other = "BTCUSDT|5m|false";
    expect(applyLiveMessage(s, other, "3-0", update([bar(99)]))).toBe(s);
    const t = applyLiveMessage(s, other, "3-0", { ...snapshot(range(20, 21)), adjustable: false });
    expect(t).toMatchObject({ key: other, adjustable: false, resyncs: 0, event: { id: "3-0", updates: 0 } });
    expect(tsOf(t)).toEqual([20, 21]);
  });

  it("an update replaces bars by ts and appends new ones", () => {
    let s = applyLiveMessage(null, KEY, "1-0", snapshot(range(0, 1)));
    s = applyLiveMessage(s, KEY, "2-0", update([bar(1, 5), bar(2, 6)]));
    expect([...s!.bars.values()].map((b) => [b.ts / MIN, b.close])).toEqual([
      [0, 1],
      [1, 5],
      [2, 6],
    ]);
  });
});
