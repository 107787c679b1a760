/**
 * Pure helpers for indicators on the candles chart: which indicators the chart offers (the registry
 * plus a chart-only "volume"), parameter sanitising and labels ("RSI(14)"), the picker's state
 * operations, colour assignment, what to draw per indicator (series, panes, guides, bands), series
 * data for lightweight-charts (NaN warm-up skipped, display shifts drawn into the future), legend
 * values and candlestick-pattern markers.
 *
 * No DOM and no lightweight-charts runtime import, so everything here runs in node unit tests.
 * Indicator values come from `lib/indicators` (pure, O(n)); computing them client-side for the loaded
 * bars is cheap, so the chart simply recomputes when bars or params change.
 */
import type { HistogramData, LineData, SeriesMarker, UTCTimestamp, WhitespaceData } from "lightweight-charts";
import { emptyColumns, type BarColumns } from "@/lib/bars/columns";
import { CANDLE_PATTERNS, patternSeries, type PatternDef } from "@/lib/indicators/patterns";
import { IndicatorCache } from "@/lib/indicators/shared";
import { computeIndicator, getIndicator, isIndicatorId, listIndicators, type IndicatorMeta, type ParamSpec, type ParamSpecs } from "@/lib/indicators/registry";
import { sma } from "@/lib/indicators/moving-averages";
import { formatPrice, formatVolume, planBarsUpdate, toChartTime, type ChartBar, type ChartTimeframe } from "./chart-data";

// ─── What the chart offers ──────────────────────────────────────────────────────────────

/** One indicator on the chart. `key` is unique in the list and stable across param edits. */
export interface ChartIndicator {
  key: string;
  id: string;
  params: Record<string, number | string>;
  /** Primary colour; default: assigned from the theme palette. */
  color?: string;
}

/** What the picker edits and the chart draws. */
export interface ChartIndicatorsValue {
  indicators: ChartIndicator[];
  /** Candlestick pattern ids (lib/indicators/patterns.ts) to mark on the candles. */
  patterns: string[];
}

export type ParamValue = number | string;

/** Chart-only pseudo-indicator: volume histogram (own pane or overlaid at the bottom of the price pane) plus an optional MA. */
export const VOLUME_META: IndicatorMeta = {
  id: "volume",
  label: "Volume",
  pane: "separate",
  outputPanes: {},
  inputs: ["open", "close", "volume"],
  outputs: ["volume", "ma"],
  params: {
    ma: { kind: "int", label: "MA period", default: 20, min: 0, max: 500 },
    placement: { kind: "enum", label: "Placement", default: "pane", values: ["pane", "overlay"] },
  },
  lookback: 0,
};

/** Short names for legends, labels and menus. */
const SHORT: Record<string, string> = {
  sma: "SMA",
  ema: "EMA",
  wma: "WMA",
  dema: "DEMA",
  tema: "TEMA",
  kama: "KAMA",
  hma: "HMA",
  rsi: "RSI",
  stochrsi: "StochRSI",
  macd: "MACD",
  bbands: "BB",
  atr: "ATR",
  natr: "NATR",
  stoch: "Stoch",
  adx: "ADX",
  aroon: "Aroon",
  obv: "OBV",
  vwap: "VWAP",
  mfi: "MFI",
  cci: "CCI",
  willr: "%R",
  roc: "ROC",
  mom: "MOM",
  cmf: "CMF",
  keltner: "KC",
  donchian: "DC",
  ichimoku: "Ichimoku",
  sar: "SAR",
  supertrend: "SuperTrend",
  volume: "Volume",
};

export interface ChartIndicatorMeta extends IndicatorMeta {
  shortLabel: string;
}

let metaCache: ChartIndicatorMeta[] | null = null;

/** Every indicator the chart can draw: the registry's, then volume. */
export function chartIndicators(): readonly ChartIndicatorMeta[] {
  metaCache ??= [...listIndicators(), VOLUME_META].map((m) => ({ ...m, shortLabel: SHORT[m.id] ?? m.id.toUpperCase() }));
  return metaCache;
}

export function getChartIndicatorMeta(id: string): ChartIndicatorMeta | undefined {
  return chartIndicators().find((m) => m.id === id);
}

/** Where an indicator draws with these params: on the price pane or in a pane of its own. */
export function indicatorPane(id: string, params: Readonly<Record<string, ParamValue>>): "price" | "own" {
  if (id === "volume") return params.placement === "overlay" ? "price" : "own";
  return getChartIndicatorMeta(id)?.pane === "overlay" ? "price" : "own";
}

// ─── Params and labels ──────────────────────────────────────────────────────────────────

export function defaultParams(specs: ParamSpecs): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = s.default;
  return out;
}

/** A param value within its spec: numbers clamped (ints rounded), unknown enum values → default. */
export function sanitizeParam(spec: ParamSpec, raw: unknown): ParamValue {
  if (spec.kind === "enum") return typeof raw === "string" && spec.values.includes(raw) ? raw : spec.default;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return spec.default;
  const v = spec.kind === "int" ? Math.round(n) : n;
  return Math.min(spec.max, Math.max(spec.min, v));
}

/** Params for the spec table: every key present and valid, unknown keys dropped. Never throws. */
export function sanitizeParams(specs: ParamSpecs, raw: Readonly<Record<string, unknown>> | undefined): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = sanitizeParam(s, raw?.[k]);
  return out;
}

/** Is `text` (an input's content) a valid value for a numeric spec? Returns the number or null. */
export function parseParamInput(spec: ParamSpec, text: string): number | null {
  if (spec.kind === "enum" || text.trim() === "") return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < spec.min || n > spec.max) return null;
  if (spec.kind === "int" && !Number.isInteger(n)) return null;
  return n;
}

function formatParam(v: ParamValue): string {
  return typeof v === "number" ? String(Number(v.toPrecision(10))) : v;
}

/**
 * Label of an indicator with its params, e.g. "RSI(14)", "MACD(12, 26, 9)", "EMA(20, hl2)", "VWAP".
 * Numeric params always show; enum params (source, MA type, anchor) only when not the default.
 */
export function indicatorLabel(id: string, params: Readonly<Record<string, ParamValue>>): string {
  const meta = getChartIndicatorMeta(id);
  if (!meta) return id;
  const p = sanitizeParams(meta.params, params);
  if (id === "volume") return (p.ma as number) > 0 ? `Volume(${p.ma})` : "Volume";
  const args: string[] = [];
  for (const [k, s] of Object.entries(meta.params)) {
    const v = p[k]!;
    if (s.kind === "enum" && v === s.default) continue;
    args.push(formatParam(v));
  }
  return args.length ? `${meta.shortLabel}(${args.join(", ")})` : meta.shortLabel;
}

/**
 * A stable name per instance for accessible labels that must not change while the user types:
 * "RSI", then "RSI 2", "RSI 3" for further RSIs (in list order).
 */
export function instanceNames(indicators: readonly ChartIndicator[]): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const ind of indicators) {
    const n = (seen.get(ind.id) ?? 0) + 1;
    seen.set(ind.id, n);
    const short = getChartIndicatorMeta(ind.id)?.shortLabel ?? ind.id;
    out.set(ind.key, n === 1 ? short : `${short} ${n}`);
  }
  return out;
}

/** "Period" → "period", "Fast %K" → "fast %K", "ATR multiplier" stays (acronyms keep their case). */
export function paramAriaLabel(instanceName: string, spec: ParamSpec): string {
  const l = spec.label;
  const word = l.length > 1 && l[1] === l[1]!.toUpperCase() && /[A-Z]/.test(l[1]!) ? l : l.charAt(0).toLowerCase() + l.slice(1);
  return `${instanceName} ${word}`;
}

// ─── Picker state operations ────────────────────────────────────────────────────────────

/** A new instance of `id` with default params and a key not used in `existing`. */
export function newIndicator(id: string, existing: readonly ChartIndicator[]): ChartIndicator {
  const meta = getChartIndicatorMeta(id);
  if (!meta) throw new RangeError(`unknown chart indicator "${id}"`);
  const keys = new Set(existing.map((i) => i.key));
  let key = id;
  for (let n = 2; keys.has(key); n++) key = `${id}-${n}`;
  return { key, id, params: defaultParams(meta.params) };
}

export function addIndicator(value: ChartIndicatorsValue, id: string): ChartIndicatorsValue {
  return { ...value, indicators: [...value.indicators, newIndicator(id, value.indicators)] };
}

export function removeIndicator(value: ChartIndicatorsValue, key: string): ChartIndicatorsValue {
  return { ...value, indicators: value.indicators.filter((i) => i.key !== key) };
}

export function setIndicatorParam(value: ChartIndicatorsValue, key: string, name: string, v: ParamValue): ChartIndicatorsValue {
  return { ...value, indicators: value.indicators.map((i) => (i.key === key ? { ...i, params: { ...i.params, [name]: v } } : i)) };
}

export function togglePattern(value: ChartIndicatorsValue, id: string, on: boolean): ChartIndicatorsValue {
  const has = value.patterns.includes(id);
  if (on === has) return value;
  // Keep the registry's order so the stored value does not depend on click order.
  const next = on ? CANDLE_PATTERNS.map((p) => p.id as string).filter((p) => p === id || value.patterns.includes(p)) : value.patterns.filter((p) => p !== id);
  return { ...value, patterns: next };
}

const ema20 = (): ChartIndicator => ({ key: "ema", id: "ema", params: { period: 20, source: "close" } });

/** The symbol page's default: EMA(20) on price, RSI(14) and volume in panes, no patterns. */
export const DEFAULT_CHART_INDICATORS: ChartIndicatorsValue = {
  indicators: [ema20(), { key: "rsi", id: "rsi", params: { period: 14, source: "close" } }, { key: "volume", id: "volume", params: { ma: 20, placement: "pane" } }],
  patterns: [],
};

const MAX_INDICATORS = 24;

/**
 * Validate a stored value (e.g. from localStorage): unknown indicators and patterns are dropped,
 * params sanitised, duplicate or missing keys replaced. null when it is not a value at all.
 */
export function parseChartIndicators(raw: unknown): ChartIndicatorsValue | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as { indicators?: unknown; patterns?: unknown };
  if (!Array.isArray(r.indicators)) return null;
  const indicators: ChartIndicator[] = [];
  for (const item of r.indicators.slice(0, MAX_INDICATORS)) {
    if (typeof item !== "object" || item === null) continue;
    const it = item as { key?: unknown; id?: unknown; params?: unknown; color?: unknown };
    if (typeof it.id !== "string") continue;
    const meta = getChartIndicatorMeta(it.id);
    if (!meta) continue;
    const params = sanitizeParams(meta.params, typeof it.params === "object" && it.params !== null ? (it.params as Record<string, unknown>) : {});
    let key = typeof it.key === "string" && it.key && !indicators.some((i) => i.key === it.key) ? it.key : newIndicator(it.id, indicators).key;
    if (indicators.some((i) => i.key === key)) key = newIndicator(it.id, indicators).key;
    const ind: ChartIndicator = { key, id: it.id, params };
    if (typeof it.color === "string" && /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\))$/i.test(it.color)) ind.color = it.color;
    indicators.push(ind);
  }
  const known = new Set<string>(CANDLE_PATTERNS.map((p) => p.id));
  const patterns = Array.isArray(r.patterns) ? CANDLE_PATTERNS.map((p) => p.id as string).filter((id) => known.has(id) && (r.patterns as unknown[]).includes(id)) : [];
  return { indicators, patterns };
}

// ─── Colours ────────────────────────────────────────────────────────────────────────────

/** Theme palette: CSS variables with these fallbacks (tuned to read on both the dark and light themes). */
export const PALETTE_VARS = ["--chart-1", "--chart-2", "--chart-3", "--chart-4", "--chart-5", "--chart-6", "--chart-7", "--chart-8"] as const;
export const PALETTE_FALLBACK = ["#3b82f6", "#f59e0b", "#a855f7", "#14b8a6", "#ec4899", "#84cc16", "#f97316", "#06b6d4"] as const;
/** The palette as CSS (for swatches outside the canvas): `var(--chart-1, #3b82f6)`. */
export const PALETTE_CSS: readonly string[] = PALETTE_VARS.map((v, i) => `var(${v}, ${PALETTE_FALLBACK[i]})`);

/** Preferred palette slot per indicator, so e.g. RSI looks the same on every chart. */
const PREFERRED_SLOT: Record<string, number> = {
  ema: 0, sma: 1, wma: 3, dema: 4, tema: 6, kama: 7, hma: 5,
  bbands: 3, keltner: 7, donchian: 5, vwap: 4, ichimoku: 0, sar: 1, supertrend: 0,
  rsi: 2, stochrsi: 0, macd: 0, stoch: 0, adx: 1, aroon: 0, obv: 7, mfi: 4, cci: 3, willr: 5,
  roc: 6, mom: 3, cmf: 4, atr: 1, natr: 1, volume: 0,
};

export interface ColorSlot {
  /** Palette slot (also the base for secondary/tertiary colours). */
  slot: number;
  /** Explicit colour from the indicator, if any. */
  color?: string;
}

/**
 * Palette slot per indicator key. Indicators in their own pane take their preferred slot; overlays
 * sharing the price pane take the first slot from their preferred one that no earlier overlay uses.
 * Explicit colours are kept and take no slot.
 */
export function assignColorSlots(indicators: readonly ChartIndicator[], paletteSize: number = PALETTE_FALLBACK.length): Map<string, ColorSlot> {
  const out = new Map<string, ColorSlot>();
  const used = new Set<number>();
  for (const ind of indicators) {
    const pref = (PREFERRED_SLOT[ind.id] ?? 0) % paletteSize;
    if (ind.color) {
      out.set(ind.key, { slot: pref, color: ind.color });
      continue;
    }
    if (indicatorPane(ind.id, ind.params) === "own") {
      out.set(ind.key, { slot: pref });
      continue;
    }
    let slot = pref;
    for (let k = 0; k < paletteSize && used.has(slot); k++) slot = (pref + k + 1) % paletteSize;
    used.add(slot);
    out.set(ind.key, { slot });
  }
  return out;
}

export type ColorRole = "primary" | "secondary" | "tertiary" | "up" | "down" | "muted";

export interface RoleColors {
  palette: readonly string[];
  up: string;
  down: string;
  muted: string;
}

/** The colour of a role for an indicator: primary = its own colour, secondary/tertiary = the next palette slots. */
export function roleColor(role: ColorRole, slot: ColorSlot, c: RoleColors): string {
  const L = c.palette.length || 1;
  switch (role) {
    case "primary":
      return slot.color ?? c.palette[slot.slot % L] ?? "#3b82f6";
    case "secondary":
      return c.palette[(slot.slot + 1) % L] ?? "#f59e0b";
    case "tertiary":
      return c.palette[(slot.slot + 2) % L] ?? "#a855f7";
    case "up":
      return c.up;
    case "down":
      return c.down;
    case "muted":
      return c.muted;
  }
}

// ─── What to draw ───────────────────────────────────────────────────────────────────────

export type ValueFormat = "price" | "volume" | "number";

/** One drawn series of an indicator. */
export interface OutputPlan {
  /** Unique within the indicator (an output name or a derived one such as "up"/"down"). */
  id: string;
  kind: "line" | "histogram" | "points";
  role: ColorRole;
  lineWidth: 1 | 2 | 3 | 4;
  lineStyle: "solid" | "dashed" | "dotted";
  /** Per bar, NaN = nothing. */
  values: Float64Array;
  /** Drawn `shift` bars to the right (negative: to the left). */
  shift: number;
  /** Per-point colours for histograms: by candle direction, or MACD-style rising/falling shades. */
  coloring?: "candle" | "macd";
  /** Alpha applied to the role colour. */
  alpha?: number;
  format: ValueFormat;
  /** Own overlay price scale in the pane (volume at the bottom of the price pane). */
  priceScaleId?: string;
  /** Last value label on the price axis. */
  axisLabel: boolean;
  /** Omit from the legend when NaN (SuperTrend's inactive side). */
  legendOptional?: boolean;
  legend: boolean;
}

export interface BandPlan {
  upper: string;
  lower: string;
  /** fill: one colour; cloud: up colour where upper ≥ lower, down colour elsewhere (Ichimoku). */
  kind: "fill" | "cloud";
  role: ColorRole;
}

export interface IndicatorPlan {
  key: string;
  id: string;
  params: Record<string, ParamValue>;
  /** "RSI(14)". */
  label: string;
  pane: "price" | "own";
  outputs: OutputPlan[];
  bands: BandPlan[];
  /** Horizontal guide lines (RSI 30/70). */
  guides: number[];
  /** Fixed value range of the pane (oscillators). */
  range?: { min: number; max: number };
  /** Series structure: equal layouts can reuse the same chart series. */
  layout: string;
  /** Id + params: equal keys mean the same values on the same bars. */
  paramsKey: string;
  /** Bars drawn beyond the last one (display shift into the future). */
  futureBars: number;
  /** Set when the indicator could not be computed (shown in the legend). */
  error?: string;
}

interface OutputStyle {
  kind?: OutputPlan["kind"];
  role?: ColorRole;
  width?: OutputPlan["lineWidth"];
  style?: OutputPlan["lineStyle"];
  hidden?: boolean;
  coloring?: OutputPlan["coloring"];
  format?: ValueFormat;
}

interface ChartStyle {
  outputs?: Record<string, OutputStyle>;
  /** Draw order (first = bottom); default: the registry's output order. */
  order?: string[];
  guides?: number[];
  range?: { min: number; max: number };
  bands?: BandPlan[];
  format?: ValueFormat;
}

const OSC_0_100 = { min: 0, max: 100 };
const MA_STYLE: ChartStyle = {};
const CHANNEL: ChartStyle = { outputs: { middle: { style: "dashed" } }, bands: [{ upper: "upper", lower: "lower", kind: "fill", role: "primary" }] };

const STYLES: Record<string, ChartStyle> = {
  sma: MA_STYLE,
  ema: MA_STYLE,
  rsi: { guides: [70, 30], range: OSC_0_100 },
  stochrsi: { outputs: { d: { role: "secondary" } }, guides: [80, 20], range: OSC_0_100 },
  macd: { order: ["hist", "macd", "signal"], outputs: { hist: { kind: "histogram", coloring: "macd" }, signal: { role: "secondary" } }, guides: [0] },
  bbands: CHANNEL,
  keltner: CHANNEL,
  donchian: CHANNEL,
  stoch: { outputs: { d: { role: "secondary" } }, guides: [80, 20], range: OSC_0_100 },
  adx: { outputs: { adx: { width: 2 }, plusDi: { role: "up" }, minusDi: { role: "down" } } },
  aroon: { outputs: { up: { role: "up" }, down: { role: "down" }, oscillator: { hidden: true } }, range: OSC_0_100 },
  obv: { format: "volume" },
  mfi: { guides: [80, 20], range: OSC_0_100 },
  cci: { guides: [100, -100] },
  willr: { guides: [-20, -80], range: { min: -100, max: 0 } },
  roc: { guides: [0] },
  mom: { guides: [0] },
  cmf: { guides: [0] },
  ichimoku: {
    outputs: { kijun: { role: "down" }, senkouA: { role: "up" }, senkouB: { role: "down", style: "dotted" } },
    bands: [{ upper: "senkouA", lower: "senkouB", kind: "cloud", role: "up" }],
  },
  sar: { outputs: { sar: { kind: "points" } } },
};

/** Moving averages and VWAP read better a little thicker. */
const THICK = new Set(["sma", "ema", "wma", "dema", "tema", "kama", "hma", "vwap"]);

/** Bar columns for the indicator engine (vwap/trades unknown). */
export function barsToColumns(bars: readonly ChartBar[]): BarColumns {
  const n = bars.length;
  const c = emptyColumns(n);
  c.length = n;
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
    c.vwap[i] = NaN;
    c.trades[i] = NaN;
  }
  return c;
}

function output(id: string, values: Float64Array, pane: "price" | "own", s: OutputStyle = {}, extra: Partial<OutputPlan> = {}): OutputPlan {
  return {
    id,
    kind: s.kind ?? "line",
    role: s.role ?? "primary",
    lineWidth: s.width ?? 1,
    lineStyle: s.style ?? "solid",
    values,
    shift: 0,
    format: s.format ?? (pane === "price" ? "price" : "number"),
    axisLabel: pane === "own",
    legend: true,
    ...(s.coloring ? { coloring: s.coloring } : {}),
    ...extra,
  };
}

function layoutOf(pane: string, outputs: readonly OutputPlan[]): string {
  return `${pane}|${outputs.map((o) => `${o.id}:${o.kind}:${o.priceScaleId ?? ""}`).join(",")}`;
}

/**
 * What to draw for one indicator on these bars: computed outputs with their style, shift and pane.
 * Never throws: an indicator that cannot be computed gets `error` and no outputs.
 */
export function planIndicator(ind: ChartIndicator, columns: BarColumns, shared?: IndicatorCache): IndicatorPlan {
  const meta = getChartIndicatorMeta(ind.id);
  const params = meta ? sanitizeParams(meta.params, ind.params) : {};
  const pane = indicatorPane(ind.id, params);
  const base = {
    key: ind.key,
    id: ind.id,
    params,
    label: indicatorLabel(ind.id, params),
    pane,
    bands: [] as BandPlan[],
    guides: [] as number[],
    paramsKey: `${ind.id}:${JSON.stringify(params)}`,
    futureBars: 0,
  };
  if (!meta) return { ...base, outputs: [], layout: `${pane}|`, error: `Unknown indicator "${ind.id}"` };

  if (ind.id === "volume") return planVolume(base, columns);

  let raw: Record<string, Float64Array>;
  try {
    raw = computeIndicator(ind.id, columns, params, shared);
  } catch (err) {
    const message = err instanceof Error ? ((err as { userMessage?: string }).userMessage ?? err.message) : String(err);
    return { ...base, outputs: [], layout: `${pane}|`, error: message };
  }
  const style = STYLES[ind.id] ?? {};
  const shifts = isIndicatorId(ind.id) ? (getIndicator(ind.id).displayShift(params) as Record<string, number | undefined>) : {};
  const mainPane = meta.pane;
  const order = style.order ?? meta.outputs;
  const outputs: OutputPlan[] = [];

  if (ind.id === "supertrend") {
    // One line, drawn as two series so it breaks (instead of a vertical jump) where the trend flips.
    const st = raw.supertrend!;
    const dir = raw.direction!;
    const up = new Float64Array(st.length).fill(NaN);
    const down = new Float64Array(st.length).fill(NaN);
    for (let i = 0; i < st.length; i++) {
      if (dir[i] === 1) up[i] = st[i]!;
      else if (dir[i] === -1) down[i] = st[i]!;
    }
    outputs.push(output("up", up, pane, { role: "up", width: 2 }, { legendOptional: true }), output("down", down, pane, { role: "down", width: 2 }, { legendOptional: true }));
  } else {
    for (const name of order) {
      const values = raw[name];
      if (!values) continue;
      const s = style.outputs?.[name] ?? {};
      const outPane = meta.outputPanes[name] ?? mainPane;
      if (s.hidden || outPane !== mainPane) continue; // e.g. Bollinger %B: another pane, not drawn with the bands
      const o = output(name, values, pane, { width: THICK.has(ind.id) ? 2 : 1, format: style.format, ...s });
      o.shift = shifts[name] ?? 0;
      if (pane === "price") o.axisLabel = meta.outputs.length === 1;
      outputs.push(o);
    }
  }

  if (ind.id === "ichimoku") {
    // Chikou span: the close drawn `displacement` bars to the left (display only).
    const d = Number(params.displacement) || 0;
    if (d > 0) outputs.push(output("chikou", columns.close.slice(0, columns.length), pane, { role: "tertiary" }, { shift: -d }));
  }

  const futureBars = Math.max(0, ...outputs.map((o) => o.shift));
  return {
    ...base,
    outputs,
    bands: (style.bands ?? []).filter((b) => outputs.some((o) => o.id === b.upper) && outputs.some((o) => o.id === b.lower)),
    guides: style.guides ?? [],
    ...(style.range ? { range: style.range } : {}),
    layout: layoutOf(pane, outputs),
    futureBars,
  };
}

function planVolume(base: Omit<IndicatorPlan, "outputs" | "layout">, columns: BarColumns): IndicatorPlan {
  const n = columns.length;
  const vol = columns.volume.slice(0, n);
  const ma = Number(base.params.ma) || 0;
  const scale = base.pane === "price" ? { priceScaleId: `volume:${base.key}` } : {};
  const outputs: OutputPlan[] = [output("volume", vol, base.pane, { kind: "histogram", coloring: "candle", format: "volume" }, { alpha: 0.5, axisLabel: base.pane === "own", ...scale })];
  if (ma > 0 && n > 0) outputs.push(output("ma", sma(vol, ma), base.pane, { role: "primary", format: "volume" }, { axisLabel: false, ...scale }));
  return { ...base, outputs, layout: layoutOf(base.pane, outputs) };
}

/**
 * Plans for a list of indicators, reusing `cache` entries computed on the same columns with the same
 * params (so editing one indicator does not recompute the others, and unchanged plans keep their
 * identity, which the chart uses to skip setData).
 */
export function planIndicators(indicators: readonly ChartIndicator[], columns: BarColumns, cache?: Map<string, IndicatorPlan>): IndicatorPlan[] {
  const used = new Set<string>();
  const shared = new IndicatorCache(); // intermediates shared by the indicators computed on these columns
  const plans = indicators.map((ind) => {
    const meta = getChartIndicatorMeta(ind.id);
    const params = meta ? sanitizeParams(meta.params, ind.params) : {};
    const k = `${ind.key}|${ind.id}:${JSON.stringify(params)}`;
    used.add(k);
    const hit = cache?.get(k);
    if (hit) return hit;
    const plan = planIndicator(ind, columns, shared);
    cache?.set(k, plan);
    return plan;
  });
  // Params the user typed through are not kept.
  if (cache) for (const k of [...cache.keys()]) if (!used.has(k)) cache.delete(k);
  return plans;
}

// ─── Time axis ──────────────────────────────────────────────────────────────────────────

const TF_MS: Record<ChartTimeframe, number> = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 };

export function timeframeMs(tf: ChartTimeframe): number {
  return TF_MS[tf];
}

const DAY_MS = 86_400_000;
const isWeekend = (ts: number) => {
  const d = new Date(ts).getUTCDay();
  return d === 0 || d === 6;
};

/**
 * `count` bar times after the last bar, one bar interval apart. Daily (and longer) bars skip Saturdays
 * and Sundays when the loaded history has no weekend bars (a stock, not a 24/7 market).
 */
export function futureTimes(bars: readonly ChartBar[], count: number, stepMs: number): number[] {
  const last = bars[bars.length - 1];
  if (!last || count <= 0) return [];
  const step = stepMs > 0 ? stepMs : inferStep(bars);
  let skipWeekends = false;
  if (step >= DAY_MS && bars.length >= 5) {
    skipWeekends = true;
    for (let i = Math.max(0, bars.length - 100); i < bars.length; i++) {
      if (isWeekend(bars[i]!.ts)) {
        skipWeekends = false;
        break;
      }
    }
  }
  const out: number[] = [];
  let t = last.ts;
  while (out.length < count) {
    t += step;
    if (skipWeekends && step === DAY_MS && isWeekend(t)) continue;
    out.push(t);
  }
  return out;
}

/** Median spacing of the last bars (fallback when no timeframe is known). */
function inferStep(bars: readonly ChartBar[]): number {
  const d: number[] = [];
  for (let i = Math.max(1, bars.length - 50); i < bars.length; i++) d.push(bars[i]!.ts - bars[i - 1]!.ts);
  d.sort((a, b) => a - b);
  return d[d.length >> 1] ?? DAY_MS;
}

/** Bar times, then `futureBars` extrapolated times: the display index space of every series. */
export function displayTimes(bars: readonly ChartBar[], futureBars: number, stepMs: number): number[] {
  const out = bars.map((b) => b.ts);
  for (const t of futureTimes(bars, futureBars, stepMs)) out.push(t);
  return out;
}

/** Display index of the time `ts` (exact match), or -1. */
export function displayIndexOf(times: readonly number[], ts: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo < times.length && times[lo] === ts ? lo : -1;
}

// ─── Series data ────────────────────────────────────────────────────────────────────────

export type IndicatorPoint = LineData<UTCTimestamp> | HistogramData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

/**
 * lightweight-charts data for one output: bar i is drawn at display index i + shift (its time from
 * `times`, which extends past the last bar for forward shifts). Leading NaNs (warm-up) are skipped;
 * later NaNs become whitespace. lightweight-charts still joins a line across whitespace, so with
 * `breakGaps` the last point before a gap gets a transparent colour (a segment takes the colour of
 * its starting point), which hides the joining segment. With `from` > 0 only bars from `from` on are
 * returned (tail updates), NaNs as whitespace.
 */
export function toIndicatorPoints(
  values: Float64Array,
  shift: number,
  times: readonly number[],
  opts: { colorAt?: (i: number, v: number) => string | undefined; from?: number; breakGaps?: boolean } = {},
): IndicatorPoint[] {
  const { colorAt, from = 0, breakGaps = false } = opts;
  const out: IndicatorPoint[] = [];
  let started = from > 0;
  const start = Math.max(from, -shift, 0);
  const end = Math.min(values.length, times.length - shift);
  let lastValue = -1; // index in `out` of the last point with a value
  let lastPoint: IndicatorPoint | null = null; // that point as computed (before hiding its segment)
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    const time = toChartTime(times[i + shift]!);
    if (!Number.isFinite(v)) {
      if (!started) continue;
      if (breakGaps && lastPoint && lastValue === out.length - 1) out[lastValue] = { ...lastPoint, color: "transparent" };
      out.push({ time });
      continue;
    }
    started = true;
    const color = colorAt?.(i, v);
    lastPoint = color === undefined ? { time, value: v } : { time, value: v, color };
    out.push(lastPoint);
    lastValue = out.length - 1;
  }
  // Trailing whitespace adds nothing to draw, and the last point keeps its colour.
  if (from === 0 && lastPoint && lastValue < out.length - 1) {
    out.length = lastValue + 1;
    out[lastValue] = lastPoint;
  }
  return out;
}

/** Does a line need setData rather than tail updates: a NaN among bars [from − 1, n) (a gap to hide)? */
export function tailHasGap(values: Float64Array, from: number): boolean {
  for (let i = Math.max(0, from - 1); i < values.length; i++) if (!Number.isFinite(values[i]!)) return true;
  return false;
}

export interface HistogramColors {
  up: string;
  down: string;
  /** Weaker shades for MACD bars that shrink toward zero. */
  upWeak: string;
  downWeak: string;
}

/** Per-point colour function of an output (histograms), or undefined. */
export function pointColors(o: OutputPlan, columns: BarColumns, c: HistogramColors): ((i: number, v: number) => string) | undefined {
  if (o.coloring === "candle") return (i) => (columns.close[i]! >= columns.open[i]! ? c.up : c.down);
  if (o.coloring === "macd") {
    const vals = o.values;
    return (i, v) => {
      const prev = i > 0 ? vals[i - 1]! : NaN;
      const rising = !Number.isFinite(prev) || v >= prev;
      return v >= 0 ? (rising ? c.up : c.upWeak) : rising ? c.downWeak : c.down;
    };
  }
  return undefined;
}

/** Point of a band fill: chart time (seconds), the two edges; NaN edges break the band. */
export interface BandPoint {
  time: number;
  upper: number;
  lower: number;
}

/** Band edges per display index, aligned with each edge's shift. */
export function bandPoints(upper: OutputPlan, lower: OutputPlan, times: readonly number[]): BandPoint[] {
  const out: BandPoint[] = [];
  for (let j = 0; j < times.length; j++) {
    const a = upper.values[j - upper.shift];
    const b = lower.values[j - lower.shift];
    const ok = a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b);
    if (ok) out.push({ time: toChartTime(times[j]!), upper: a, lower: b });
    else if (out.length && Number.isFinite(out[out.length - 1]!.upper)) out.push({ time: toChartTime(times[j]!), upper: NaN, lower: NaN });
  }
  while (out.length && !Number.isFinite(out[out.length - 1]!.upper)) out.pop();
  return out;
}

/** Decimals for an indicator's price axis, from its largest magnitude (MACD of a penny stock needs more). */
export function valuePrecision(outputs: readonly OutputPlan[]): number {
  let m = 0;
  for (const o of outputs) {
    for (let i = 0; i < o.values.length; i++) {
      const a = Math.abs(o.values[i]!);
      if (a > m && Number.isFinite(a)) m = a;
    }
  }
  if (m === 0 || m >= 1) return 2;
  if (m >= 0.01) return 4;
  return Math.min(10, Math.ceil(-Math.log10(m)) + 3);
}

// ─── Legend ─────────────────────────────────────────────────────────────────────────────

/** Value of an output at a display index (shift-aware), NaN when none. */
export function valueAt(o: OutputPlan, displayIndex: number): number {
  const v = o.values[displayIndex - o.shift];
  return v === undefined ? NaN : v;
}

/** "56.21", "1.23M", "0.001234", "—". */
export function formatIndicatorValue(v: number, format: ValueFormat): string {
  if (!Number.isFinite(v)) return "—";
  switch (format) {
    case "price":
      return formatPrice(v);
    case "volume":
      return formatVolume(v);
    case "number": {
      const a = Math.abs(v);
      if (a >= 1e5) return formatVolume(v);
      if (a >= 1 || a === 0) return v.toFixed(2);
      if (a >= 0.01) return v.toFixed(4);
      return v.toPrecision(3);
    }
  }
}

export interface LegendValue {
  id: string;
  role: ColorRole;
  text: string;
  value: number;
}

/** An indicator's legend values at a display index, in draw order. */
export function legendValuesAt(plan: IndicatorPlan, displayIndex: number): LegendValue[] {
  const out: LegendValue[] = [];
  for (const o of plan.outputs) {
    if (!o.legend) continue;
    const v = valueAt(o, displayIndex);
    if (o.legendOptional && !Number.isFinite(v)) continue;
    out.push({ id: o.id, role: o.role, text: formatIndicatorValue(v, o.format), value: v });
  }
  return out;
}

/** One legend line as plain text: "RSI(14) 56.21", "MACD(12, 26, 9) 0.25 1.23 0.98". */
export function legendText(plan: IndicatorPlan, displayIndex: number): string {
  if (plan.error) return `${plan.label} ${plan.error}`;
  const vals = legendValuesAt(plan, displayIndex).map((v) => v.text);
  return vals.length ? `${plan.label} ${vals.join(" ")}` : plan.label;
}

// ─── Candlestick patterns ───────────────────────────────────────────────────────────────

/** Marker text per pattern ("Engulf"). */
const PATTERN_SHORT: Record<string, string> = {
  doji: "Doji",
  dragonfly_doji: "DfDoji",
  gravestone_doji: "GsDoji",
  bullish_marubozu: "Marubozu",
  bearish_marubozu: "Marubozu",
  bullish_spinning_top: "SpinTop",
  bearish_spinning_top: "SpinTop",
  bullish_engulfing: "Engulf",
  bearish_engulfing: "Engulf",
  bullish_harami: "Harami",
  bearish_harami: "Harami",
  bullish_harami_cross: "HaramiX",
  bearish_harami_cross: "HaramiX",
  piercing_line: "Piercing",
  dark_cloud_cover: "DarkCloud",
  morning_star: "MornStar",
  evening_star: "EveStar",
  morning_doji_star: "MornDoji",
  evening_doji_star: "EveDoji",
  abandoned_baby: "AbBaby",
  three_white_soldiers: "3Soldiers",
  three_black_crows: "3Crows",
  downside_tasuki_gap: "Tasuki",
  hammer: "Hammer",
  hammer_unconfirmed: "Hammer?",
  hanging_man: "HangMan",
  hanging_man_unconfirmed: "HangMan?",
  shooting_star: "ShootStar",
  shooting_star_unconfirmed: "ShootStar?",
  tweezer_top: "TwzTop",
  tweezer_bottom: "TwzBottom",
};

export function patternShortLabel(id: string): string {
  return PATTERN_SHORT[id] ?? id;
}

const PATTERN_BY_ID = new Map<string, PatternDef>(CANDLE_PATTERNS.map((p) => [p.id, p]));

export function patternDef(id: string): PatternDef | undefined {
  return PATTERN_BY_ID.get(id);
}

/**
 * Pattern flags per pattern id, recomputed only where needed: when bars were appended or the last bar
 * changed, only the bars from the first changed one are re-detected (a flag at bar i reads bars
 * [i−k+1..i] only); anything else recomputes the whole series.
 */
export class PatternFlagsCache {
  private readonly cache = new Map<string, { bars: readonly ChartBar[]; flags: Uint8Array }>();

  flags(id: string, bars: readonly ChartBar[], columns: BarColumns): Uint8Array {
    const def = PATTERN_BY_ID.get(id);
    const n = columns.length;
    if (!def) return new Uint8Array(n);
    const prev = this.cache.get(id);
    let flags: Uint8Array;
    const plan = prev ? planBarsUpdate(prev.bars, bars) : ({ kind: "reset" } as const);
    const cols = (s: number) => [columns.open.subarray(s, n), columns.high.subarray(s, n), columns.low.subarray(s, n), columns.close.subarray(s, n)] as const;
    if (prev && plan.kind === "none" && prev.flags.length === n) {
      flags = prev.flags;
    } else if (prev && plan.kind === "update") {
      flags = new Uint8Array(n);
      flags.set(prev.flags.subarray(0, plan.from));
      const s = Math.max(0, plan.from - (def.bars - 1));
      const tail = patternSeries(id, ...cols(s));
      flags.set(tail.subarray(plan.from - s), plan.from);
    } else {
      flags = patternSeries(id, ...cols(0));
    }
    this.cache.set(id, { bars, flags });
    return flags;
  }

  /** Forget patterns no longer shown. */
  retain(ids: readonly string[]): void {
    for (const k of [...this.cache.keys()]) if (!ids.includes(k)) this.cache.delete(k);
  }
}

export interface PatternHit {
  index: number;
  bullish: string[];
  bearish: string[];
  neutral: string[];
}

/** Bars where at least one selected pattern fires, with the pattern ids by bias. */
export function patternHits(flagsById: ReadonlyMap<string, Uint8Array>, n: number): PatternHit[] {
  const byIndex = new Map<number, PatternHit>();
  for (const [id, flags] of flagsById) {
    const bias = PATTERN_BY_ID.get(id)?.bias ?? "neutral";
    for (let i = 0; i < Math.min(n, flags.length); i++) {
      if (!flags[i]) continue;
      let h = byIndex.get(i);
      if (!h) byIndex.set(i, (h = { index: i, bullish: [], bearish: [], neutral: [] }));
      h[bias].push(id);
    }
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/**
 * Series markers for pattern hits: bullish arrows below the bar, bearish arrows above, neutral
 * circles above; several patterns on one bar share one marker ("Engulf·Harami").
 */
export function patternMarkers(hits: readonly PatternHit[], bars: readonly ChartBar[], colors: { up: string; down: string; muted: string }): SeriesMarker<UTCTimestamp>[] {
  const out: SeriesMarker<UTCTimestamp>[] = [];
  const text = (ids: string[]) => [...new Set(ids.map(patternShortLabel))].join("·");
  for (const h of hits) {
    const b = bars[h.index];
    if (!b) continue;
    const time = toChartTime(b.ts);
    if (h.bullish.length) out.push({ time, position: "belowBar", shape: "arrowUp", color: colors.up, text: text(h.bullish), id: `p-${h.index}-bull` });
    if (h.bearish.length) out.push({ time, position: "aboveBar", shape: "arrowDown", color: colors.down, text: text(h.bearish), id: `p-${h.index}-bear` });
    if (h.neutral.length) out.push({ time, position: "aboveBar", shape: "circle", color: colors.muted, text: text(h.neutral), id: `p-${h.index}-neutral` });
  }
  return out;
}

/** Labels of the patterns firing at bar `index` ("Bullish engulfing"), for the legend. */
export function patternLabelsAt(hits: readonly PatternHit[], index: number): string[] {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hits[mid]!.index < index) lo = mid + 1;
    else hi = mid;
  }
  const h = hits[lo];
  if (!h || h.index !== index) return [];
  return [...h.bullish, ...h.bearish, ...h.neutral].map((id) => PATTERN_BY_ID.get(id)?.label ?? id);
}

