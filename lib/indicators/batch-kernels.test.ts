/**
 * Specialised batch loops = their steppers, bit for bit.
 *
 * Some batch functions (the hot ones of the scan panel) do not loop the stepper but run a tight loop with the
 * same arithmetic in the same order. This suite drives the stepper class by hand over long, nasty series and
 * checks every output of the batch function against it: ties and flat runs (window extremes and zero ranges),
 * gaps of every kind (NaN, ±Infinity in each field, runs of gaps, gaps at the start and end), huge and tiny
 * magnitudes (overflow to ±Infinity inside the formulas), many periods (1, small, around the block sizes, large).
 */
import { describe, expect, it } from "vitest";
import { adx, AdxState } from "./adx";
import { aroon, AroonState } from "./aroon";
import { atr, AtrState, natr, NatrState } from "./atr";
import { bbands, BbandsState } from "./bollinger";
import { macd, MacdState } from "./macd";
import { ema, EmaState, MA_TYPES, sma, SmaState } from "./moving-averages";
import { cci, CciState, willr, WillrState } from "./oscillators";
import { rsi, RsiState } from "./rsi";
import { IndicatorCache } from "./shared";
import { stoch, StochState } from "./stochastic";
import { rng } from "./test-helpers";
import { mfi, MfiState, obv, ObvState } from "./volume";
import { vwap, VwapState } from "./vwap";

interface Cols {
  name: string;
  ts: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** A random walk on a coarse tick (ties, flat bars), with optional gaps and magnitude `scale`. */
function series(name: string, n: number, seed: number, opts: { gapProb?: number; flatProb?: number; scale?: number; tick?: number } = {}): Cols {
  const r = rng(seed);
  const { gapProb = 0, flatProb = 0.1, scale = 1, tick = 0.25 } = opts;
  const ts = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const q = (x: number) => (tick > 0 ? Math.round(x / tick) * tick : x);
  let px = 100;
  let t = Date.UTC(2024, 0, 2, 13);
  for (let i = 0; i < n; i++) {
    t += r() < 0.05 ? 86_400_000 : 3_600_000;
    ts[i] = t;
    if (r() < flatProb) {
      high[i] = low[i] = close[i] = q(px) * scale;
    } else {
      px = Math.max(1, px + (r() - 0.5) * 4);
      const c = q(px);
      close[i] = c * scale;
      high[i] = q(c + r() * 2) * scale;
      low[i] = q(c - r() * 2) * scale;
    }
    volume[i] = r() < 0.1 ? 0 : Math.round(r() * 1000);
    if (r() < gapProb) {
      const bad = [NaN, Infinity, -Infinity][Math.floor(r() * 3)]!;
      const f = Math.floor(r() * 5);
      const run = r() < 0.2 ? 1 + Math.floor(r() * 4) : 1; // sometimes several missing bars in a row
      for (let k = i; k < Math.min(n, i + run); k++) [ts, high, low, close, volume][f]![k] = bad;
    }
  }
  return { name, ts, high, low, close, volume };
}

/** Values that overflow the formulas (h − l = Infinity, Σx² = Infinity, …) or underflow them. */
function extremes(seed: number): Cols {
  const c = series("extremes", 600, seed, { gapProb: 0.02 });
  const r = rng(seed + 1);
  const mags = [1e308, -1e308, 1.7e308, 1e-310, -1e-310, 5e-324, 0, -0, 1e200, 1e-200];
  for (let i = 0; i < c.close.length; i++) {
    if (r() < 0.15) {
      const m = mags[Math.floor(r() * mags.length)]!;
      c.high[i] = Math.abs(m);
      c.low[i] = -Math.abs(m);
      c.close[i] = m;
    }
  }
  return c;
}

/** Timestamps that are not whole milliseconds, close to UTC midnights, negative or huge (session VWAP anchors). */
function oddTimestamps(seed: number): Cols {
  const c = series("odd timestamps", 800, seed, { gapProb: 0.01 });
  const r = rng(seed + 1);
  const DAY = 86_400_000;
  const offsets = [-1, -0.5, -1e-6, -1e-9, 0, 1e-9, 0.5, DAY - 1, DAY - 1e-3, DAY - 1e-7, DAY + 1e-7];
  let day = 19_000;
  for (let i = 0; i < c.ts.length; i++) {
    if (r() < 0.3) day += r() < 0.5 ? 1 : -1;
    const base = r() < 0.05 ? (r() < 0.5 ? -1 : 1) * 2 ** (45 + Math.floor(r() * 12)) : day * DAY;
    if (!Number.isNaN(c.ts[i]!) && Number.isFinite(c.ts[i]!)) c.ts[i] = base + offsets[Math.floor(r() * offsets.length)]!;
  }
  return c;
}

const DATA: Cols[] = [
  oddTimestamps(11),
  series("clean", 3000, 1),
  series("gaps", 3000, 2, { gapProb: 0.03 }),
  series("many gaps", 1500, 3, { gapProb: 0.25 }),
  series("mostly flat", 1500, 4, { flatProb: 0.7 }),
  series("sub-tick", 1500, 5, { scale: 1e-9, tick: 0 }),
  series("huge", 1500, 6, { scale: 1e300, gapProb: 0.01 }),
  extremes(7),
  extremes(8),
  series("short", 3, 9),
  series("empty", 0, 10),
];
const PERIODS = [1, 2, 3, 4, 5, 7, 14, 20, 33];

function expectSame(got: Float64Array, want: number[], ctx: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) expect.fail(`${ctx}: bar ${i}: batch ${a}, stepper ${b}`);
  }
}

describe.each(DATA)("batch = stepper on $name data", (c) => {
  const n = c.close.length;

  it.each(PERIODS)("willr, cci, atr (period %i)", (p) => {
    const w = new WillrState(p);
    const cs = new CciState(p);
    const a = new AtrState(p);
    const want = { w: [] as number[], c: [] as number[], a: [] as number[] };
    for (let i = 0; i < n; i++) {
      want.w.push(w.next(c.high[i]!, c.low[i]!, c.close[i]!));
      want.c.push(cs.next(c.high[i]!, c.low[i]!, c.close[i]!));
      want.a.push(a.next(c.high[i]!, c.low[i]!, c.close[i]!));
    }
    expectSame(willr(c.high, c.low, c.close, p), want.w, `willr(${p})`);
    // With a cache: the extremes computed by willr, then read back by stoch (and the other way in the stoch test).
    const cache = new IndicatorCache();
    expectSame(willr(c.high, c.low, c.close, p, undefined, cache), want.w, `willr(${p}) with a cache`);
    expectSame(willr(c.high, c.low, c.close, p, undefined, cache), want.w, `willr(${p}) from the cache`);
    const st = new StochState({ fastK: p, slowK: 3, slowKMa: "sma", slowD: 3, slowDMa: "sma" });
    const wantK: number[] = [];
    for (let i = 0; i < n; i++) {
      st.next(c.high[i]!, c.low[i]!, c.close[i]!);
      wantK.push(st.k);
    }
    expectSame(stoch(c.high, c.low, c.close, { fastK: p, slowK: 3, slowD: 3 }, undefined, cache).k, wantK, `stoch(${p}).k after willr(${p})`);
    expectSame(cci(c.high, c.low, c.close, p), want.c, `cci(${p})`);
    expectSame(atr(c.high, c.low, c.close, p), want.a, `atr(${p})`);
  });

  it.each(PERIODS)("natr, mfi, aroon (period %i)", (p) => {
    const na = new NatrState(p);
    const mf = new MfiState(p);
    const ar = new AroonState(p);
    const want = { natr: [] as number[], mfi: [] as number[], up: [] as number[], down: [] as number[], oscillator: [] as number[] };
    for (let i = 0; i < n; i++) {
      want.natr.push(na.next(c.high[i]!, c.low[i]!, c.close[i]!));
      want.mfi.push(mf.next(c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!));
      ar.next(c.high[i]!, c.low[i]!);
      want.up.push(ar.up);
      want.down.push(ar.down);
      want.oscillator.push(ar.oscillator);
    }
    expectSame(natr(c.high, c.low, c.close, p), want.natr, `natr(${p})`);
    expectSame(mfi(c.high, c.low, c.close, c.volume, p), want.mfi, `mfi(${p})`);
    const got = aroon(c.high, c.low, p);
    for (const k of ["up", "down", "oscillator"] as const) expectSame(got[k], want[k], `aroon(${p}).${k}`);
  });

  it.each(PERIODS)("adx (period %i)", (p) => {
    const s = new AdxState(p);
    const want = { adx: [] as number[], plusDi: [] as number[], minusDi: [] as number[] };
    for (let i = 0; i < n; i++) {
      s.next(c.high[i]!, c.low[i]!, c.close[i]!);
      want.adx.push(s.adx);
      want.plusDi.push(s.plusDi);
      want.minusDi.push(s.minusDi);
    }
    const got = adx(c.high, c.low, c.close, p);
    for (const k of ["adx", "plusDi", "minusDi"] as const) expectSame(got[k], want[k], `adx(${p}).${k}`);
    // With the ATR of the same pass: ADX unchanged, ATR = AtrState.
    const a = new AtrState(p);
    const wantAtr: number[] = [];
    for (let i = 0; i < n; i++) wantAtr.push(a.next(c.high[i]!, c.low[i]!, c.close[i]!));
    const atrOut = new Float64Array(n);
    const both = adx(c.high, c.low, c.close, p, undefined, atrOut);
    for (const k of ["adx", "plusDi", "minusDi"] as const) expectSame(both[k], want[k], `adx(${p}).${k} with atrOut`);
    expectSame(atrOut, wantAtr, `adx(${p}) atrOut`);
  });

  it.each(PERIODS)("sma, ema, rsi, bbands (period %i)", (p) => {
    for (const x of [c.close, c.high]) {
      const ss = new SmaState(p);
      const es = new EmaState(p);
      const rs = new RsiState(p);
      const bs = new BbandsState(p, 2, 1.5);
      const want = { sma: [] as number[], ema: [] as number[], rsi: [] as number[] };
      const wantBb = { upper: [] as number[], middle: [] as number[], lower: [] as number[], percentB: [] as number[], bandwidth: [] as number[] };
      for (let i = 0; i < n; i++) {
        want.sma.push(ss.next(x[i]!));
        want.ema.push(es.next(x[i]!));
        want.rsi.push(rs.next(x[i]!));
        bs.next(x[i]!);
        for (const k of Object.keys(wantBb) as (keyof typeof wantBb)[]) wantBb[k].push(bs[k]);
      }
      expectSame(sma(x, p), want.sma, `sma(${p})`);
      // SMA left by BBANDS in a cache (its middle band), then read by sma.
      const cache = new IndicatorCache();
      bbands(x, p, 2, 1.5, undefined, cache);
      expectSame(sma(x, p, undefined, cache), want.sma, `sma(${p}) from the middle band of bbands(${p})`);
      expectSame(ema(x, p), want.ema, `ema(${p})`);
      expectSame(rsi(x, p), want.rsi, `rsi(${p})`);
      const bb = bbands(x, p, 2, 1.5);
      for (const k of Object.keys(wantBb) as (keyof typeof wantBb)[]) expectSame(bb[k], wantBb[k], `bbands(${p}).${k}`);
    }
  });

  it.each([
    [12, 26, 9],
    [26, 12, 9],
    [3, 5, 2],
    [2, 2, 1],
    [1, 4, 3],
  ])("macd(%i, %i, %i)", (f, sl, sg) => {
    const s = new MacdState(f, sl, sg);
    const want = { macd: [] as number[], signal: [] as number[], hist: [] as number[] };
    for (let i = 0; i < n; i++) {
      s.next(c.close[i]!);
      want.macd.push(s.macd);
      want.signal.push(s.signal);
      want.hist.push(s.hist);
    }
    const got = macd(c.close, f, sl, sg);
    for (const k of ["macd", "signal", "hist"] as const) expectSame(got[k], want[k], `macd(${f},${sl},${sg}).${k}`);
  });

  it("obv and session/week/month vwap", () => {
    const o = new ObvState();
    const want: number[] = [];
    for (let i = 0; i < n; i++) want.push(o.next(c.close[i]!, c.volume[i]!));
    expectSame(obv(c.close, c.volume), want, "obv");
    for (const anchor of ["session", "week", "month"] as const) {
      const v = new VwapState(anchor);
      const wantV: number[] = [];
      for (let i = 0; i < n; i++) wantV.push(v.next(c.ts[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!));
      expectSame(vwap(c.ts, c.high, c.low, c.close, c.volume, anchor), wantV, `vwap(${anchor})`);
    }
  });

  it.each([
    [14, 3, 3],
    [5, 3, 3],
    [1, 2, 2],
    [3, 1, 4],
    [7, 4, 1],
    [20, 5, 7],
  ])("stoch(%i, %i, %i), every MA type", (fastK, slowK, slowD) => {
    for (const slowKMa of MA_TYPES) {
      for (const slowDMa of ["sma", "ema"] as const) {
        const params = { fastK, slowK, slowKMa, slowD, slowDMa };
        const s = new StochState(params);
        const want = { k: [] as number[], d: [] as number[] };
        for (let i = 0; i < n; i++) {
          s.next(c.high[i]!, c.low[i]!, c.close[i]!);
          want.k.push(s.k);
          want.d.push(s.d);
        }
        const got = stoch(c.high, c.low, c.close, params);
        expectSame(got.k, want.k, `stoch(${JSON.stringify(params)}).k`);
        expectSame(got.d, want.d, `stoch(${JSON.stringify(params)}).d`);
        const cache = new IndicatorCache();
        const cached = stoch(c.high, c.low, c.close, params, undefined, cache);
        expectSame(cached.k, want.k, `stoch(${JSON.stringify(params)}).k with a cache`);
        expectSame(cached.d, want.d, `stoch(${JSON.stringify(params)}).d with a cache`);
        const w = new WillrState(fastK);
        const wantW: number[] = [];
        for (let i = 0; i < n; i++) wantW.push(w.next(c.high[i]!, c.low[i]!, c.close[i]!));
        expectSame(willr(c.high, c.low, c.close, fastK, undefined, cache), wantW, `willr(${fastK}) after ${JSON.stringify(params)}`);
      }
    }
  });
});
