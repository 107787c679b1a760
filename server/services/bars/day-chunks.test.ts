import { describe, expect, it } from "vitest";
import { columnsFromBars, barsFromColumns } from "@/lib/bars/columns";
import { daysOf, pack, unpack } from "./day-chunks";

describe("day chunks", () => {
  it("pack/unpack round-trips columns exactly, NaN and empty days included", () => {
    const bars = Array.from({ length: 7 }, (_, i) => ({ ts: 1_700_000_000_000 + i * 60_000, open: 1 + i / 3, high: 2 + i, low: 0.5, close: 1.5 + i / 7, volume: i * 10, vwap: i === 3 ? Number.NaN : 1.25, trades: i }));
    expect(barsFromColumns(unpack(pack(columnsFromBars(bars))))).toEqual(bars);
    expect(unpack(pack(columnsFromBars([]))).length).toBe(0);
    // A reply buffer at an odd offset still decodes.
    const p = pack(columnsFromBars(bars));
    const odd = Buffer.concat([Buffer.from([0]), p]).subarray(1);
    expect(barsFromColumns(unpack(odd))).toEqual(bars);
    expect(() => unpack(p.subarray(0, p.length - 8))).toThrow(/bytes for 7 bars/);
  });

  it("splits a range into the UTC days covering it", () => {
    const d = Date.parse("2024-04-01T00:00:00Z");
    expect(daysOf(d + 3_600_000, d + 2 * 86_400_000 + 1)).toEqual([d, d + 86_400_000, d + 2 * 86_400_000]);
    expect(daysOf(d, d + 86_400_000)).toEqual([d]);
    expect(daysOf(d, d)).toEqual([]);
  });
});
