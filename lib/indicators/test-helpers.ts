/**
 * Test-only helpers for lib/indicators/*.test.ts: bundled market data, seeded random bars, the
 * TA-Lib oracle loader and float comparison. Not imported by production code.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Bar, BarColumns } from "@/lib/bars/columns";
import { emptyColumns } from "@/lib/bars/columns";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DAY = 86_400_000;

/** Daily bars from db/seed/market-data/daily/<symbol>.csv with adjusted OHLC (raw × adj_close/close). */
export function loadDaily(symbol: string): BarColumns {
  const csv = readFileSync(path.join(ROOT, "db/seed/market-data/daily", `${symbol}.csv`), "utf8");
  const lines = csv.trim().split("\n").slice(1);
  const c = emptyColumns(lines.length);
  c.length = lines.length;
  lines.forEach((line, i) => {
    const [date, open, high, low, close, volume, adj] = line.split(",");
    const f = Number(adj) / Number(close);
    c.ts[i] = Date.parse(`${date}T00:00:00Z`);
    c.open[i] = Number(open) * f;
    c.high[i] = Number(high) * f;
    c.low[i] = Number(low) * f;
    c.close[i] = Number(close) * f;
    c.volume[i] = Number(volume);
    c.vwap[i] = NaN;
    c.trades[i] = NaN;
  });
  return c;
}

/** Small fast seeded PRNG (mulberry32) so every test run sees the same "random" data. */
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

export interface WalkOptions {
  seed?: number;
  start?: number;
  /** Per-bar volatility (fraction of price). */
  vol?: number;
  /** Round prices to this tick (creates ties and zero changes). 0 = no rounding. */
  tick?: number;
  /** Probability that a bar repeats the previous close exactly with zero range (flat bars). */
  flatProb?: number;
  /** Bar spacing in ms (default 1 minute, so intraday sessions change every 1440 bars). */
  stepMs?: number;
  startTs?: number;
}

/** Random-walk OHLCV bars. */
export function randomWalk(n: number, o: WalkOptions = {}): BarColumns {
  const r = rng(o.seed ?? 1);
  const vol = o.vol ?? 0.01;
  const tick = o.tick ?? 0;
  const round = (x: number) => (tick > 0 ? Math.max(tick, Math.round(x / tick) * tick) : x);
  const c = emptyColumns(n);
  c.length = n;
  let price = o.start ?? 100;
  const step = o.stepMs ?? 60_000;
  const t0 = o.startTs ?? Date.UTC(2024, 0, 2, 14, 30);
  for (let i = 0; i < n; i++) {
    c.ts[i] = t0 + i * step;
    if (i > 0 && r() < (o.flatProb ?? 0)) {
      const p = c.close[i - 1]!;
      c.open[i] = p;
      c.high[i] = p;
      c.low[i] = p;
      c.close[i] = p;
      c.volume[i] = r() < 0.5 ? 0 : Math.round(1000 * r());
    } else {
      const open = round(price);
      const close = round(price * (1 + vol * (r() * 2 - 1)));
      const high = round(Math.max(open, close) * (1 + vol * r() * 0.5));
      const low = round(Math.min(open, close) * (1 - vol * r() * 0.5));
      c.open[i] = open;
      c.high[i] = Math.max(high, open, close);
      c.low[i] = Math.min(low, open, close);
      c.close[i] = close;
      c.volume[i] = Math.round(1e4 + 1e6 * r());
      price = close;
    }
    c.vwap[i] = NaN;
    c.trades[i] = NaN;
  }
  return c;
}

/** A flat series: every price equal, constant volume. */
export function flatBars(n: number, price = 50, volume = 1000): BarColumns {
  const c = emptyColumns(n);
  c.length = n;
  for (let i = 0; i < n; i++) {
    c.ts[i] = Date.UTC(2024, 0, 1) + i * DAY;
    c.open[i] = price;
    c.high[i] = price;
    c.low[i] = price;
    c.close[i] = price;
    c.volume[i] = volume;
    c.vwap[i] = NaN;
    c.trades[i] = NaN;
  }
  return c;
}

export function barAt(c: BarColumns, i: number): Bar {
  return { ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]!, vwap: c.vwap[i]!, trades: c.trades[i]! };
}

/** Deep copy of the first `length` rows. */
export function cloneColumns(c: BarColumns): BarColumns {
  const out = emptyColumns(c.length);
  out.length = c.length;
  for (const f of ["ts", "open", "high", "low", "close", "volume", "vwap", "trades"] as const) out[f].set(c[f].subarray(0, c.length));
  return out;
}

/** Index of the first non-NaN value (length when all NaN). */
export function firstValid(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) return i;
  return a.length;
}

/** Same value, NaN equal to NaN (bit-for-bit otherwise, but 0 === -0). */
export function sameValue(a: number | undefined, b: number | undefined): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

// ─── TA-Lib oracle ──────────────────────────────────────────────────────────────────────

export interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
export interface Talib {
  version: string;
  execute(params: Record<string, unknown>): TalibResult;
}

/**
 * The TA-Lib oracle built by `node scripts/talib-oracle.mjs` into .oracle/ (git-ignored), or null.
 * Callers must not silently pass without it: use describe.skipIf(!oracle) and warnMissingOracle().
 */
export function loadTalib(): Talib | null {
  try {
    const req = createRequire(path.join(ROOT, ".oracle", "package.json"));
    return req(path.join(ROOT, ".oracle", "node_modules", "talib")) as Talib;
  } catch {
    return null;
  }
}

export function warnMissingOracle(what: string): void {
  const line = "!".repeat(100);
  console.warn(
    `\n${line}\n!!! TA-LIB ORACLE MISSING: ${what} SKIPPED.\n!!! Build it with \`node scripts/talib-oracle.mjs\` (installs talib@2.0.5 into .oracle/, ~20 s).\n!!! CI must build the oracle before the unit tests so these comparisons run.\n${line}\n`,
  );
}
