/**
 * Pure indicator engine (no db, no fetch, no env). See README.md in this folder for the
 * conventions (alignment, warm-up, missing data, flat series) and the TA-Lib verification.
 *
 * Batch: `rsi(close, 14)` → Float64Array of the input's length, NaN during warm-up.
 * Incremental: `rsiIncremental(14).push(bar)` / `.update(bar)` → latest value(s).
 * Registry (scan language, chart): `INDICATORS`, `getIndicator(id)`, `computeIndicator(id, columns, params)`,
 * `createIncremental(id, params)`, `listIndicators()`. Candlestick patterns: `CANDLE_PATTERNS`,
 * `detectPattern(id, columns)`, `patternIncremental(id)`.
 */
export * from "./adx";
export * from "./aroon";
export * from "./atr";
export * from "./bollinger";
export * from "./channels";
export type { BarInput, CloseBar, HlBar, HlcBar, HlcvBar, IncrementalIndicator, OhlcBar } from "./core";
export { Incremental, isMissing, RingBuffer, TA_EPSILON, WindowExtreme } from "./core";
export * from "./ichimoku";
export * from "./macd";
export * from "./moving-averages";
export * from "./oscillators";
export * from "./patterns";
export * from "./registry";
export * from "./rsi";
export * from "./sar";
export * from "./shared";
export * from "./stochastic";
export * from "./supertrend";
export * from "./volume";
export * from "./vwap";
