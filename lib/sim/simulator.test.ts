import { describe, expect, it } from "vitest";
import type { BarColumns } from "../bars/columns";
import { BAR_FIELDS } from "../bars/columns";
import { createSimulator, parseSimConfig, ZSimConfigInput } from "./index";

const small = { symbols: 40, start: "2020-01-01", end: "2020-12-31", cryptoShare: 0.25 } as const;

/** Bitwise equality of two float64 arrays. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function sameBars(a: BarColumns, b: BarColumns): boolean {
  return a.length === b.length && BAR_FIELDS.every((f) => sameBits(a[f], b[f]));
}

describe("config", () => {
  it("fills every default and validates ranges", () => {
    const c = parseSimConfig({});
    expect(c.symbols).toBe(500);
    expect(c.stock.vol.min).toBeLessThan(c.stock.vol.max);
    expect(c.garch.alpha + c.garch.beta).toBeLessThan(1);
    expect(c.plantedIC).toBe(0);
    expect(ZSimConfigInput.safeParse({ garch: { alpha: 0.5, beta: 0.6 } }).success).toBe(false);
    expect(ZSimConfigInput.safeParse({ start: "2021-01-01", end: "2020-01-01" }).success).toBe(false);
    expect(ZSimConfigInput.safeParse({ stock: { vol: { min: 0.5, max: 0.2 } } }).success).toBe(false);
    expect(ZSimConfigInput.safeParse({ start: "2021-13-01" }).success).toBe(false);
    // Partial nested objects keep the other defaults.
    expect(parseSimConfig({ stock: { vol: { min: 0.3 } } }).stock.vol.max).toBe(c.stock.vol.max);
  });
});

describe("universe", () => {
  it("names symbols, mixes asset classes exactly and assigns sectors", () => {
    const sim = createSimulator(small);
    const u = sim.universe();
    expect(u).toHaveLength(40);
    expect(u[0]!.symbol).toBe("SIM0001");
    expect(u[39]!.symbol).toBe("SIM0040");
    expect(u.filter((s) => s.assetClass === "crypto")).toHaveLength(10);
    for (const s of u) {
      expect(s.calendar).toBe(s.assetClass === "crypto" ? "CRYPTO" : "NYSE");
      expect(s.basePrice).toBeGreaterThan(0);
      expect(s.baseVolume).toBeGreaterThan(0);
      expect(s.idioVol).toBeGreaterThan(0);
      expect(s.idioVol).toBeLessThanOrEqual(s.vol);
      if (s.assetClass === "stock") expect(s.sectorIndex).toBeLessThan(sim.config.sectors);
      else expect(s.sector).toBe("Crypto");
    }
    expect(new Set(u.filter((s) => s.assetClass === "stock").map((s) => s.sector)).size).toBeGreaterThan(5);
    expect(() => sim.daily(40)).toThrow(RangeError);
  });
});

describe("determinism", () => {
  it("gives bit-identical output for the same config", () => {
    const a = createSimulator({ ...small, seed: 9 });
    const b = createSimulator({ ...small, seed: 9 });
    for (const i of [0, 3, 7]) {
      expect(sameBars(a.daily(i), b.daily(i))).toBe(true);
      const from = Date.UTC(2020, 5, 1);
      const to = Date.UTC(2020, 5, 4);
      expect(sameBars(a.minute(i, from, to), b.minute(i, from, to))).toBe(true);
      const ta = a.ticks(i, from, from + 3_600_000 * 24);
      const tb = b.ticks(i, from, from + 3_600_000 * 24);
      expect(sameBits(ta.ts, tb.ts) && sameBits(ta.price, tb.price) && sameBits(ta.size, tb.size)).toBe(true);
      expect(sameBits(a.signal(i).value, b.signal(i).value)).toBe(true);
    }
  });

  it("changes with the seed", () => {
    const a = createSimulator({ ...small, seed: 1 }).daily(0);
    const b = createSimulator({ ...small, seed: 2 }).daily(0);
    expect(sameBits(a.close, b.close)).toBe(false);
  });

  it("generates a symbol identically alone, among others, in any order and over any sub-range", () => {
    const alone = createSimulator({ ...small, seed: 5 });
    const d7 = alone.daily(7);
    const from = Date.UTC(2020, 2, 9);
    const to = Date.UTC(2020, 2, 12);
    const m7 = alone.minute(7, from, to);

    const crowd = createSimulator({ ...small, seed: 5 });
    for (const i of [39, 12, 0, 8, 6]) {
      crowd.daily(i);
      crowd.minute(i, from, to);
    }
    crowd.realisedIC({ symbols: [0, 1, 2, 4] });
    expect(sameBars(crowd.daily(7), d7)).toBe(true);
    expect(sameBars(crowd.minute(7, from, to), m7)).toBe(true);

    // A bigger universe does not change existing symbols (when the asset mix keeps their class).
    const bigger = createSimulator({ ...small, symbols: 400, seed: 5 });
    expect(bigger.symbol(7).assetClass).toBe(alone.symbol(7).assetClass);
    expect(sameBars(bigger.daily(7), d7)).toBe(true);
    // Also with a planted signal (its loading is calibrated on a fixed reference sample, not the universe).
    const plantedSmall = createSimulator({ ...small, seed: 5, plantedIC: 0.05 });
    const plantedBig = createSimulator({ ...small, symbols: 400, seed: 5, plantedIC: 0.05 });
    expect(sameBars(plantedBig.daily(7), plantedSmall.daily(7))).toBe(true);
    expect(sameBars(plantedSmall.daily(7), d7)).toBe(false);

    // Sub-ranges are slices of the full series.
    const part = alone.daily(7, Date.UTC(2020, 3, 1), Date.UTC(2020, 4, 1));
    const start = d7.ts.indexOf(part.ts[0]!);
    expect(start).toBeGreaterThan(0);
    for (const f of BAR_FIELDS) expect(sameBits(part[f], d7[f].slice(start, start + part.length))).toBe(true);
    const mPart = alone.minute(7, from + 15 * 3_600_000, from + 20 * 3_600_000);
    const mStart = m7.ts.indexOf(mPart.ts[0]!);
    for (const f of BAR_FIELDS) expect(sameBits(mPart[f], m7[f].slice(mStart, mStart + mPart.length))).toBe(true);
  });

  it("keeps golden values (guards against accidental changes to the generators)", () => {
    const sim = createSimulator({ seed: 1, symbols: 10, start: "2020-01-01", end: "2020-03-31" });
    const d = sim.daily(0);
    expect([d.open[0], d.close[0], d.volume[0], d.trades[0]]).toEqual(GOLDEN.daily0);
    expect(d.close[d.length - 1]).toBe(GOLDEN.lastClose);
    const m = sim.minute(0, d.ts[10]!, d.ts[10]! + 86_400_000);
    expect([m.open[100], m.high[100], m.low[100], m.close[100], m.volume[100], m.trades[100]]).toEqual(GOLDEN.minute100);
  });
});

/** Recorded from this implementation (seed 1). Update deliberately, never to make a test pass. */
const GOLDEN = {
  daily0: [320.5, 333.65625, 7946806, 61775],
  lastClose: 374.1875,
  minute100: [328.40625, 328.90625, 328.25, 328.71875, 10852, 86],
};

describe("bar invariants", () => {
  it("daily and 1m bars have consistent OHLC, positive prices, vwap inside [low, high], integer volume/trades", () => {
    const sim = createSimulator({ ...small, symbols: 120, seed: 3, start: "2018-01-01", end: "2021-12-31" });
    const check = (b: BarColumns) => {
      for (let i = 0; i < b.length; i++) {
        const o = b.open[i]!;
        const h = b.high[i]!;
        const l = b.low[i]!;
        const c = b.close[i]!;
        const ok =
          l > 0 &&
          l <= Math.min(o, c) &&
          Math.max(o, c) <= h &&
          b.vwap[i]! >= l &&
          b.vwap[i]! <= h &&
          b.volume[i]! >= b.trades[i]! &&
          b.trades[i]! >= 1 &&
          Number.isInteger(b.volume[i]) &&
          Number.isInteger(b.trades[i]) &&
          (i === 0 || b.ts[i]! > b.ts[i - 1]!);
        if (!ok) throw new Error(`bad bar at ${i}: ${[b.ts[i], o, h, l, c, b.volume[i], b.vwap[i], b.trades[i]].join(" ")}`);
      }
    };
    let days = 0;
    for (let i = 0; i < 120; i++) {
      const d = sim.daily(i);
      check(d);
      days += d.length;
    }
    expect(days).toBeGreaterThan(120 * 1000);
    for (const i of [0, 3, 50]) check(sim.minute(i, Date.UTC(2019, 0, 1), Date.UTC(2019, 3, 1)));
  });
});
