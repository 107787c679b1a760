/**
 * Indicators TA-Lib does not have, checked against `trading-signals` (an independent
 * implementation) where it has them, and against hand-computed golden cases.
 *
 * trading-signals seeds its EMA with the first price and includes the first bar's high−low in its
 * ATR, while ours follow TA-Lib (SMA seed, TR from bar 1). Those seeds decay geometrically, so
 * Keltner and SuperTrend are compared once both have converged (after `SETTLE` bars).
 */
import { CMF, DonchianChannels, HMA, IchimokuCloud, KeltnerChannels, SuperTrend, VWAP } from "trading-signals";
import { describe, expect, it } from "vitest";
import type { BarColumns } from "@/lib/bars/columns";
import { columnsFromBars } from "@/lib/bars/columns";
import { atr } from "./atr";
import { donchian, keltner } from "./channels";
import { ichimoku } from "./ichimoku";
import { ema, hma } from "./moving-averages";
import { supertrend } from "./supertrend";
import { firstValid, loadDaily, randomWalk } from "./test-helpers";
import { cmf } from "./volume";
import { anchorStart, vwap } from "./vwap";

const TOL = 1e-9;
const SETTLE = 400;

function close(a: number, b: number, tol = TOL): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

const DATA: [string, BarColumns][] = [
  ["AAPL daily", loadDaily("AAPL")],
  ["JPM daily", loadDaily("JPM")],
  ["random walk", randomWalk(3000, { seed: 17, vol: 0.015 })],
];

describe("vs trading-signals", () => {
  it.each(DATA)("Keltner channels (20, 10, 2) on %s", (_name, c) => {
    const ours = keltner(c.high, c.low, c.close, 20, 10, 2);
    const ts = new KeltnerChannels({ emaInterval: 20, atrInterval: 10, multiplier: 2 });
    for (let i = 0; i < c.length; i++) {
      const r = ts.add({ high: c.high[i]!, low: c.low[i]!, close: c.close[i]! });
      if (i < SETTLE || r === null) continue;
      expect(close(ours.upper[i]!, r.upper) && close(ours.middle[i]!, r.middle) && close(ours.lower[i]!, r.lower), `bar ${i}`).toBe(true);
    }
  });

  it.each(DATA)("SuperTrend (10, 3) on %s", (_name, c) => {
    const ours = supertrend(c.high, c.low, c.close, 10, 3);
    const ts = new SuperTrend({ interval: 10, multiplier: 3 });
    let compared = 0;
    for (let i = 0; i < c.length; i++) {
      const r = ts.add({ high: c.high[i]!, low: c.low[i]!, close: c.close[i]! });
      if (i < SETTLE || r === null) continue;
      expect(ours.direction[i], `direction at ${i}`).toBe(r.trend === "BULLISH" ? 1 : -1);
      expect(close(ours.supertrend[i]!, r.supertrend), `supertrend at ${i}: ${ours.supertrend[i]} vs ${r.supertrend}`).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it.each(DATA)("Donchian channels (20) on %s", (_name, c) => {
    const ours = donchian(c.high, c.low, 20);
    const ts = new DonchianChannels(20);
    for (let i = 0; i < c.length; i++) {
      const r = ts.add({ high: c.high[i]!, low: c.low[i]! });
      if (r === null) {
        expect(ours.upper[i]).toBeNaN();
        continue;
      }
      expect([ours.upper[i], ours.middle[i], ours.lower[i]]).toEqual([r.upper, r.middle, r.lower]);
    }
    expect(firstValid(ours.upper)).toBe(19);
  });

  it.each(DATA)("Ichimoku (9, 26, 52) on %s", (_name, c) => {
    const ours = ichimoku(c.high, c.low);
    const ts = new IchimokuCloud({ conversionInterval: 9, baseInterval: 26, spanBInterval: 52 });
    for (let i = 0; i < c.length; i++) {
      const r = ts.add({ high: c.high[i]!, low: c.low[i]! });
      if (r === null) continue; // trading-signals waits for all 52 bars
      expect([ours.tenkan[i], ours.kijun[i], ours.senkouA[i], ours.senkouB[i]]).toEqual([r.conversion, r.base, r.spanA, r.spanB]);
    }
    expect([firstValid(ours.tenkan), firstValid(ours.kijun), firstValid(ours.senkouA), firstValid(ours.senkouB)]).toEqual([8, 25, 25, 51]);
  });

  it.each(DATA)("Chaikin money flow (20) on %s", (_name, c) => {
    const ours = cmf(c.high, c.low, c.close, c.volume, 20);
    const ts = new CMF(20);
    for (let i = 0; i < c.length; i++) {
      const r = ts.add({ high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! });
      if (r === null) {
        expect(ours[i]).toBeNaN();
        continue;
      }
      expect(close(ours[i]!, r), `bar ${i}: ${ours[i]} vs ${r}`).toBe(true);
    }
  });

  it.each([5, 9, 16, 20, 55])("Hull moving average (%i)", (p) => {
    for (const [, c] of DATA) {
      const ours = hma(c.close, p);
      const ts = new HMA(p);
      for (let i = 0; i < c.length; i++) {
        const r = ts.add(c.close[i]!);
        if (r === null) {
          expect(ours[i]).toBeNaN();
          continue;
        }
        expect(close(ours[i]!, r), `HMA(${p})[${i}]: ${ours[i]} vs ${r}`).toBe(true);
      }
    }
  });

  it("session VWAP = trading-signals VWAP restarted at every UTC day (intraday bars)", () => {
    const c = randomWalk(5000, { seed: 23, stepMs: 7 * 60_000 }); // ~3.5 days of 7-minute bars
    const ours = vwap(c.ts, c.high, c.low, c.close, c.volume, "session");
    let ts = new VWAP();
    let day = NaN;
    let sessions = 0;
    for (let i = 0; i < c.length; i++) {
      const d = anchorStart(c.ts[i]!, "session");
      if (d !== day) {
        ts = new VWAP();
        day = d;
        sessions++;
      }
      const r = ts.add({ high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! });
      expect(r).not.toBeNull();
      expect(close(ours[i]!, r!), `bar ${i}`).toBe(true);
    }
    expect(sessions).toBeGreaterThan(5);
  });
});

describe("composition (parts verified against TA-Lib)", () => {
  it("Keltner middle is the TA-Lib EMA and the half-width is multiplier × TA-Lib ATR", () => {
    const c = loadDaily("AAPL");
    const k = keltner(c.high, c.low, c.close, 20, 10, 1.5);
    const e = ema(c.close, 20);
    const a = atr(c.high, c.low, c.close, 10);
    for (let i = 10; i < c.length; i++) {
      expect(k.middle[i]).toBe(e[i]);
      expect(k.upper[i]).toBe(e[i]! + 1.5 * a[i]!);
      expect(k.lower[i]).toBe(e[i]! - 1.5 * a[i]!);
    }
  });

  it("SuperTrend is one of hl2 ± multiplier × TA-Lib ATR ratchets and sits on the correct side", () => {
    const c = loadDaily("AAPL");
    const st = supertrend(c.high, c.low, c.close, 10, 3);
    const a = atr(c.high, c.low, c.close, 10);
    for (let i = 10; i < c.length; i++) {
      const hl2 = (c.high[i]! + c.low[i]!) / 2;
      if (st.direction[i] === 1) {
        expect(st.supertrend[i]!).toBeGreaterThanOrEqual(hl2 - 3 * a[i]! - 1e-9); // lower band only ratchets up
        expect(c.close[i]!).toBeGreaterThanOrEqual(st.supertrend[i]!);
      } else {
        expect(st.supertrend[i]!).toBeLessThanOrEqual(hl2 + 3 * a[i]! + 1e-9);
        expect(c.close[i]!).toBeLessThanOrEqual(st.supertrend[i]!);
      }
    }
  });
});

/** Bars from compact [high, low, close, volume] rows, one hour apart from 2024-03-01 00:00 UTC. */
function bars(rows: [number, number, number, number][], startTs = Date.UTC(2024, 2, 1), stepMs = 3_600_000): BarColumns {
  return columnsFromBars(rows.map(([high, low, close, volume], i) => ({ ts: startTs + i * stepMs, open: close, high, low, close, volume, vwap: NaN, trades: NaN })));
}

describe("golden cases (hand-computed)", () => {
  it("session VWAP resets at UTC midnight; week and month anchors", () => {
    // tp = (h+l+c)/3: 10, 20, 30 ; volumes 1, 1, 2 → 10, 15, 22.5; next day starts over at 40.
    const c = bars(
      [
        [11, 9, 10, 1],
        [21, 19, 20, 1],
        [31, 29, 30, 2],
        [41, 39, 40, 5],
      ],
      Date.UTC(2024, 2, 1, 21),
    );
    expect(Array.from(vwap(c.ts, c.high, c.low, c.close, c.volume))).toEqual([10, 15, 22.5, 40]);
    // Zero volume so far in the session → NaN, then normal.
    const z = bars([
      [11, 9, 10, 0],
      [21, 19, 20, 3],
    ]);
    expect(Array.from(vwap(z.ts, z.high, z.low, z.close, z.volume))).toEqual([NaN, 20]);
    // 2024-03-03 is a Sunday, 2024-03-04 a Monday; 2024-03-31 → 2024-04-01 is a month change.
    expect(anchorStart(Date.UTC(2024, 2, 3, 23, 59), "week")).toBe(Date.UTC(2024, 1, 26));
    expect(anchorStart(Date.UTC(2024, 2, 4, 0, 0), "week")).toBe(Date.UTC(2024, 2, 4));
    expect(anchorStart(Date.UTC(2024, 2, 31, 12), "month")).toBe(Date.UTC(2024, 2, 1));
    expect(anchorStart(Date.UTC(2024, 3, 1), "month")).toBe(Date.UTC(2024, 3, 1));
    expect(anchorStart(Date.UTC(2000, 1, 29, 5), "month")).toBe(Date.UTC(2000, 1, 1));
    expect(anchorStart(Date.UTC(1969, 11, 31, 5), "week")).toBe(Date.UTC(1969, 11, 29));
    for (let d = Date.UTC(1999, 0, 1); d < Date.UTC(2031, 0, 1); d += 86_400_000 * 3 + 3_600_000) {
      const dt = new Date(d);
      expect(anchorStart(d, "month")).toBe(Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth(), 1));
    }
  });

  it("Donchian channels (3)", () => {
    const c = bars([
      [10, 8, 9, 1],
      [12, 9, 11, 1],
      [11, 7, 8, 1],
      [9, 8, 8.5, 1],
      [9.5, 8.2, 9, 1],
    ]);
    const d = donchian(c.high, c.low, 3);
    expect(Array.from(d.upper)).toEqual([NaN, NaN, 12, 12, 11]);
    expect(Array.from(d.lower)).toEqual([NaN, NaN, 7, 7, 7]);
    expect(Array.from(d.middle)).toEqual([NaN, NaN, 9.5, 9.5, 9]);
  });

  it("Chaikin money flow (2)", () => {
    // mfm: (c−l − (h−c))/(h−l): bar0 (9−8 − 1)/2 = 0 ; bar1 (11−9 − 1)/3 = 1/3 ; bar2 (8−7 − 3)/4 = −1/2 ; bar3 flat → 0
    const c = bars([
      [10, 8, 9, 100],
      [12, 9, 11, 300],
      [11, 7, 8, 200],
      [8, 8, 8, 0],
    ]);
    const r = cmf(c.high, c.low, c.close, c.volume, 2);
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeCloseTo((0 * 100 + (1 / 3) * 300) / 400, 15);
    expect(r[2]).toBeCloseTo(((1 / 3) * 300 - 0.5 * 200) / 500, 15);
    expect(r[3]).toBeCloseTo((-0.5 * 200) / 200, 15);
  });

  it("Ichimoku (2, 3, 4) mid-points", () => {
    const c = bars([
      [10, 8, 9, 1],
      [12, 9, 11, 1],
      [11, 7, 8, 1],
      [9, 8, 8.5, 1],
    ]);
    const r = ichimoku(c.high, c.low, { tenkan: 2, kijun: 3, senkouB: 4 });
    expect(Array.from(r.tenkan)).toEqual([NaN, 10, 9.5, 9]); // (12+8)/2, (12+7)/2, (11+7)/2
    expect(Array.from(r.kijun)).toEqual([NaN, NaN, 9.5, 9.5]); // (12+7)/2 twice
    expect(Array.from(r.senkouA)).toEqual([NaN, NaN, 9.5, 9.25]);
    expect(Array.from(r.senkouB)).toEqual([NaN, NaN, NaN, 9.5]); // (12+7)/2
  });

  it("SuperTrend (period 1, multiplier 1): bands, ratchet and flips", () => {
    // ATR(1) = true range. Rows: [high, low, close].
    const c = bars([
      [10, 9, 9.5, 1], // 0: no ATR yet
      [11, 10, 10.8, 1], // 1: TR=max(1,|11−9.5|,|10−9.5|)=1.5, hl2=10.5 → up 12, lo 9; close 10.8 ≤ 12 → down, ST=12
      [12, 11, 11.9, 1], // 2: TR=max(1,1.2,0.2)=1.2, hl2=11.5 → basic up 12.7 (> 12, prevClose 10.8 ≤ 12 → keep 12), lo 10.3 (> 9 → 10.3); close 11.9 ≤ 12 → down, ST=12
      [14, 12, 13.5, 1], // 3: TR=max(2,2.1,0.1)=2.1, hl2=13 → basic up 15.1 (keep 12), lo 10.9 (> 10.3); close 13.5 > 12 → up, ST=10.9
      [13, 11, 11.2, 1], // 4: TR=max(2,0.5,2.5)=2.5, hl2=12 → basic lo 9.5 (< 10.9 and prevClose 13.5 ≥ 10.9 → keep 10.9); close 11.2 ≥ 10.9 → up, ST=10.9
      [11, 10, 10.1, 1], // 5: TR=max(1,0.2,1.2)=1.2, hl2=10.5 → basic lo 9.3 (keep 10.9); close 10.1 < 10.9 → down; upper: basic 11.7 < prev 12 → 11.7, ST=11.7
    ]);
    const st = supertrend(c.high, c.low, c.close, 1, 1);
    const expected = [NaN, 12, 12, 10.9, 10.9, 11.7];
    st.supertrend.forEach((v, i) => (Number.isNaN(expected[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(expected[i]!, 12)));
    expect(Array.from(st.direction)).toEqual([NaN, -1, -1, 1, 1, -1]);
  });
});
