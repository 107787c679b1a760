/**
 * createSimulator(config): the public, per-symbol (streaming) API over the generators.
 *
 * Everything is a pure function of the config. Shared state is computed lazily once (universe,
 * per-calendar factor paths, planted-signal scale); per-symbol daily paths are regenerated from the
 * first simulated day on demand (a 10-year path takes well under a millisecond) and a few are kept
 * in a small LRU cache for the intraday APIs. Time ranges are half-open [from, to) in epoch ms UTC
 * on bar OPEN times (a daily bar's ts is its UTC date at 00:00).
 */
import type { BarColumns } from "../bars/columns";
import { BAR_FIELDS, emptyColumns, sliceColumns } from "../bars/columns";
import type { TSimConfig, TSimConfigInput } from "./config";
import { parseSimConfig } from "./config";
import { DailyStepper, generateDailyPath, signalAt, type DailyPath } from "./daily";
import { buildCalendarGrid, lowerBound, type CalendarGrid } from "./factors";
import { meanStd, pearson, spearman } from "./ic";
import { IntradayBuilder, type DayInput } from "./intraday";
import { Rng, STREAM } from "./rng";
import { assetClassOf, drawParams, makeSymbol, PERIODS_PER_YEAR, type AssetClass, type SimSymbol } from "./universe";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const PATH_CACHE_SIZE = 8;
/** Parameter draws used to calibrate the planted-signal loading. */
const CALIBRATION_SAMPLE = 4096;

/** Trade prints (struct of arrays, ascending ts). */
export interface TickColumns {
  length: number;
  /** Print time, epoch ms UTC. */
  ts: Float64Array;
  price: Float64Array;
  /** Size in shares/units (integers). */
  size: Float64Array;
}

/** The hidden signal of one symbol: value[d] is known at the close of day ts[d] and drives the return to the next close. */
export interface SignalSeries {
  length: number;
  /** Daily bar ts (UTC midnight) of each value. */
  ts: Float64Array;
  value: Float64Array;
}

export interface RealisedICOptions {
  /** Which calendar's cross-section to use (default: stocks if any, else crypto). Ignored with `symbols`. */
  assetClass?: AssetClass;
  /** Restrict to these symbol indices (all on one calendar). Default: every symbol of the asset class. */
  symbols?: readonly number[];
  /** Signal dates [from, to) (daily bar ts). Default: the whole simulation. */
  from?: number;
  to?: number;
}

export interface RealisedIC {
  /** Mean over dates of the cross-sectional Pearson correlation of signal(t) and return(t → t+1). */
  pearson: number;
  /** Mean over dates of the cross-sectional Spearman rank correlation. */
  spearman: number;
  /** St.dev. over dates of the per-date ICs. */
  pearsonStd: number;
  spearmanStd: number;
  /** Number of dates and symbols used. */
  dates: number;
  symbols: number;
  /** The configured target (config.plantedIC). */
  target: number;
  perDate: { ts: Float64Array; pearson: Float64Array; spearman: Float64Array };
}

export interface Simulator {
  readonly config: TSimConfig;
  /** Every symbol's metadata and model parameters, by index. */
  universe(): readonly SimSymbol[];
  symbol(index: number): SimSymbol;
  /** Simulated days (UTC midnights) of a symbol's calendar. */
  days(index: number): Float64Array;
  /** Daily bars with ts in [from, to). */
  daily(index: number, from?: number, to?: number): BarColumns;
  /** 1m bars with ts in [from, to). Each full day aggregates exactly to its daily bar. */
  minute(index: number, from?: number, to?: number): BarColumns;
  /** The same 1m bars, one chunk per day (for long ranges without holding everything in memory). */
  minuteChunks(index: number, from?: number, to?: number): Generator<BarColumns>;
  /** Trade prints with ts in [from, to). Each full minute aggregates exactly to its 1m bar. */
  ticks(index: number, from?: number, to?: number): TickColumns;
  /** The same prints, one chunk per day. */
  tickChunks(index: number, from?: number, to?: number): Generator<TickColumns>;
  /** Hidden planted signal on the symbol's daily grid (pure noise when plantedIC = 0). */
  signal(index: number, from?: number, to?: number): SignalSeries;
  /** Realised IC of the hidden signal on the generated data (the best a model could do, on average). */
  realisedIC(opts?: RealisedICOptions): RealisedIC;
  /** Planted-signal loading κ·S in daily log-return units (calm regime) for an asset class. */
  plantedScale(assetClass: AssetClass): number;
}

/** Days d of a grid whose session can overlap [from, to): days[d] ∈ (from − 1 day, to). */
function dayRange(grid: CalendarGrid, from: number, to: number): [number, number] {
  return [lowerBound(grid.days, from - DAY_MS + 1), lowerBound(grid.days, to)];
}

/** Minute indices [k0, k1) of a session starting at `open` with K minutes whose ts lies in [from, to). */
function minuteRange(open: number, K: number, from: number, to: number): [number, number] {
  const k0 = Math.max(0, Math.ceil((from - open) / MINUTE_MS));
  const k1 = Math.min(K, Math.ceil((to - open) / MINUTE_MS));
  return [k0, Math.max(k0, k1)];
}

export function createSimulator(input: TSimConfigInput = {}): Simulator {
  const config = parseSimConfig(input);
  const symbols = new Map<number, SimSymbol>();
  const grids = new Map<AssetClass, CalendarGrid>();
  const scales = new Map<AssetClass, number>();
  const paths = new Map<number, DailyPath>();
  let all: SimSymbol[] | null = null;
  const builder = new IntradayBuilder();
  // Reused (re-keyed) streams and day input: no allocation per day or minute.
  const dayRng = new Rng(0);
  const tickRng = new Rng(0);
  const dayInput: DayInput = { minutes: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, trades: 0, notional: 0, jumpIntra: 0, sigmaIntra: 0 };

  function symbol(index: number): SimSymbol {
    if (!Number.isInteger(index) || index < 0 || index >= config.symbols) {
      throw new RangeError(`symbol index ${index} out of range [0, ${config.symbols})`);
    }
    let s = symbols.get(index);
    if (!s) {
      s = makeSymbol(config, index);
      symbols.set(index, s);
    }
    return s;
  }

  function universe(): readonly SimSymbol[] {
    if (!all) {
      all = [];
      for (let i = 0; i < config.symbols; i++) all.push(symbol(i));
    }
    return all;
  }

  function grid(assetClass: AssetClass): CalendarGrid {
    let g = grids.get(assetClass);
    if (!g) {
      g = buildCalendarGrid(config, assetClass);
      grids.set(assetClass, g);
    }
    return g;
  }

  /**
   * κ·S such that the mean cross-sectional Pearson IC ≈ plantedIC. The planted term κ·S·m·s has a
   * common scale S = RMS daily idiosyncratic vol of the asset class, so its covariance with the signal
   * is κ·S·m and the cross-sectional return variance is m²·S²·(1 + κ² + Q), where Q collects the other
   * cross-sectional dispersion (beta × market, sector, drift, jumps) relative to S². Solve IC = κ/√(1+κ²+Q).
   * The moments come from a fixed reference sample of parameter draws (not the universe itself), so the
   * loading, and hence every path, does not depend on how many symbols are simulated.
   */
  function plantedScale(assetClass: AssetClass): number {
    const cached = scales.get(assetClass);
    if (cached !== undefined) return cached;
    const ic = config.plantedIC;
    let scale = 0;
    if (ic !== 0) {
      const p = assetClass === "crypto" ? config.crypto : config.stock;
      const periods = PERIODS_PER_YEAR[assetClass];
      const n = CALIBRATION_SAMPLE;
      let sIdio2 = 0;
      let sB = 0;
      let sB2 = 0;
      let sG = 0;
      let sG2 = 0;
      let sMu = 0;
      let sMu2 = 0;
      for (let j = 0; j < n; j++) {
        const s = drawParams(p, new Rng(config.seed, j, STREAM.calibration, assetClass === "crypto" ? 1 : 0));
        sIdio2 += (s.idioVol * s.idioVol) / periods;
        sB += s.beta;
        sB2 += s.beta * s.beta;
        sG += s.sectorLoading;
        sG2 += s.sectorLoading * s.sectorLoading;
        sMu += s.drift / periods;
        sMu2 += (s.drift / periods) ** 2;
      }
      const S2 = sIdio2 / n;
      const varBeta = sB2 / n - (sB / n) ** 2;
      const sectors = assetClass === "crypto" ? 1 : config.sectors;
      const sigM2 = (p.marketVol * p.marketVol) / periods;
      const sigS2 = (p.sectorVol * p.sectorVol) / periods;
      const sectorDisp = sigS2 * (sG2 / n - (sG / n) ** 2 / sectors);
      const j = config.jumps;
      const jumpVar = (j.intensity / periods) * (j.meanSize * j.meanSize + j.sizeVol * j.sizeVol);
      const driftVar = sMu2 / n - (sMu / n) ** 2;
      const Q = (varBeta * sigM2 + sectorDisp + jumpVar + driftVar) / S2;
      const kappa = ic * Math.sqrt((1 + Q) / (1 - ic * ic));
      scale = kappa * Math.sqrt(S2);
    }
    scales.set(assetClass, scale);
    return scale;
  }

  function stepper(index: number): DailyStepper {
    const s = symbol(index);
    return new DailyStepper(config, s, grid(s.assetClass), plantedScale(s.assetClass));
  }

  /** Full daily path of a symbol (LRU-cached; callers must not mutate it). */
  function path(index: number): DailyPath {
    const hit = paths.get(index);
    if (hit) {
      paths.delete(index);
      paths.set(index, hit);
      return hit;
    }
    const st = stepper(index);
    const p = generateDailyPath(st, st.grid.length);
    paths.set(index, p);
    if (paths.size > PATH_CACHE_SIZE) paths.delete(paths.keys().next().value!);
    return p;
  }

  function daily(index: number, from = -Infinity, to = Infinity): BarColumns {
    const s = symbol(index);
    const g = grid(s.assetClass);
    const d0 = lowerBound(g.days, from);
    const d1 = Math.max(d0, lowerBound(g.days, to));
    const cached = paths.get(index);
    // Not cached: generate only up to the last requested day; the arrays are private, return a view.
    if (!cached) return sliceColumns(generateDailyPath(stepper(index), d1).bars, d0, d1);
    // Cached: copy, so callers cannot alter the cache.
    const view = sliceColumns(cached.bars, d0, d1);
    const out = emptyColumns(view.length);
    out.length = view.length;
    for (const f of BAR_FIELDS) out[f].set(view[f]);
    return out;
  }

  /** Build day d of a symbol's intraday structure into the shared builder. */
  function buildDay(s: SimSymbol, g: CalendarGrid, p: DailyPath, d: number): void {
    const tick = p.tick[d]!;
    const b = p.bars;
    const day = dayInput;
    day.minutes = g.sessionMinutes[d]!;
    day.open = b.open[d]! / tick;
    day.high = b.high[d]! / tick;
    day.low = b.low[d]! / tick;
    day.close = b.close[d]! / tick;
    day.volume = b.volume[d]!;
    day.trades = b.trades[d]!;
    day.notional = p.notional[d]!;
    day.jumpIntra = p.jumpIntra[d]!;
    day.sigmaIntra = p.sigmaIntra[d]!;
    builder.build(day, dayRng.reseed(config.seed, s.index, STREAM.intraday, d), s.assetClass);
  }

  /** Copy minutes [k0, k1) of the built day into out at row o. */
  function writeMinutes(out: BarColumns, o: number, open: number, tick: number, k0: number, k1: number): void {
    for (let k = k0; k < k1; k++, o++) {
      out.ts[o] = open + k * MINUTE_MS;
      out.open[o] = builder.open[k]! * tick;
      out.high[o] = builder.high[k]! * tick;
      out.low[o] = builder.low[k]! * tick;
      out.close[o] = builder.close[k]! * tick;
      out.volume[o] = builder.volume[k]!;
      out.vwap[o] = (builder.notional[k]! * tick) / builder.volume[k]!;
      out.trades[o] = builder.trades[k]!;
    }
  }

  function minute(index: number, from = -Infinity, to = Infinity): BarColumns {
    const s = symbol(index);
    const g = grid(s.assetClass);
    const [d0, d1] = dayRange(g, from, to);
    let total = 0;
    for (let d = d0; d < d1; d++) {
      const [k0, k1] = minuteRange(g.sessionOpen[d]!, g.sessionMinutes[d]!, from, to);
      total += k1 - k0;
    }
    const out = emptyColumns(total);
    out.length = total;
    if (total === 0) return out;
    const p = path(index);
    let o = 0;
    for (let d = d0; d < d1; d++) {
      const open = g.sessionOpen[d]!;
      const [k0, k1] = minuteRange(open, g.sessionMinutes[d]!, from, to);
      if (k1 <= k0) continue;
      buildDay(s, g, p, d);
      writeMinutes(out, o, open, p.tick[d]!, k0, k1);
      o += k1 - k0;
    }
    return out;
  }

  function* minuteChunks(index: number, from = -Infinity, to = Infinity): Generator<BarColumns> {
    const s = symbol(index);
    const g = grid(s.assetClass);
    const [d0, d1] = dayRange(g, from, to);
    for (let d = d0; d < d1; d++) {
      const open = g.sessionOpen[d]!;
      const [k0, k1] = minuteRange(open, g.sessionMinutes[d]!, from, to);
      if (k1 <= k0) continue;
      const p = path(index);
      buildDay(s, g, p, d);
      const out = emptyColumns(k1 - k0);
      out.length = k1 - k0;
      writeMinutes(out, 0, open, p.tick[d]!, k0, k1);
      yield out;
    }
  }

  /** Prints of the built day's minutes [k0, k1) with ts in [from, to), appended to a fresh TickColumns. */
  function dayTicks(s: SimSymbol, d: number, open: number, tick: number, k0: number, k1: number, from: number, to: number): TickColumns {
    let cap = 0;
    for (let k = k0; k < k1; k++) cap += builder.trades[k]!;
    const ts = new Float64Array(cap);
    const price = new Float64Array(cap);
    const size = new Float64Array(cap);
    let o = 0;
    for (let k = k0; k < k1; k++) {
      const rng = tickRng.reseed(config.seed, s.index, STREAM.ticks, d, k);
      const n = builder.ticks(k, rng, price, size, o);
      const t0 = open + k * MINUTE_MS;
      let w = o;
      for (let j = 0; j < n; j++) {
        const t = t0 + Math.floor((MINUTE_MS * (j + rng.uniform())) / n);
        if (t < from || t >= to) continue;
        ts[w] = t;
        price[w] = price[o + j]! * tick;
        size[w] = size[o + j]!;
        w++;
      }
      o = w;
    }
    return { length: o, ts: ts.subarray(0, o), price: price.subarray(0, o), size: size.subarray(0, o) };
  }

  function* tickChunks(index: number, from = -Infinity, to = Infinity): Generator<TickColumns> {
    const s = symbol(index);
    const g = grid(s.assetClass);
    const [d0, d1] = dayRange(g, from, to);
    for (let d = d0; d < d1; d++) {
      const open = g.sessionOpen[d]!;
      const [k0, k1] = minuteRange(open, g.sessionMinutes[d]!, from - MINUTE_MS + 1, to);
      if (k1 <= k0) continue;
      const p = path(index);
      buildDay(s, g, p, d);
      const chunk = dayTicks(s, d, open, p.tick[d]!, k0, k1, from, to);
      if (chunk.length > 0) yield chunk;
    }
  }

  function ticks(index: number, from = -Infinity, to = Infinity): TickColumns {
    const parts = [...tickChunks(index, from, to)];
    const n = parts.reduce((a, c) => a + c.length, 0);
    const out: TickColumns = { length: n, ts: new Float64Array(n), price: new Float64Array(n), size: new Float64Array(n) };
    let o = 0;
    for (const c of parts) {
      out.ts.set(c.ts, o);
      out.price.set(c.price, o);
      out.size.set(c.size, o);
      o += c.length;
    }
    return out;
  }

  function signal(index: number, from = -Infinity, to = Infinity): SignalSeries {
    const s = symbol(index);
    const g = grid(s.assetClass);
    const d0 = lowerBound(g.days, from);
    const d1 = Math.max(d0, lowerBound(g.days, to));
    const ts = g.days.slice(d0, d1);
    const value = new Float64Array(d1 - d0);
    for (let d = d0; d < d1; d++) value[d - d0] = signalAt(config.seed, index, d);
    return { length: d1 - d0, ts, value };
  }

  function realisedIC(opts: RealisedICOptions = {}): RealisedIC {
    let idx: number[];
    let assetClass: AssetClass;
    if (opts.symbols) {
      idx = [...opts.symbols];
      if (idx.length === 0) throw new RangeError("realisedIC: empty symbol list");
      assetClass = symbol(idx[0]!).assetClass;
      if (idx.some((i) => symbol(i).assetClass !== assetClass)) throw new RangeError("realisedIC: symbols must share one calendar");
    } else {
      assetClass = opts.assetClass ?? (config.cryptoShare < 1 ? "stock" : "crypto");
      idx = [];
      for (let i = 0; i < config.symbols; i++) if (assetClassOf(i, config.cryptoShare) === assetClass) idx.push(i);
    }
    const g = grid(assetClass);
    const n = idx.length;
    // Signal dates d need the return d → d+1 inside the simulation.
    const dStart = lowerBound(g.days, opts.from ?? -Infinity);
    const dEnd = Math.min(g.length - 1, lowerBound(g.days, opts.to ?? Infinity));
    const nDates = Math.max(0, dEnd - dStart);
    const perTs = g.days.slice(dStart, dStart + nDates);
    const perP = new Float64Array(nDates).fill(Number.NaN);
    const perS = new Float64Array(nDates).fill(Number.NaN);

    // Advance all symbols together in blocks of dates: memory O(symbols × block).
    const BLOCK = 64;
    const steppers = idx.map((i) => stepper(i));
    const last = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const st = steppers[j]!;
      while (st.day < dStart) st.step();
      last[j] = st.close;
    }
    const rets = new Float64Array(n * BLOCK);
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const scratch = { rx: new Float64Array(n), ry: new Float64Array(n), tmp: new Float64Array(n) };
    for (let b0 = 0; b0 < nDates; b0 += BLOCK) {
      const b1 = Math.min(nDates, b0 + BLOCK);
      for (let j = 0; j < n; j++) {
        const st = steppers[j]!;
        let prev = last[j]!;
        for (let t = b0; t < b1; t++) {
          st.step();
          rets[j * BLOCK + (t - b0)] = st.close / prev - 1;
          prev = st.close;
        }
        last[j] = prev;
      }
      for (let t = b0; t < b1; t++) {
        const d = dStart + t;
        for (let j = 0; j < n; j++) {
          xs[j] = signalAt(config.seed, idx[j]!, d);
          ys[j] = rets[j * BLOCK + (t - b0)]!;
        }
        perP[t] = pearson(xs, ys, n);
        perS[t] = n >= 3 ? spearman(xs, ys, n, scratch) : Number.NaN;
      }
    }
    const mp = meanStd(perP);
    const ms = meanStd(perS);
    return {
      pearson: mp.mean,
      spearman: ms.mean,
      pearsonStd: mp.std,
      spearmanStd: ms.std,
      dates: mp.count,
      symbols: n,
      target: config.plantedIC,
      perDate: { ts: perTs, pearson: perP, spearman: perS },
    };
  }

  return {
    config,
    universe,
    symbol,
    days: (index) => grid(symbol(index).assetClass).days.slice(),
    daily,
    minute,
    minuteChunks,
    ticks,
    tickChunks,
    signal,
    realisedIC,
    plantedScale,
  };
}
