/**
 * Shared by the indicator benchmarks: the 12-indicator panel (SMA20, EMA20, RSI14, MACD(12,26,9), BB20(2), ATR14,
 * Stoch(14,3,3), ADX14, OBV, session VWAP, CCI20, WILLR14) in batch form over reusable output buffers and in
 * incremental form, plus deterministic random-walk 1m bars (no simulator, no I/O).
 */
import type { Bar, BarColumns } from "@/lib/bars/columns";
import { emptyColumns } from "@/lib/bars/columns";
import {
  adx,
  adxIncremental,
  atrIncremental,
  bbands,
  bbandsIncremental,
  cci,
  cciIncremental,
  ema,
  emaIncremental,
  macd,
  macdIncremental,
  obv,
  obvIncremental,
  rsi,
  rsiIncremental,
  sma,
  smaIncremental,
  stoch,
  stochIncremental,
  vwap,
  vwapIncremental,
  willr,
  willrIncremental,
  IndicatorCache,
  type AdxResult,
  type BbandsResult,
  type MacdResult,
  type StochResult,
} from "@/lib/indicators";

export const STOCH_PARAMS = { fastK: 14, slowK: 3, slowKMa: "sma", slowD: 3, slowDMa: "sma" } as const;

export const PANEL_IDS = ["sma20", "ema20", "rsi14", "macd", "bb20", "atr14", "stoch", "adx14", "obv", "vwap", "cci20", "willr14"] as const;
export type PanelId = (typeof PANEL_IDS)[number];

/** A single-output buffer (the batch functions' `out` params are typed over a plain ArrayBuffer). */
type F64 = Float64Array<ArrayBuffer>;

/**
 * Output buffers for one panel pass (every output of every indicator, 21 columns), and the pass's IndicatorCache
 * (intermediates shared by several indicators, e.g. the 14-bar extremes of STOCH and WILLR, as the scanner and
 * the chart share them per symbol).
 */
export interface PanelBuffers {
  length: number;
  cache: IndicatorCache;
  sma20: F64;
  ema20: F64;
  rsi14: F64;
  macd: MacdResult;
  bb20: BbandsResult;
  atr14: F64;
  stoch: StochResult;
  adx14: AdxResult;
  obv: F64;
  vwap: F64;
  cci20: F64;
  willr14: F64;
}

export function createPanelBuffers(n: number): PanelBuffers {
  const f = () => new Float64Array(n);
  return {
    length: n,
    cache: new IndicatorCache(),
    sma20: f(),
    ema20: f(),
    rsi14: f(),
    macd: { macd: f(), signal: f(), hist: f() },
    bb20: { upper: f(), middle: f(), lower: f(), percentB: f(), bandwidth: f() },
    atr14: f(),
    stoch: { k: f(), d: f() },
    adx14: { adx: f(), plusDi: f(), minusDi: f() },
    obv: f(),
    vwap: f(),
    cci20: f(),
    willr14: f(),
  };
}

/**
 * One batch step per indicator, in PANEL_IDS order, writing into `o` (whose length must equal the bars'). ATR14 is
 * computed in the ADX14 pass (`adx(…, atrOut)`, as the scanner and the features get it from ADX of the same
 * period): its step is empty and its time is in adx14's. `producer` steps leave intermediates in the pass's cache
 * for others (BBANDS its middle band = SMA20) and run first, as registry `sharingOrder` orders a scan's indicators.
 */
export const PANEL_STEPS: readonly { id: PanelId; producer?: boolean; run: (c: BarColumns, o: PanelBuffers) => void }[] = [
  { id: "sma20", run: (c, o) => void sma(c.close, 20, o.sma20, o.cache) },
  { id: "ema20", run: (c, o) => void ema(c.close, 20, o.ema20) },
  { id: "rsi14", run: (c, o) => void rsi(c.close, 14, o.rsi14) },
  { id: "macd", run: (c, o) => void macd(c.close, 12, 26, 9, o.macd) },
  { id: "bb20", producer: true, run: (c, o) => void bbands(c.close, 20, 2, 2, o.bb20, o.cache) },
  { id: "atr14", run: () => {} }, // in the adx14 step
  { id: "stoch", run: (c, o) => void stoch(c.high, c.low, c.close, STOCH_PARAMS, o.stoch, o.cache) },
  { id: "adx14", run: (c, o) => void adx(c.high, c.low, c.close, 14, o.adx14, o.atr14) },
  { id: "obv", run: (c, o) => void obv(c.close, c.volume, o.obv) },
  { id: "vwap", run: (c, o) => void vwap(c.ts, c.high, c.low, c.close, c.volume, "session", o.vwap) },
  { id: "cci20", run: (c, o) => void cci(c.high, c.low, c.close, 20, o.cci20) },
  { id: "willr14", run: (c, o) => void willr(c.high, c.low, c.close, 14, o.willr14, o.cache) },
];

/** Execution order of PANEL_STEPS: producers first, then the others, each group in PANEL_IDS order. */
const EXEC_ORDER = PANEL_STEPS.map((s, k) => [s.producer ? 0 : 1, k] as const)
  .sort((a, b) => a[0] - b[0] || a[1] - b[1])
  .map(([, k]) => k);

/**
 * Runs the 12 indicators over `c` into `o`. With `times`, adds each indicator's elapsed ms to times[k]
 * (k = index in PANEL_IDS); without it, no clock is read. A shared intermediate is timed in the step that computes
 * it: the STOCH/WILLR extremes in stoch, SMA20 in bb20 (sma20 copies it), ATR14 in adx14.
 */
export function runPanel(c: BarColumns, o: PanelBuffers, times?: Float64Array): void {
  if (o.length !== c.length) throw new RangeError(`panel buffers hold ${o.length} bars, got ${c.length}`);
  o.cache.clear(); // new bars: nothing of the previous pass may be reused
  if (!times) {
    for (const k of EXEC_ORDER) PANEL_STEPS[k]!.run(c, o);
    return;
  }
  let t = performance.now();
  for (const k of EXEC_ORDER) {
    PANEL_STEPS[k]!.run(c, o);
    const now = performance.now();
    times[k]! += now - t;
    t = now;
  }
}

/** The 12 incremental states. push/update return a checksum of the panel's values (keeps the work observable). */
export function createIncrementalPanel() {
  const s = {
    sma20: smaIncremental(20),
    ema20: emaIncremental(20),
    rsi14: rsiIncremental(14),
    macd: macdIncremental(12, 26, 9),
    bb20: bbandsIncremental(20, 2, 2),
    atr14: atrIncremental(14),
    stoch: stochIncremental(STOCH_PARAMS),
    adx14: adxIncremental(14),
    obv: obvIncremental(),
    vwap: vwapIncremental("session"),
    cci20: cciIncremental(20),
    willr14: willrIncremental(14),
  };
  return {
    push(b: Bar): number {
      return (
        s.sma20.push(b) + s.ema20.push(b) + s.rsi14.push(b) + s.macd.push(b).hist + s.bb20.push(b).percentB + s.atr14.push(b) +
        s.stoch.push(b).d + s.adx14.push(b).adx + s.obv.push(b) + s.vwap.push(b) + s.cci20.push(b) + s.willr14.push(b)
      );
    },
    update(b: Bar): number {
      return (
        s.sma20.update(b) + s.ema20.update(b) + s.rsi14.update(b) + s.macd.update(b).hist + s.bb20.update(b).percentB + s.atr14.update(b) +
        s.stoch.update(b).d + s.adx14.update(b).adx + s.obv.update(b) + s.vwap.update(b) + s.cci20.update(b) + s.willr14.update(b)
      );
    },
  };
}

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic 1m OHLCV bars around 100 (mean-reverting log price, so a million bars stay in a realistic
 * range), prices on a 0.01 tick (ties, like real quotes), 24/7 from 2024-01-02 (session VWAP resets every
 * 1,440 bars).
 */
export function randomWalkBars(n: number, seed = 1, vol = 0.002): BarColumns {
  const r = rng(seed);
  const c = emptyColumns(n);
  c.length = n;
  const lp0 = Math.log(100);
  let lp = lp0;
  let prev = 100;
  const cents = (x: number) => Math.max(0.01, Math.round(x * 100) / 100);
  const t0 = Date.UTC(2024, 0, 2);
  for (let i = 0; i < n; i++) {
    lp += vol * (2 * r() - 1) - 0.001 * (lp - lp0);
    const open = prev;
    const close = cents(Math.exp(lp));
    c.ts[i] = t0 + i * 60_000;
    c.open[i] = open;
    c.high[i] = cents(Math.max(open, close) * (1 + vol * r()));
    c.low[i] = cents(Math.min(open, close) * (1 - vol * r()));
    c.close[i] = close;
    c.volume[i] = Math.round(1_000 + 100_000 * r());
    c.vwap[i] = NaN;
    c.trades[i] = NaN;
    prev = close;
  }
  return c;
}

export function barAt(c: BarColumns, i: number): Bar {
  return { ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]!, vwap: NaN, trades: NaN };
}
