/**
 * Built-in scans. Each text is in canonical form (formatScan(parseScan(text)) === text) and is
 * parsed, type-checked and run on simulated data by presets.test.ts. Daily bars unless stated.
 */
export interface ScanPreset {
  id: string;
  name: string;
  description: string;
  text: string;
  /** Reads ml_score / ml_confidence: needs a scored model. */
  requiresMl: boolean;
}

export const SCAN_PRESETS: readonly ScanPreset[] = [
  {
    id: "oversold-bounce",
    name: "Oversold bounce",
    description: "RSI(14) crosses back above 30 while the close is above its 200-day average (a dip in an uptrend).",
    text: "crosses_above(rsi(14), 30) and close > sma(200) sort by rsi(14) asc",
    requiresMl: false,
  },
  {
    id: "overbought",
    name: "Overbought",
    description: "RSI(14) above 70.",
    text: "rsi(14) > 70 sort by rsi(14) desc",
    requiresMl: false,
  },
  {
    id: "breakout-52w",
    name: "52-week breakout",
    description: "Close above the highest high of the previous 252 bars, on above-average volume.",
    text: "close > prev(max(high, 252), 1) and volume > 1.5 * prev(avg(volume, 50), 1) sort by close / prev(max(high, 252), 1) desc",
    requiresMl: false,
  },
  {
    id: "golden-cross",
    name: "Golden cross",
    description: "The 50-day SMA crosses above the 200-day SMA.",
    text: "crosses_above(sma(50), sma(200))",
    requiresMl: false,
  },
  {
    id: "death-cross",
    name: "Death cross",
    description: "The 50-day SMA crosses below the 200-day SMA.",
    text: "crosses_below(sma(50), sma(200))",
    requiresMl: false,
  },
  {
    id: "macd-bullish-cross",
    name: "MACD bullish cross",
    description: "The MACD line (12, 26) crosses above its 9-bar signal line.",
    text: "crosses_above(macd(12, 26, 9), macd(12, 26, 9).signal) sort by macd(12, 26, 9).hist desc",
    requiresMl: false,
  },
  {
    id: "bollinger-squeeze",
    name: "Bollinger squeeze",
    description: "Bollinger bands (20, 2σ) inside the Keltner channel (EMA 20, 1.5 × ATR 20): volatility compression.",
    text: "bbands(20, 2, 2).upper < keltner(20, 20, 1.5).upper and bbands(20, 2, 2).lower > keltner(20, 20, 1.5).lower sort by bbands(20, 2, 2).bandwidth asc",
    requiresMl: false,
  },
  {
    id: "volume-spike",
    name: "Volume spike",
    description: "Volume at least 3 × its average of the previous 20 bars.",
    text: "volume > 3 * prev(avg(volume, 20), 1) sort by volume / prev(avg(volume, 20), 1) desc",
    requiresMl: false,
  },
  {
    id: "gap-up",
    name: "Gap up",
    description: "Open above the previous high and at least 2 % above the previous close.",
    text: "open > prev(high, 1) and open / prev(close, 1) - 1 >= 0.02 sort by open / prev(close, 1) desc",
    requiresMl: false,
  },
  {
    id: "gap-down",
    name: "Gap down",
    description: "Open below the previous low and at least 2 % below the previous close.",
    text: "open < prev(low, 1) and open / prev(close, 1) - 1 <= -0.02 sort by open / prev(close, 1) asc",
    requiresMl: false,
  },
  {
    id: "new-highs-rs",
    name: "New highs with relative strength",
    description: "A new 252-bar high by a symbol in the top 20 % of the universe by 6-month return.",
    text: "high >= max(high, 252) and percentile(pct_change(close, 126)) >= 0.8 sort by pct_change(close, 126) desc",
    requiresMl: false,
  },
  {
    id: "ml-top-decile",
    name: "ML top decile",
    description: "The top 10 % of the universe by the latest model score.",
    text: "percentile(ml_score) >= 0.9 sort by ml_score desc",
    requiresMl: true,
  },
];

export function getScanPreset(id: string): ScanPreset | undefined {
  return SCAN_PRESETS.find((p) => p.id === id);
}
