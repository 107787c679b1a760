/**
 * Test-only helpers for lib/features/*.test.ts and lib/labels/*.test.ts (not imported by production
 * code): simulated and bundled daily bars, scrambling the future, exact comparison.
 */
import type { BarColumns } from "@/lib/bars/columns";
import { BAR_FIELDS, emptyColumns } from "@/lib/bars/columns";
import { cloneColumns, loadDaily, rng, sameValue } from "@/lib/indicators/test-helpers";
import { createSimulator } from "@/lib/sim";

export { cloneColumns, loadDaily, rng, sameValue };

/** Daily bars of `count` simulated NYSE symbols (deterministic). */
export function simDaily(count: number, seed = 7, start = "2014-01-01", end = "2019-12-31"): BarColumns[] {
  const sim = createSimulator({ seed, symbols: count, start, end });
  return Array.from({ length: count }, (_, i) => sim.daily(i));
}

/** Rows [from, to) of bars, copied (an independent series). */
export function copyRows(c: BarColumns, from: number, to: number): BarColumns {
  const n = Math.max(0, to - from);
  const out = emptyColumns(n);
  out.length = n;
  for (const f of BAR_FIELDS) out[f].set(c[f].subarray(from, to));
  return out;
}

/** Bars without the rows in `drop` (gaps in a symbol's history). */
export function dropRows(c: BarColumns, drop: ReadonlySet<number>): BarColumns {
  const keep: number[] = [];
  for (let i = 0; i < c.length; i++) if (!drop.has(i)) keep.push(i);
  const out = emptyColumns(keep.length);
  out.length = keep.length;
  keep.forEach((src, i) => {
    for (const f of BAR_FIELDS) out[f][i] = c[f][src]!;
  });
  return out;
}

/**
 * Copy of c with every bar after row t replaced by garbage (prices, volume and an occasional NaN),
 * timestamps unchanged. Features at rows ≤ t must not notice.
 */
export function scrambleAfter(c: BarColumns, t: number, seed: number): BarColumns {
  const out = cloneColumns(c);
  const r = rng(seed);
  for (let i = t + 1; i < c.length; i++) {
    const base = 10 + 500 * r();
    const lo = base * (1 - 0.2 * r());
    const hi = base * (1 + 0.2 * r());
    out.open[i] = lo + (hi - lo) * r();
    out.close[i] = r() < 0.02 ? NaN : lo + (hi - lo) * r();
    out.high[i] = hi;
    out.low[i] = lo;
    out.volume[i] = r() < 0.05 ? NaN : Math.round(1e7 * r());
  }
  return out;
}

/** Prices (and vwap) × priceFactor, volume × volumeFactor. */
export function rescale(c: BarColumns, priceFactor: number, volumeFactor: number): BarColumns {
  const out = cloneColumns(c);
  for (let i = 0; i < c.length; i++) {
    out.open[i] = c.open[i]! * priceFactor;
    out.high[i] = c.high[i]! * priceFactor;
    out.low[i] = c.low[i]! * priceFactor;
    out.close[i] = c.close[i]! * priceFactor;
    out.vwap[i] = c.vwap[i]! * priceFactor;
    out.volume[i] = c.volume[i]! * volumeFactor;
  }
  return out;
}

/** Hand-written bars for golden tests: ts from 2024-01-02 daily (weekends included). */
export function barsOf(rows: readonly { o: number; h: number; l: number; c: number; v?: number }[], startTs = Date.UTC(2024, 0, 2)): BarColumns {
  const out = emptyColumns(rows.length);
  out.length = rows.length;
  rows.forEach((r, i) => {
    out.ts[i] = startTs + i * 86_400_000;
    out.open[i] = r.o;
    out.high[i] = r.h;
    out.low[i] = r.l;
    out.close[i] = r.c;
    out.volume[i] = r.v ?? 1000;
    out.vwap[i] = NaN;
    out.trades[i] = NaN;
  });
  return out;
}
