import { describe, expect, it } from "vitest";
import { LiveBarBuilder } from "@/lib/live/bar-builder";
import { decodeEntry, encodeTicks } from "./tick-stream";

const fields = (d: string) => ["src", "binance", "clk", "1709632860000", "rcv", "1709632860001", "d", d];

describe("tick stream entries", () => {
  it("round-trip prints with and without trade ids", () => {
    const ticks = [
      { symbol: "BTC-USD", ts: 1709632800100, price: 64_000.5, size: 0.25, id: "7" },
      { symbol: "ETH-USD", ts: 1709632800200, price: 3_400, size: 1 },
    ];
    expect(decodeEntry("1-0", fields(encodeTicks(ticks)))).toEqual({ id: "1-0", source: "binance", clock: 1709632860000, receivedAt: 1709632860001, ticks });
  });

  it("keeps the other prints of an entry when one has a value that is not a number; the builder quarantines that one", () => {
    // JSON has no Infinity: a vendor's out-of-range value is stored as null.
    const e = decodeEntry("2-0", fields(JSON.stringify([["BTC-USD", 1709632800100, null, 1], ["BTC-USD", 1709632800200, 64_001, 2]])));
    expect(e.ticks).toHaveLength(2);
    expect(e.ticks[0]!.price).toBeNaN();
    const b = new LiveBarBuilder();
    b.setSymbol({ symbol: "BTC-USD", calendar: "CRYPTO" });
    b.apply(e.source, e.ticks, e.clock);
    const step = b.drain();
    expect(step.rejects).toEqual([{ symbol: "BTC-USD", source: "binance", reason: "invalid", ts: 1709632800100, price: Number.NaN, size: 1 }]);
    expect(step.writes.get("1m")!.get("BTC-USD")![0]).toMatchObject({ open: 64_001, volume: 2, trades: 1 });
  });

  it("throws on an entry without source or clock, or a row without a symbol", () => {
    expect(() => decodeEntry("3-0", ["clk", "1", "d", "[]"])).toThrow(/missing src\/clk/);
    expect(() => decodeEntry("4-0", fields(JSON.stringify([[null, 1, 2, 3]])))).toThrow(/row 0 malformed/);
    expect(() => decodeEntry("5-0", fields("{}"))).toThrow(/not an array/);
  });
});
