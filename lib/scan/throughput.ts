/**
 * Evaluation throughput of a 20-condition scan over a large synthetic universe (lag-major columns
 * filled with plausible random values; no bars or indicator computation: that is the executor's
 * cost). Run:
 *   npx tsx --tsconfig tsconfig.json -e 'import("@/lib/scan/throughput").then((m) => console.log(JSON.stringify(m.measureScanThroughput())))'
 */
import { Rng } from "@/lib/sim";
import { compileScan } from "./compile";
import { evaluateScan, type ScanEnv } from "./evaluate";
import { parseScan } from "./parser";

/** 20 comparisons / crosses mixing indicators, features, windows up to 252 bars and cross-sectional ranks. */
export const THROUGHPUT_SCAN = [
  "rsi(14) < 70",
  "rsi(14) > 20",
  "close > sma(50)",
  "close > sma(200)",
  "sma(50) > sma(200) * 0.9",
  "volume > 0.5 * avg(volume, 20)",
  "close >= 1",
  "atr(14) / close < 0.2",
  "macd(12, 26, 9).hist > -5",
  "bbands(20, 2, 2).percentB < 1.5",
  "adx(14) > 5",
  "pct_change(close, 20) > -50%",
  "close >= 0.5 * max(high, 252)",
  "close <= 2 * min(low, 252) * 10",
  "not crosses_below(ema(12), ema(26))",
  "percentile(pct_change(close, 126)) >= 0.05",
  "rank(volume) <= 4900",
  "abs(change(close, 1)) < 0.3 * close",
  "ROC20 > -1",
  "CSRANK_ROC20 >= 0",
].join(" and ") + " sort by pct_change(close, 126) desc limit 100";

export interface ScanThroughput {
  symbols: number;
  conditions: number;
  columns: number;
  maxLag: number;
  ms_first: number;
  ms_warm_median: number;
  ms_warm_min: number;
  matches: number;
}

export function measureScanThroughput(opts: { symbols?: number; runs?: number; seed?: number } = {}): ScanThroughput {
  const S = opts.symbols ?? 5000;
  const runs = opts.runs ?? 20;
  const rng = new Rng(opts.seed ?? 1);
  const plan = compileScan(parseScan(THROUGHPUT_SCAN));
  const columns: Record<string, Float64Array> = {};
  const base = Float64Array.from({ length: S }, () => 5 + 200 * rng.uniform());
  for (const col of plan.columns) {
    const a = new Float64Array(S * col.lags);
    for (let k = 0; k < col.lags; k++) {
      for (let s = 0; s < S; s++) {
        const price = base[s]! * (1 + 0.002 * k * (rng.uniform() - 0.5));
        const r = rng.uniform();
        let v: number;
        switch (col.source.kind) {
          case "field":
            v = col.source.field === "volume" ? 1e5 + 1e6 * r : col.source.field === "high" ? price * (1 + 0.01 * r) : col.source.field === "low" ? price * (1 - 0.01 * r) : price;
            break;
          case "indicator":
            v = col.source.id === "rsi" || col.source.id === "adx" ? 100 * r : col.source.id === "bbands" ? 2 * r - 0.5 : col.source.id === "atr" ? 0.03 * price * r : col.source.id === "macd" ? r - 0.5 : price * (0.9 + 0.2 * r);
            break;
          default:
            v = r;
        }
        a[k * S + s] = s % 97 === 0 && k === 0 ? NaN : v;
      }
    }
    columns[col.key] = a;
  }
  const env: ScanEnv = { symbols: Array.from({ length: S }, (_, i) => `S${i}`), columns };
  let t0 = performance.now();
  let r = evaluateScan(plan, env);
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    r = evaluateScan(plan, env);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    symbols: S,
    conditions: (THROUGHPUT_SCAN.split(" sort by ")[0]!.match(/ and /g)?.length ?? 0) + 1,
    columns: plan.columns.length,
    maxLag: plan.maxLag,
    ms_first: round(first),
    ms_warm_median: round(times[times.length >> 1]!),
    ms_warm_min: round(times[0]!),
    matches: r.total,
  };
}
