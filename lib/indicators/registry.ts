/**
 * Indicator registry: the one table the scan language and the chart read.
 *
 * Per indicator: id (lowercase, e.g. "rsi"), label, params (spec with defaults and bounds, and the
 * zod schema built from it), outputs (names; the first is the primary output), pane, the bar
 * fields it reads, its lookback, a batch `compute(columns, params)` returning named Float64Array
 * outputs, and `createIncremental(params)` returning a push/update stream with the same outputs.
 * Params are validated with zod (unknown keys are rejected); an unknown id or invalid params throw
 * AppError("BAD_REQUEST") with a readable message (zod issues in `cause`).
 */
import { z } from "zod";
import type { BarColumns } from "@/lib/bars/columns";
import { AppError } from "@/lib/errors";
import { adx, AdxState } from "./adx";
import { aroon, AroonState } from "./aroon";
import { atr, AtrState, natr, NatrState, natrOfAtr } from "./atr";
import { bbands, BbandsState } from "./bollinger";
import { DonchianState, donchian, keltner, KeltnerState } from "./channels";
import type { BarInput, IncrementalIndicator, Snapshot } from "./core";
import { Incremental } from "./core";
import { ICHIMOKU_DISPLACEMENT, ichimoku, IchimokuState } from "./ichimoku";
import { macd, MacdState } from "./macd";
import {
  dema,
  DemaState,
  ema,
  EmaState,
  hma,
  HmaState,
  kama,
  KamaState,
  MA_TYPES,
  maLookback,
  sma,
  SmaState,
  tema,
  TemaState,
  type ValueStepper,
  wma,
  WmaState,
} from "./moving-averages";
import { CciState, ChangeState, cci, mom, roc, WillrState, willr } from "./oscillators";
import { rsi, RsiState } from "./rsi";
import { sar, SarState } from "./sar";
import type { IndicatorCache } from "./shared";
import { stoch, StochRsiState, stochRsi, StochState } from "./stochastic";
import { supertrend, SuperTrendState } from "./supertrend";
import { CmfState, cmf, MfiState, mfi, ObvState, obv } from "./volume";
import { VWAP_ANCHORS, vwap, VwapState } from "./vwap";

// ─── Param specs ────────────────────────────────────────────────────────────────────────

export interface IntParam {
  kind: "int";
  label: string;
  default: number;
  min: number;
  max: number;
}
export interface NumberParam {
  kind: "number";
  label: string;
  default: number;
  min: number;
  max: number;
}
export interface EnumParam<V extends string = string> {
  kind: "enum";
  label: string;
  default: V;
  values: readonly V[];
}
export type ParamSpec = IntParam | NumberParam | EnumParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** Parsed parameter values of a spec table. */
export type ParamValues<P extends ParamSpecs> = {
  -readonly [K in keyof P]: P[K] extends EnumParam<infer V> ? V : number;
};

const MAX_PERIOD = 5000;
const int = (label: string, def: number, min = 1, max = MAX_PERIOD): IntParam => ({ kind: "int", label, default: def, min, max });
const num = (label: string, def: number, min: number, max: number): NumberParam => ({ kind: "number", label, default: def, min, max });
const choice = <const V extends string>(label: string, values: readonly V[], def: NoInfer<V>): EnumParam<V> => ({ kind: "enum", label, default: def, values });

/** Price series a single-input indicator can read. */
export const SOURCES = ["close", "open", "high", "low", "hl2", "hlc3", "ohlc4"] as const;
export type Source = (typeof SOURCES)[number];
const source = choice("Source", SOURCES, "close");
const maType = (label: string) => choice(label, MA_TYPES, "sma");

function zodFor(spec: ParamSpec): z.ZodType {
  switch (spec.kind) {
    case "int":
      return z.number().int().min(spec.min).max(spec.max).default(spec.default);
    case "number":
      return z.number().min(spec.min).max(spec.max).default(spec.default);
    case "enum":
      return z.enum(spec.values as [string, ...string[]]).default(spec.default);
  }
}

function schemaFor<P extends ParamSpecs>(params: P): z.ZodType<ParamValues<P>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, spec] of Object.entries(params)) shape[k] = zodFor(spec);
  return z.strictObject(shape) as unknown as z.ZodType<ParamValues<P>>;
}

// ─── Definitions ────────────────────────────────────────────────────────────────────────

export type Pane = "overlay" | "separate";
export type BarField = "ts" | "open" | "high" | "low" | "close" | "volume";
export type IndicatorOutputs<O extends string> = Record<O, Float64Array>;
export type IndicatorIncremental<O extends string> = IncrementalIndicator<BarInput, Record<O, number>>;

export interface IndicatorDef<P extends ParamSpecs = ParamSpecs, O extends string = string> {
  id: string;
  label: string;
  /** Default pane of every output. */
  pane: Pane;
  /** Outputs drawn in another pane than `pane` (e.g. Bollinger %B). */
  outputPanes: Partial<Record<O, Pane>>;
  /** Bar fields read with default params (a `source` param replaces "close" by the chosen price). */
  inputs: readonly BarField[];
  params: P;
  /** zod schema of the params: strict, every key optional with its default. */
  schema: z.ZodType<ParamValues<P>>;
  /** Output names; outputs[0] is the primary output (what `rsi(14)` means in a scan). */
  outputs: readonly O[];
  /** Validates raw params (throws AppError BAD_REQUEST). */
  parseParams(raw?: unknown): ParamValues<P>;
  /** Bars needed before every output is defined, minus one: the first index where all outputs are non-NaN on clean data. */
  lookback(params?: unknown): number;
  /** Chart-only forward shift of some outputs, in bars (Ichimoku senkou spans). Never applied to computed data. */
  displayShift(params?: unknown): Partial<Record<O, number>>;
  /**
   * Batch outputs over the columns. Pass one `cache` to every compute of a pass over the same bars (a scan's
   * indicators for one symbol, a chart's indicators) so that intermediates they share are computed once
   * (shared.ts); clear it before the next series.
   */
  compute(columns: BarColumns, params?: unknown, cache?: IndicatorCache): IndicatorOutputs<O>;
  createIncremental(params?: unknown): IndicatorIncremental<O>;
}

interface DefInput<P extends ParamSpecs, O extends string> {
  id: string;
  label: string;
  pane: Pane;
  outputPanes?: Partial<Record<O, Pane>>;
  inputs: readonly BarField[];
  params: P;
  outputs: readonly O[];
  lookback: (p: ParamValues<P>) => number;
  displayShift?: (p: ParamValues<P>) => Partial<Record<O, number>>;
  compute: (c: BarColumns, p: ParamValues<P>, cache?: IndicatorCache) => IndicatorOutputs<O>;
  incremental: (p: ParamValues<P>) => IndicatorIncremental<O>;
}

function paramsError(id: string, err: z.ZodError): AppError {
  const detail = z.prettifyError(err);
  return new AppError("BAD_REQUEST", {
    message: `invalid params for indicator "${id}":\n${detail}`,
    userMessage: `Invalid parameters for ${id}: ${err.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ")}`,
    cause: err,
  });
}

function define<const P extends ParamSpecs, const O extends string>(d: DefInput<P, O>): IndicatorDef<P, O> {
  const schema = schemaFor(d.params);
  const parseParams = (raw?: unknown): ParamValues<P> => {
    const r = schema.safeParse(raw ?? {});
    if (!r.success) throw paramsError(d.id, r.error);
    return r.data;
  };
  return {
    id: d.id,
    label: d.label,
    pane: d.pane,
    outputPanes: d.outputPanes ?? {},
    inputs: d.inputs,
    params: d.params,
    schema,
    outputs: d.outputs,
    parseParams,
    lookback: (raw) => d.lookback(parseParams(raw)),
    displayShift: (raw) => (d.displayShift ? d.displayShift(parseParams(raw)) : {}),
    compute: (c, raw, cache) => d.compute(c, parseParams(raw), cache),
    createIncremental: (raw) => d.incremental(parseParams(raw)),
  };
}

// ─── Inputs helpers ─────────────────────────────────────────────────────────────────────

/** The first `c.length` rows of a column (columns may have spare capacity). */
const col = (c: BarColumns, f: BarField): Float64Array => c[f].subarray(0, c.length);

/** Price of a bar for a `source` (same arithmetic as `sourceColumn`, so batch = incremental). */
export function priceOf(b: BarInput, s: Source): number {
  switch (s) {
    case "close":
      return b.close;
    case "open":
      return b.open;
    case "high":
      return b.high;
    case "low":
      return b.low;
    case "hl2":
      return (b.high + b.low) / 2;
    case "hlc3":
      return (b.high + b.low + b.close) / 3;
    case "ohlc4":
      return (b.open + b.high + b.low + b.close) / 4;
  }
}

/** Column of a `source` (derived prices are computed into a new array). */
export function sourceColumn(c: BarColumns, s: Source): Float64Array {
  if (s === "close" || s === "open" || s === "high" || s === "low") return col(c, s);
  const n = c.length;
  const out = new Float64Array(n);
  const bar: BarInput = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < n; i++) {
    bar.open = c.open[i]!;
    bar.high = c.high[i]!;
    bar.low = c.low[i]!;
    bar.close = c.close[i]!;
    out[i] = priceOf(bar, s);
  }
  return out;
}

const SOURCE_FIELDS: Record<Source, readonly BarField[]> = {
  close: ["close"],
  open: ["open"],
  high: ["high"],
  low: ["low"],
  hl2: ["high", "low"],
  hlc3: ["high", "low", "close"],
  ohlc4: ["open", "high", "low", "close"],
};

/** Incremental form of a one-value stepper fed by a `source` price. */
function sourceIncremental<O extends string>(name: O, create: () => ValueStepper, s: Source): IndicatorIncremental<O> {
  return new Incremental(create, (st, b: BarInput) => ({ [name]: st.next(priceOf(b, s)) }) as Record<O, number>);
}

/** Incremental form of a multi-output state: `step` feeds the bar, then the named fields are read. */
function fieldsIncremental<S extends Snapshot<S>, O extends string>(
  create: () => S,
  outputs: readonly O[],
  step: (s: S, b: BarInput) => void,
): IndicatorIncremental<O> {
  return new Incremental(create, (s, b: BarInput) => {
    step(s, b);
    const r = {} as Record<O, number>;
    for (const o of outputs) r[o] = (s as unknown as Record<O, number>)[o];
    return r;
  });
}

const period = (def: number, min = 1) => int("Period", def, min);

/**
 * A one-input moving average. `batch` is the indicator's own batch function (one monomorphic loop
 * per indicator) and `create` its stepper for the incremental form: both run the same stepper code.
 */
function movingAverage<const I extends string>(
  id: I,
  label: string,
  def: number,
  batch: (x: Float64Array, period: number) => Float64Array,
  create: (p: number) => ValueStepper,
  /** The batch form that can use an IndicatorCache (SMA: the middle band of a BBANDS of the pass). */
  batchShared?: (x: Float64Array, period: number, cache: IndicatorCache) => Float64Array,
) {
  return define({
    id,
    label,
    pane: "overlay",
    inputs: ["close"],
    params: { period: period(def, 2), source },
    outputs: [id],
    lookback: (p) => create(p.period).lookback,
    compute: (c, p, cache) => {
      const x = sourceColumn(c, p.source);
      return { [id]: cache && batchShared ? batchShared(x, p.period, cache) : batch(x, p.period) } as Record<I, Float64Array>;
    },
    incremental: (p) => sourceIncremental(id, () => create(p.period), p.source),
  });
}

// ─── The registry ───────────────────────────────────────────────────────────────────────

export const INDICATORS = {
  sma: movingAverage("sma", "Simple moving average", 20, sma, (p) => new SmaState(p), (x, p, cache) => sma(x, p, undefined, cache)),
  ema: movingAverage("ema", "Exponential moving average", 20, ema, (p) => new EmaState(p)),
  wma: movingAverage("wma", "Weighted moving average", 20, wma, (p) => new WmaState(p)),
  dema: movingAverage("dema", "Double exponential moving average", 20, dema, (p) => new DemaState(p)),
  tema: movingAverage("tema", "Triple exponential moving average", 20, tema, (p) => new TemaState(p)),
  kama: movingAverage("kama", "Kaufman adaptive moving average", 30, kama, (p) => new KamaState(p)),
  hma: movingAverage("hma", "Hull moving average", 20, hma, (p) => new HmaState(p)),

  rsi: define({
    id: "rsi",
    label: "Relative strength index",
    pane: "separate",
    inputs: ["close"],
    params: { period: period(14, 2), source },
    outputs: ["rsi"],
    lookback: (p) => p.period,
    compute: (c, p) => ({ rsi: rsi(sourceColumn(c, p.source), p.period) }),
    incremental: (p) => sourceIncremental("rsi", () => new RsiState(p.period), p.source),
  }),

  stochrsi: define({
    id: "stochrsi",
    label: "Stochastic RSI",
    pane: "separate",
    inputs: ["close"],
    params: { period: period(14, 2), fastK: int("Fast %K", 5), fastD: int("Fast %D", 3), fastDMa: maType("%D MA type"), source },
    outputs: ["k", "d"],
    lookback: (p) => p.period + p.fastK - 1 + maLookback(p.fastDMa, p.fastD),
    compute: (c, p) => stochRsi(sourceColumn(c, p.source), p),
    incremental: (p) => fieldsIncremental(() => new StochRsiState(p), ["k", "d"], (s, b) => s.next(priceOf(b, p.source))),
  }),

  macd: define({
    id: "macd",
    label: "MACD",
    pane: "separate",
    inputs: ["close"],
    params: { fast: int("Fast period", 12, 2), slow: int("Slow period", 26, 2), signal: int("Signal period", 9), source },
    outputs: ["macd", "signal", "hist"],
    lookback: (p) => Math.max(p.fast, p.slow) - 1 + (p.signal - 1),
    compute: (c, p) => macd(sourceColumn(c, p.source), p.fast, p.slow, p.signal),
    incremental: (p) => fieldsIncremental(() => new MacdState(p.fast, p.slow, p.signal), ["macd", "signal", "hist"], (s, b) => s.next(priceOf(b, p.source))),
  }),

  bbands: define({
    id: "bbands",
    label: "Bollinger bands",
    pane: "overlay",
    outputPanes: { percentB: "separate", bandwidth: "separate" },
    inputs: ["close"],
    params: { period: period(20, 2), devUp: num("Std devs up", 2, 0, 10), devDn: num("Std devs down", 2, 0, 10), source },
    outputs: ["upper", "middle", "lower", "percentB", "bandwidth"],
    lookback: (p) => p.period - 1,
    compute: (c, p, cache) => bbands(sourceColumn(c, p.source), p.period, p.devUp, p.devDn, undefined, cache),
    incremental: (p) =>
      fieldsIncremental(() => new BbandsState(p.period, p.devUp, p.devDn), ["upper", "middle", "lower", "percentB", "bandwidth"], (s, b) =>
        s.next(priceOf(b, p.source)),
      ),
  }),

  atr: define({
    id: "atr",
    label: "Average true range",
    pane: "separate",
    inputs: ["high", "low", "close"],
    params: { period: period(14) },
    outputs: ["atr"],
    lookback: (p) => p.period,
    compute: (c, p, cache) => {
      const [h, l, cl] = [col(c, "high"), col(c, "low"), col(c, "close")];
      const shared = cache?.atr(h, l, cl, p.period); // left by an ADX of the same period
      return { atr: shared ? shared.slice() : atr(h, l, cl, p.period) };
    },
    incremental: (p) => new Incremental(() => new AtrState(p.period), (s, b: BarInput) => ({ atr: s.next(b.high, b.low, b.close) })),
  }),

  natr: define({
    id: "natr",
    label: "Normalized average true range (%)",
    pane: "separate",
    inputs: ["high", "low", "close"],
    params: { period: period(14) },
    outputs: ["natr"],
    lookback: (p) => p.period,
    compute: (c, p, cache) => {
      const [h, l, cl] = [col(c, "high"), col(c, "low"), col(c, "close")];
      const shared = cache?.atr(h, l, cl, p.period); // left by an ADX of the same period
      return { natr: shared ? natrOfAtr(shared, cl) : natr(h, l, cl, p.period) };
    },
    incremental: (p) => new Incremental(() => new NatrState(p.period), (s, b: BarInput) => ({ natr: s.next(b.high, b.low, b.close) })),
  }),

  stoch: define({
    id: "stoch",
    label: "Stochastic (slow)",
    pane: "separate",
    inputs: ["high", "low", "close"],
    params: { fastK: int("Fast %K", 5), slowK: int("Slow %K", 3), slowKMa: maType("Slow %K MA type"), slowD: int("Slow %D", 3), slowDMa: maType("Slow %D MA type") },
    outputs: ["k", "d"],
    lookback: (p) => p.fastK - 1 + maLookback(p.slowKMa, p.slowK) + maLookback(p.slowDMa, p.slowD),
    compute: (c, p, cache) => stoch(col(c, "high"), col(c, "low"), col(c, "close"), p, undefined, cache),
    incremental: (p) => fieldsIncremental(() => new StochState(p), ["k", "d"], (s, b) => s.next(b.high, b.low, b.close)),
  }),

  adx: define({
    id: "adx",
    label: "Average directional index (+DI, −DI)",
    pane: "separate",
    inputs: ["high", "low", "close"],
    params: { period: period(14, 2) },
    outputs: ["adx", "plusDi", "minusDi"],
    lookback: (p) => 2 * p.period - 1,
    compute: (c, p, cache) => {
      const [h, l, cl] = [col(c, "high"), col(c, "low"), col(c, "close")];
      // ATR(period) comes almost for free in the same pass: leave it for an ATR/NATR of this pass.
      return adx(h, l, cl, p.period, undefined, cache?.provideAtr(h, l, cl, p.period));
    },
    incremental: (p) => fieldsIncremental(() => new AdxState(p.period), ["adx", "plusDi", "minusDi"], (s, b) => s.next(b.high, b.low, b.close)),
  }),

  aroon: define({
    id: "aroon",
    label: "Aroon",
    pane: "separate",
    inputs: ["high", "low"],
    params: { period: period(14, 2) },
    outputs: ["up", "down", "oscillator"],
    lookback: (p) => p.period,
    compute: (c, p) => aroon(col(c, "high"), col(c, "low"), p.period),
    incremental: (p) => fieldsIncremental(() => new AroonState(p.period), ["up", "down", "oscillator"], (s, b) => s.next(b.high, b.low)),
  }),

  obv: define({
    id: "obv",
    label: "On-balance volume",
    pane: "separate",
    inputs: ["close", "volume"],
    params: {},
    outputs: ["obv"],
    lookback: () => 0,
    compute: (c) => ({ obv: obv(col(c, "close"), col(c, "volume")) }),
    incremental: () => new Incremental(() => new ObvState(), (s, b: BarInput) => ({ obv: s.next(b.close, b.volume) })),
  }),

  vwap: define({
    id: "vwap",
    label: "VWAP (anchored, UTC session)",
    pane: "overlay",
    inputs: ["ts", "high", "low", "close", "volume"],
    params: { anchor: choice("Anchor", VWAP_ANCHORS, "session") },
    outputs: ["vwap"],
    lookback: () => 0,
    compute: (c, p) => ({ vwap: vwap(col(c, "ts"), col(c, "high"), col(c, "low"), col(c, "close"), col(c, "volume"), p.anchor) }),
    incremental: (p) => new Incremental(() => new VwapState(p.anchor), (s, b: BarInput) => ({ vwap: s.next(b.ts, b.high, b.low, b.close, b.volume) })),
  }),

  mfi: define({
    id: "mfi",
    label: "Money flow index",
    pane: "separate",
    inputs: ["high", "low", "close", "volume"],
    params: { period: period(14, 2) },
    outputs: ["mfi"],
    lookback: (p) => p.period,
    compute: (c, p) => ({ mfi: mfi(col(c, "high"), col(c, "low"), col(c, "close"), col(c, "volume"), p.period) }),
    incremental: (p) => new Incremental(() => new MfiState(p.period), (s, b: BarInput) => ({ mfi: s.next(b.high, b.low, b.close, b.volume) })),
  }),

  cci: define({
    id: "cci",
    label: "Commodity channel index",
    pane: "separate",
    inputs: ["high", "low", "close"],
    params: { period: period(20, 2) },
    outputs: ["cci"],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ cci: cci(col(c, "high"), col(c, "low"), col(c, "close"), p.period) }),
    incremental: (p) => new Incremental(() => new CciState(p.period), (s, b: BarInput) => ({ cci: s.next(b.high, b.low, b.close) })),
  }),

  willr: define({
    id: "willr",
    label: "Williams %R",
    pane: "separate",
    inputs: ["high", "low", "close"],
    params: { period: period(14, 2) },
    outputs: ["willr"],
    lookback: (p) => p.period - 1,
    compute: (c, p, cache) => ({ willr: willr(col(c, "high"), col(c, "low"), col(c, "close"), p.period, undefined, cache) }),
    incremental: (p) => new Incremental(() => new WillrState(p.period), (s, b: BarInput) => ({ willr: s.next(b.high, b.low, b.close) })),
  }),

  roc: define({
    id: "roc",
    label: "Rate of change (%)",
    pane: "separate",
    inputs: ["close"],
    params: { period: period(10), source },
    outputs: ["roc"],
    lookback: (p) => p.period,
    compute: (c, p) => ({ roc: roc(sourceColumn(c, p.source), p.period) }),
    incremental: (p) => sourceIncremental("roc", () => new ChangeState("roc", p.period), p.source),
  }),

  mom: define({
    id: "mom",
    label: "Momentum",
    pane: "separate",
    inputs: ["close"],
    params: { period: period(10), source },
    outputs: ["mom"],
    lookback: (p) => p.period,
    compute: (c, p) => ({ mom: mom(sourceColumn(c, p.source), p.period) }),
    incremental: (p) => sourceIncremental("mom", () => new ChangeState("mom", p.period), p.source),
  }),

  cmf: define({
    id: "cmf",
    label: "Chaikin money flow",
    pane: "separate",
    inputs: ["high", "low", "close", "volume"],
    params: { period: period(20) },
    outputs: ["cmf"],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ cmf: cmf(col(c, "high"), col(c, "low"), col(c, "close"), col(c, "volume"), p.period) }),
    incremental: (p) => new Incremental(() => new CmfState(p.period), (s, b: BarInput) => ({ cmf: s.next(b.high, b.low, b.close, b.volume) })),
  }),

  keltner: define({
    id: "keltner",
    label: "Keltner channels",
    pane: "overlay",
    inputs: ["high", "low", "close"],
    params: { emaPeriod: int("EMA period", 20), atrPeriod: int("ATR period", 10), multiplier: num("ATR multiplier", 2, 0, 20) },
    outputs: ["upper", "middle", "lower"],
    lookback: (p) => Math.max(p.emaPeriod - 1, p.atrPeriod),
    compute: (c, p) => keltner(col(c, "high"), col(c, "low"), col(c, "close"), p.emaPeriod, p.atrPeriod, p.multiplier),
    incremental: (p) =>
      fieldsIncremental(() => new KeltnerState(p.emaPeriod, p.atrPeriod, p.multiplier), ["upper", "middle", "lower"], (s, b) => s.next(b.high, b.low, b.close)),
  }),

  donchian: define({
    id: "donchian",
    label: "Donchian channels",
    pane: "overlay",
    inputs: ["high", "low"],
    params: { period: period(20) },
    outputs: ["upper", "middle", "lower"],
    lookback: (p) => p.period - 1,
    compute: (c, p) => donchian(col(c, "high"), col(c, "low"), p.period),
    incremental: (p) => fieldsIncremental(() => new DonchianState(p.period), ["upper", "middle", "lower"], (s, b) => s.next(b.high, b.low)),
  }),

  ichimoku: define({
    id: "ichimoku",
    label: "Ichimoku cloud",
    pane: "overlay",
    inputs: ["high", "low"],
    params: {
      tenkan: int("Tenkan (conversion) period", 9),
      kijun: int("Kijun (base) period", 26),
      senkouB: int("Senkou B period", 52),
      displacement: int("Displacement (chart only)", ICHIMOKU_DISPLACEMENT, 0),
    },
    outputs: ["tenkan", "kijun", "senkouA", "senkouB"],
    lookback: (p) => Math.max(p.tenkan, p.kijun, p.senkouB) - 1,
    displayShift: (p) => ({ senkouA: p.displacement, senkouB: p.displacement }),
    compute: (c, p) => ichimoku(col(c, "high"), col(c, "low"), p),
    incremental: (p) => fieldsIncremental(() => new IchimokuState(p), ["tenkan", "kijun", "senkouA", "senkouB"], (s, b) => s.next(b.high, b.low)),
  }),

  sar: define({
    id: "sar",
    label: "Parabolic SAR",
    pane: "overlay",
    inputs: ["high", "low"],
    params: { acceleration: num("Acceleration", 0.02, 0, 1), maximum: num("Maximum", 0.2, 0, 1) },
    outputs: ["sar"],
    lookback: () => 1,
    compute: (c, p) => ({ sar: sar(col(c, "high"), col(c, "low"), p.acceleration, p.maximum) }),
    incremental: (p) => new Incremental(() => new SarState(p.acceleration, p.maximum), (s, b: BarInput) => ({ sar: s.next(b.high, b.low) })),
  }),

  supertrend: define({
    id: "supertrend",
    label: "SuperTrend",
    pane: "overlay",
    outputPanes: { direction: "separate" },
    inputs: ["high", "low", "close"],
    params: { period: period(10), multiplier: num("ATR multiplier", 3, 0, 20) },
    outputs: ["supertrend", "direction"],
    lookback: (p) => p.period,
    compute: (c, p) => supertrend(col(c, "high"), col(c, "low"), col(c, "close"), p.period, p.multiplier),
    incremental: (p) =>
      fieldsIncremental(() => new SuperTrendState(p.period, p.multiplier), ["supertrend", "direction"], (s, b) => s.next(b.high, b.low, b.close)),
  }),
} as const;

export type IndicatorId = keyof typeof INDICATORS;
export const INDICATOR_IDS = Object.keys(INDICATORS) as IndicatorId[];

// ─── Lookup API ─────────────────────────────────────────────────────────────────────────

export function isIndicatorId(id: string): id is IndicatorId {
  return Object.hasOwn(INDICATORS, id);
}

/** The definition of an indicator; throws AppError BAD_REQUEST for an unknown id. */
export function getIndicator(id: string): IndicatorDef {
  if (!isIndicatorId(id)) {
    throw new AppError("BAD_REQUEST", {
      message: `unknown indicator "${id}"`,
      userMessage: `Unknown indicator "${id}". Known indicators: ${INDICATOR_IDS.join(", ")}.`,
    });
  }
  return INDICATORS[id] as unknown as IndicatorDef;
}

/** Indicators whose compute leaves intermediates in an IndicatorCache for others (ADX: the ATR of its period; BBANDS: the SMA; STOCH: the window extremes of WILLR). */
const SHARED_PRODUCERS: ReadonlySet<string> = new Set(["adx", "bbands", "stoch"]);

/**
 * Sort key for computing several indicators over the same bars with one IndicatorCache: 0 for an indicator that
 * leaves intermediates for others, 1 otherwise. Computing the 0s first (a stable sort) lets the others reuse them.
 */
export function sharingOrder(id: string): number {
  return SHARED_PRODUCERS.has(id) ? 0 : 1;
}

/** Validated compute by id (params: raw, e.g. from the scan language); `cache` as in IndicatorDef.compute. */
export function computeIndicator(id: string, columns: BarColumns, params?: unknown, cache?: IndicatorCache): Record<string, Float64Array> {
  return getIndicator(id).compute(columns, params, cache);
}

/** Validated incremental stream by id. */
export function createIncremental(id: string, params?: unknown): IndicatorIncremental<string> {
  return getIndicator(id).createIncremental(params);
}

/** Bar fields an indicator reads with these params (a `source` param decides the price fields). */
export function requiredInputs(id: string, params?: unknown): BarField[] {
  const d = getIndicator(id);
  const p = d.parseParams(params) as Record<string, unknown>;
  const src = p.source as Source | undefined;
  if (src === undefined) return [...d.inputs];
  return [...new Set([...d.inputs.filter((f) => f !== "close"), ...SOURCE_FIELDS[src]])];
}

/** Serializable description of every indicator (for the scan-language docs and the chart menu). */
export interface IndicatorMeta {
  id: string;
  label: string;
  pane: Pane;
  outputPanes: Partial<Record<string, Pane>>;
  inputs: readonly BarField[];
  outputs: readonly string[];
  params: ParamSpecs;
  /** Lookback with default params. */
  lookback: number;
}

export function listIndicators(): IndicatorMeta[] {
  return INDICATOR_IDS.map((id) => {
    const d = getIndicator(id);
    return { id: d.id, label: d.label, pane: d.pane, outputPanes: d.outputPanes, inputs: d.inputs, outputs: d.outputs, params: d.params, lookback: d.lookback() };
  });
}
