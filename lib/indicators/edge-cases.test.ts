/**
 * Edge cases: empty and short series, flat series (no Infinity; TA-Lib's values where it defines
 * one, documented neutral values otherwise), zero volume, period 1, bad arguments.
 */
import { describe, expect, it } from "vitest";
import { emptyColumns, sliceColumns } from "@/lib/bars/columns";
import { adx } from "./adx";
import { aroon } from "./aroon";
import { atr, natr, trueRange } from "./atr";
import { bbands } from "./bollinger";
import { donchian } from "./channels";
import { macd, macdIncremental } from "./macd";
import { dema, ema, hma, kama, sma, tema, wma } from "./moving-averages";
import { cci, mom, roc, willr } from "./oscillators";
import { getIndicator, INDICATOR_IDS } from "./registry";
import { rsi, rsiIncremental } from "./rsi";
import { stoch } from "./stochastic";
import { firstValid, flatBars, loadDaily, randomWalk } from "./test-helpers";
import { cmf, mfi, obv } from "./volume";

const F = (xs: number[]) => Float64Array.from(xs);

describe("empty and short series", () => {
  it.each(INDICATOR_IDS)("%s: empty input gives empty outputs", (id) => {
    const d = getIndicator(id);
    const out = d.compute(emptyColumns(0), {});
    expect(Object.keys(out).sort()).toEqual([...d.outputs].sort());
    for (const k of d.outputs) expect(out[k]!.length).toBe(0);
  });

  it.each(INDICATOR_IDS)("%s: a series shorter than an output's warm-up leaves that output all NaN", (id) => {
    const d = getIndicator(id);
    const c = randomWalk(400, { seed: 2 });
    const full = d.compute(c, {});
    for (const k of d.outputs) {
      const f = firstValid(full[k]!);
      const short = d.compute(sliceColumns(c, 0, f), {});
      expect(short[k]!.length).toBe(f);
      expect(short[k]!.every(Number.isNaN), `${id}.${k} on ${f} bars`).toBe(true);
    }
  });

  it("multi-input batch functions reject columns of different lengths", () => {
    expect(() => atr(F([1, 2]), F([1]), F([1, 2]))).toThrow(RangeError);
    expect(() => mfi(F([1]), F([1]), F([1]), F([]))).toThrow(RangeError);
  });

  it("periods must be integers ≥ 1 (HMA ≥ 2)", () => {
    expect(() => sma(F([1]), 0)).toThrow(RangeError);
    expect(() => ema(F([1]), 2.5)).toThrow(RangeError);
    expect(() => hma(F([1]), 1)).toThrow(RangeError);
  });
});

describe("flat series", () => {
  // Price 50 everywhere, volume 1000.
  const EXPECTED: Record<string, Record<string, number>> = {
    sma: { sma: 50 },
    ema: { ema: 50 },
    wma: { wma: 50 },
    dema: { dema: 50 },
    tema: { tema: 50 },
    kama: { kama: 50 },
    hma: { hma: 50 },
    rsi: { rsi: 0 }, // TA-Lib: 0 when average gain + loss is 0
    stochrsi: { k: 0, d: 0 }, // TA-Lib: %K = 0 when the range is 0
    macd: { macd: 0, signal: 0, hist: 0 },
    bbands: { upper: 50, middle: 50, lower: 50, percentB: 0.5, bandwidth: 0 }, // %B: documented neutral 0.5
    atr: { atr: 0 },
    natr: { natr: 0 },
    stoch: { k: 0, d: 0 }, // TA-Lib
    adx: { adx: 0, plusDi: 0, minusDi: 0 }, // TA-Lib: DI = 0 when TR = 0, DX skipped
    aroon: { up: 100, down: 100, oscillator: 0 }, // ties: the most recent bar is the extreme (TA-Lib)
    obv: { obv: 1000 }, // starts at the first volume, unchanged closes
    vwap: { vwap: 50 },
    mfi: { mfi: 0 }, // TA-Lib: 0 when pos + neg < 1
    cci: { cci: 0 }, // TA-Lib
    willr: { willr: 0 }, // TA-Lib: 0 when the range is 0
    roc: { roc: 0 },
    mom: { mom: 0 },
    cmf: { cmf: 0 },
    keltner: { upper: 50, middle: 50, lower: 50 },
    donchian: { upper: 50, middle: 50, lower: 50 },
    ichimoku: { tenkan: 50, kijun: 50, senkouA: 50, senkouB: 50 },
    sar: { sar: 50 },
    supertrend: { supertrend: 50, direction: -1 },
  };

  it("covers every registry indicator", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...INDICATOR_IDS].sort());
  });

  it.each(INDICATOR_IDS)("%s: finite, documented values after warm-up", (id) => {
    const d = getIndicator(id);
    const c = flatBars(300);
    const out = d.compute(c, {});
    const lb = d.lookback({});
    for (const k of d.outputs) {
      for (let i = lb; i < c.length; i++) {
        const v = out[k]![i]!;
        expect(Number.isFinite(v), `${id}.${k}[${i}] = ${v}`).toBe(true);
        expect(v, `${id}.${k}[${i}]`).toBeCloseTo(EXPECTED[id]![k]!, 12);
      }
    }
  });

  it.each(INDICATOR_IDS)("%s: never Infinity on flat stretches inside real data", (id) => {
    const d = getIndicator(id);
    const c = randomWalk(2000, { seed: 8, tick: 0.05, flatProb: 0.5, start: 10 });
    const minimal: Record<string, number> = {};
    for (const [k, s] of Object.entries(d.params)) if (s.kind === "int") minimal[k] = s.min;
    for (const params of [{}, minimal]) {
      const out = d.compute(c, params);
      for (const k of d.outputs) for (const v of out[k]!) if (v === Infinity || v === -Infinity) expect.fail(`${id}.${k} produced ${v}`);
    }
  });

  it("zero volume: MFI and CMF 0, VWAP NaN (no trades), OBV 0", () => {
    const c = flatBars(50, 50, 0);
    expect(mfi(c.high, c.low, c.close, c.volume, 14)[20]).toBe(0);
    expect(cmf(c.high, c.low, c.close, c.volume, 20)[30]).toBe(0);
    expect(getIndicator("vwap").compute(c, {}).vwap![10]).toBeNaN();
    expect(obv(c.close, c.volume)[40]).toBe(0);
  });
});

describe("period 1", () => {
  const c = loadDaily("AAPL");
  const x = c.close;

  it("moving averages of period 1 are the input", () => {
    for (const f of [sma, ema, wma, dema, tema]) expect(Array.from(f(x, 1))).toEqual(Array.from(x));
    expect(kama(x, 1).slice(1).every(Number.isFinite)).toBe(true);
  });

  it("RSI(1) is 100 on an up bar, 0 on a down or unchanged bar", () => {
    const r = rsi(F([1, 2, 1, 1, 3]), 1);
    expect(Array.from(r)).toEqual([NaN, 100, 0, 0, 100]);
  });

  it("ATR(1) is the true range; NATR(1) is 100·TR/close", () => {
    const tr = trueRange(c.high, c.low, c.close);
    expect(Array.from(atr(c.high, c.low, c.close, 1))).toEqual(Array.from(tr));
    const n = natr(c.high, c.low, c.close, 1);
    for (let i = 1; i < c.length; i++) expect(n[i]).toBeCloseTo((tr[i]! / c.close[i]!) * 100, 12);
  });

  it("ROC(1), MOM(1), CCI(1), Williams %R(1), Donchian(1), CMF(1), STOCH(1,1,1)", () => {
    const h = c.high;
    const l = c.low;
    expect(roc(x, 1)[5]).toBeCloseTo((x[5]! / x[4]! - 1) * 100, 12);
    expect(mom(x, 1)[5]).toBe(x[5]! - x[4]!);
    expect(cci(h, l, x, 1).every((v) => v === 0)).toBe(true); // tp − mean(tp) = 0
    const w = willr(h, l, x, 1);
    expect(w[7]).toBeCloseTo((-100 * (h[7]! - x[7]!)) / (h[7]! - l[7]!), 12);
    const dc = donchian(h, l, 1);
    expect(Array.from(dc.upper)).toEqual(Array.from(h));
    expect(Array.from(dc.lower)).toEqual(Array.from(l));
    const cm = cmf(h, l, x, c.volume, 1);
    expect(cm[9]).toBeCloseTo((x[9]! - l[9]! - (h[9]! - x[9]!)) / (h[9]! - l[9]!), 12);
    const st = stoch(h, l, x, { fastK: 1, slowK: 1, slowD: 1 });
    expect(st.k[3]).toBeCloseTo(((x[3]! - l[3]!) / (h[3]! - l[3]!)) * 100, 12);
    expect(st.d[3]).toBe(st.k[3]);
  });

  it("+DI(1) = 100·(+DM)/TR and −DI(1) likewise (TA-Lib returns an unscaled ratio for period 1)", () => {
    const a = adx(c.high, c.low, c.close, 1);
    const tr = trueRange(c.high, c.low, c.close);
    for (let i = 1; i < 50; i++) {
      const up = c.high[i]! - c.high[i - 1]!;
      const dn = c.low[i - 1]! - c.low[i]!;
      const plusDm = up > 0 && up > dn ? up : 0;
      const minusDm = dn > 0 && up < dn ? dn : 0;
      expect(a.plusDi[i]).toBeCloseTo((100 * plusDm) / tr[i]!, 10);
      expect(a.minusDi[i]).toBeCloseTo((100 * minusDm) / tr[i]!, 10);
    }
  });

  it("Aroon(1) looks at two bars", () => {
    const a = aroon(F([1, 2, 1.5]), F([0.5, 1, 0.2]), 1);
    expect(Array.from(a.up)).toEqual([NaN, 100, 0]);
    expect(Array.from(a.down)).toEqual([NaN, 0, 100]);
  });

  it("MACD with signal period 1: signal = MACD line, histogram 0 (TA-Lib mis-aligns this case)", () => {
    const m = macd(x, 12, 26, 1);
    expect(firstValid(m.macd)).toBe(25);
    for (let i = 25; i < x.length; i++) {
      expect(m.signal[i]).toBe(m.macd[i]);
      expect(m.hist[i]).toBe(0);
    }
  });

  it("Bollinger with period 1 has zero width and %B 0.5", () => {
    const b = bbands(x, 1);
    expect(b.upper[3]).toBe(x[3]);
    expect(b.percentB[3]).toBe(0.5);
  });
});

describe("incremental edge cases", () => {
  it("update before any push behaves like push; length counts bars", () => {
    const inc = rsiIncremental(2);
    expect(inc.update({ close: 1 })).toBeNaN();
    expect(inc.length).toBe(1);
    inc.push({ close: 2 });
    expect(inc.push({ close: 3 })).toBe(100);
    expect(inc.update({ close: 1 })).toBe(50); // changes +1, −1 → avg gain = avg loss
    expect(inc.length).toBe(3);
  });

  it("MACD incremental starts at the same bar as the batch", () => {
    const x = loadDaily("AAPL").close;
    const inc = macdIncremental();
    const batch = macd(x);
    for (let i = 0; i < 60; i++) {
      const v = inc.push({ close: x[i]! });
      if (i < 33) expect(v.macd).toBeNaN();
      else expect(v.macd).toBe(batch.macd[i]);
    }
  });
});
