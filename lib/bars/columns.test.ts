import { describe, expect, it } from "vitest";
import { barsFromColumns, columnsFromBars, filterColumns } from "./columns";

describe("filterColumns", () => {
  it("keeps the flagged rows in order, as a copy", () => {
    const bars = Array.from({ length: 5 }, (_, i) => ({ ts: i * 60_000, open: i, high: i + 1, low: i - 1, close: i + 0.5, volume: 10 * i, vwap: i + 0.25, trades: i }));
    const c = columnsFromBars(bars);
    const kept = filterColumns(c, Uint8Array.from([1, 0, 1, 1, 0]));
    expect(barsFromColumns(kept)).toEqual([bars[0], bars[2], bars[3]]);
    kept.close[0] = 99;
    expect(c.close[0]).toBe(0.5);
    expect(filterColumns(c, new Uint8Array(5)).length).toBe(0);
  });
});
