/**
 * Point-in-time (no look-ahead) test over the WHOLE registry and every candlestick pattern:
 * for several t, recomputing on data truncated after t — and on data whose bars after t are
 * replaced by garbage — leaves every output at bars 0..t unchanged. Iterates the registry, so a
 * new indicator cannot skip it.
 */
import { describe, expect, it } from "vitest";
import type { BarColumns } from "@/lib/bars/columns";
import { sliceColumns } from "@/lib/bars/columns";
import { CANDLE_PATTERNS, detectPattern } from "./patterns";
import { getIndicator, INDICATOR_IDS } from "./registry";
import { cloneColumns, loadDaily, randomWalk, rng, sameValue } from "./test-helpers";

/** Copy of c with every bar after t scrambled (prices, volume, ts within the same spacing). */
function scrambleAfter(c: BarColumns, t: number, seed: number): BarColumns {
  const out = cloneColumns(c);
  const r = rng(seed);
  for (let i = t + 1; i < c.length; i++) {
    const base = 10 + 500 * r();
    const lo = base * (1 - 0.2 * r());
    const hi = base * (1 + 0.2 * r());
    out.open[i] = lo + (hi - lo) * r();
    out.close[i] = lo + (hi - lo) * r();
    out.high[i] = hi;
    out.low[i] = lo;
    out.volume[i] = r() < 0.1 ? NaN : Math.round(1e7 * r());
  }
  return out;
}

const DATA: [string, BarColumns][] = [
  ["AAPL daily", loadDaily("AAPL")],
  ["intraday walk", randomWalk(1500, { seed: 13, stepMs: 300_000, tick: 0.01, flatProb: 0.05 })],
];

function checkPrefix(name: string, t: number, full: Record<string, ArrayLike<number>>, part: Record<string, ArrayLike<number>>) {
  for (const [k, arr] of Object.entries(part)) {
    for (let i = 0; i <= t; i++) {
      if (!sameValue(full[k]![i], arr[i])) expect.fail(`${name}: output ${k} at bar ${i} changed when bars after ${t} changed (${full[k]![i]} vs ${arr[i]})`);
    }
  }
}

describe("no look-ahead", () => {
  it.each(INDICATOR_IDS)("indicator %s: outputs at ≤ t ignore bars after t", (id) => {
    const d = getIndicator(id);
    const params = d.parseParams({});
    const lb = d.lookback(params);
    for (const [dsName, c] of DATA) {
      const full = d.compute(c, params);
      const ts = [0, 1, lb - 1, lb, lb + 1, 2 * lb + 3, 377, c.length - 2].filter((t) => t >= 0 && t < c.length - 1);
      for (const t of ts) {
        checkPrefix(`${id} on ${dsName}, truncated after ${t}`, t, full, d.compute(sliceColumns(c, 0, t + 1), params));
        checkPrefix(`${id} on ${dsName}, scrambled after ${t}`, t, full, d.compute(scrambleAfter(c, t, t + 1), params));
      }
    }
  });

  it.each(CANDLE_PATTERNS.map((p) => p.id))("pattern %s: flags at ≤ t ignore bars after t", (id) => {
    for (const [dsName, c] of DATA) {
      const full = { flag: detectPattern(id, c) };
      for (const t of [0, 3, 4, 5, 250, 1001, c.length - 2]) {
        checkPrefix(`${id} on ${dsName}, truncated after ${t}`, t, full, { flag: detectPattern(id, sliceColumns(c, 0, t + 1)) });
        checkPrefix(`${id} on ${dsName}, scrambled after ${t}`, t, full, { flag: detectPattern(id, scrambleAfter(c, t, 7 * t + 3)) });
      }
    }
  });
});
