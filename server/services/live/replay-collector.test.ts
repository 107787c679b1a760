import { describe, expect, it } from "vitest";
import { columnsFromBars } from "@/lib/bars/columns";
import { barsFromTicks } from "@/lib/live/bar-builder";
import type { Tick } from "@/lib/live/tick";
import { createSimulator } from "@/lib/sim";
import { printsFromBars, ReplayCollector } from "./replay-collector";

const OPEN = Date.parse("2024-03-05T14:30:00Z");

describe("replay collector", () => {
  it("turns stored 1m bars into prints that rebuild the same OHLCV (silent minutes have none)", () => {
    const bars = columnsFromBars([
      { ts: OPEN, open: 10, high: 12, low: 9, close: 11, volume: 1001, vwap: 10.5, trades: 50 },
      { ts: OPEN + 60_000, open: 11, high: 11.5, low: 8, close: 8.5, volume: 3, vwap: 9, trades: 3 },
      { ts: OPEN + 120_000, open: 8.5, high: 8.5, low: 8.5, close: 8.5, volume: 0, vwap: Number.NaN, trades: 0 },
    ]);
    const c = printsFromBars("X", bars);
    const ticks: Tick[] = Array.from({ length: c.n }, (_, i) => ({ symbol: "X", ts: c.ts[i]!, price: c.price[i]!, size: c.size[i]! }));
    const m1 = barsFromTicks(ticks, "NYSE", ["1m"]).get("1m")!;
    expect(m1.length).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect([m1.ts[i], m1.open[i], m1.high[i], m1.low[i], m1.close[i], m1.volume[i]]).toEqual([bars.ts[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]);
    }
    expect(m1.trades[1]).toBe(4); // 3 shares: the extremes still replay, as size-0 prints
  });

  it("paces the simulator's prints by the replay clock (speed × wall time), in time order, and stops at the end", async () => {
    let wall = 0;
    const sim = createSimulator({ seed: 9, symbols: 2, start: "2024-01-02", end: "2024-03-29" });
    const from = OPEN;
    const to = OPEN + 10 * 60_000;
    const got: { ticks: Tick[]; clock: number }[] = [];
    const r = new ReplayCollector({ from, to, speed: 60, sim, now: () => wall, intervalMs: 1_000_000 });
    await r.setSymbols([{ symbol: "A", simIndex: 0 } as never, { symbol: "B", simIndex: 1 } as never]);
    await r.start((ticks, clock) => got.push({ ticks, clock }));
    wall = 5_000; // 5 s × 60 = 5 market minutes
    r.pump();
    expect(got[0]!.clock).toBe(from + 5 * 60_000);
    expect(got[0]!.ticks.every((t) => t.ts <= from + 5 * 60_000)).toBe(true);
    expect(got[0]!.ticks.map((t) => t.ts)).toEqual([...got[0]!.ticks.map((t) => t.ts)].sort((a, b) => a - b));
    wall = 20_000;
    r.pump();
    await r.stop();
    expect(r.done).toBe(true);
    const all = got.flatMap((g) => g.ticks);
    expect(all.length).toBe(sim.ticks(0, from, to).length + sim.ticks(1, from, to).length);
    expect(got[got.length - 1]!.clock).toBe(to);
  });
});
