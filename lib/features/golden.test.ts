/**
 * Golden values: features against naive re-implementations (plain loops over windows, two-pass
 * statistics), hand-computed bars, the indicator kernels they wrap, and hand-computed
 * cross-sections with ties and NaNs.
 */
import { describe, expect, it } from "vitest";
import type { BarColumns } from "@/lib/bars/columns";
import { adx, bbands, macd, mfi, obv, rsi, stoch } from "@/lib/indicators";
import { computeCrossSectionalPanel, computeFeatures, crossSectionalBases, FeatureMatrix, fillCrossSectional } from "./compute";
import { CrossSectionScratch, csRank, csZScore } from "./cross-section";
import { getFeatureSet } from "./feature-set";
import { rollingCorr, rollingExtreme, rollingMeanStd, rollingRank, rollingSlope, rollingSum } from "./rolling";
import { barsOf, loadDaily, rng, simDaily } from "./test-helpers";

const BARS = loadDaily("BA");
const M = computeFeatures(BARS);
const n = BARS.length;
const { open: O, high: H, low: L, close: C, volume: V } = BARS;

/** Compares a feature column with expected(i) from `from` on (NaN before), |Δ| ≤ tol·max(1, |expected|). */
function expectColumn(name: string, from: number, expected: (i: number) => number, tol = 1e-12): void {
  const col = M.column(name);
  for (let i = 0; i < n; i++) {
    const e = i < from ? NaN : expected(i);
    const a = col[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) expect.fail(`${name}[${i}] = ${a}, expected NaN`);
    } else if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      expect.fail(`${name}[${i}] = ${a}, expected ${e}`);
    }
  }
}

const window = (x: ArrayLike<number>, i: number, w: number) => Array.from({ length: w }, (_, k) => x[i - w + 1 + k]!);
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sampleStd = (a: number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};
const ret = (i: number) => C[i]! / C[i - 1]! - 1;
const rets = (i: number, w: number) => Array.from({ length: w }, (_, k) => ret(i - w + 1 + k));
function pearson(x: number[], y: number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((_, k) => {
    sxy += (x[k]! - mx) * (y[k]! - my);
    sxx += (x[k]! - mx) ** 2;
    syy += (y[k]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe("time-series features against naive formulas (BA daily)", () => {
  it("returns, moving averages, volatility", () => {
    expectColumn("ROC1", 1, (i) => C[i]! / C[i - 1]! - 1);
    expectColumn("ROC5", 5, (i) => C[i]! / C[i - 5]! - 1);
    expectColumn("ROC60", 60, (i) => C[i]! / C[i - 60]! - 1);
    expectColumn("MA20", 19, (i) => mean(window(C, i, 20)) / C[i]! - 1, 1e-11);
    expectColumn("MA5", 4, (i) => mean(window(C, i, 5)) / C[i]! - 1, 1e-11);
    expectColumn("STD20", 20, (i) => sampleStd(rets(i, 20)), 1e-9);
    expectColumn("STD5", 5, (i) => sampleStd(rets(i, 5)), 1e-9);
    expectColumn("STDR5_20", 20, (i) => sampleStd(rets(i, 5)) / sampleStd(rets(i, 20)), 1e-9);
    expectColumn("ZMA20", 19, (i) => (C[i]! - mean(window(C, i, 20))) / sampleStd(window(C, i, 20)), 1e-9);
  });

  it("window extremes, rank, slope", () => {
    expectColumn("HIGH252", 251, (i) => Math.max(...window(H, i, 252)) / C[i]! - 1, 0);
    expectColumn("LOW252", 251, (i) => Math.min(...window(L, i, 252)) / C[i]! - 1, 0);
    expectColumn("MAX20", 19, (i) => Math.max(...window(H, i, 20)) / C[i]! - 1, 0);
    expectColumn("MIN60", 59, (i) => Math.min(...window(L, i, 60)) / C[i]! - 1, 0);
    expectColumn("RANK20", 19, (i) => {
      const w = window(C, i, 20);
      const below = w.filter((v) => v < C[i]!).length;
      const equal = w.filter((v) => v === C[i]!).length - 1;
      return (below + equal / 2) / 19;
    });
    expectColumn(
      "BETA20",
      19,
      (i) => {
        const y = window(C, i, 20);
        const x = y.map((_, k) => k);
        const mx = mean(x);
        const my = mean(y);
        const b = x.reduce((s, xk, k) => s + (xk - mx) * (y[k]! - my), 0) / x.reduce((s, xk) => s + (xk - mx) ** 2, 0);
        return b / C[i]!;
      },
      1e-9,
    );
  });

  it("volume features", () => {
    expectColumn("VOL20", 19, (i) => V[i]! / mean(window(V, i, 20)), 1e-12);
    expectColumn("VOL5", 4, (i) => V[i]! / mean(window(V, i, 5)), 1e-12);
    expectColumn("VZ20", 19, (i) => (V[i]! - mean(window(V, i, 20))) / sampleStd(window(V, i, 20)), 1e-9);
    expectColumn("VSTD20", 19, (i) => sampleStd(window(V, i, 20)) / mean(window(V, i, 20)), 1e-9);
    const o = obv(C, V);
    expectColumn("OBVS20", 20, (i) => (o[i]! - o[i - 20]!) / window(V, i, 20).reduce((s, v) => s + v, 0), 1e-9);
    expectColumn(
      "VWAP20",
      19,
      (i) => {
        let pv = 0;
        let vol = 0;
        for (let j = i - 19; j <= i; j++) {
          pv += ((H[j]! + L[j]! + C[j]!) / 3) * V[j]!;
          vol += V[j]!;
        }
        return pv / vol / C[i]! - 1;
      },
      1e-11,
    );
    expectColumn("CORR20", 19, (i) => pearson(window(C, i, 20), window(V, i, 20).map(Math.log)), 1e-8);
    expectColumn("CORR10", 9, (i) => pearson(window(C, i, 10), window(V, i, 10).map(Math.log)), 1e-8);
    expectColumn(
      "CORD10",
      10,
      (i) => pearson(rets(i, 10), Array.from({ length: 10 }, (_, k) => Math.log(V[i - 9 + k]! / V[i - 10 + k]! + 1))),
      1e-8,
    );
  });

  it("up/down counts", () => {
    const diffs = (i: number) => Array.from({ length: 20 }, (_, k) => C[i - 19 + k]! - C[i - 20 + k]!);
    expectColumn("CNTP20", 20, (i) => diffs(i).filter((d) => d > 0).length / 20);
    expectColumn("CNTN20", 20, (i) => diffs(i).filter((d) => d < 0).length / 20);
    expectColumn("SUMP20", 20, (i) => diffs(i).reduce((s, d) => s + Math.max(d, 0), 0) / diffs(i).reduce((s, d) => s + Math.abs(d), 0), 1e-11);
  });

  it("indicator features are the TA-Lib kernels, normalised", () => {
    const r = rsi(C, 14);
    expectColumn("RSI14", 14, (i) => r[i]! / 100);
    const m = macd(C, 12, 26, 9);
    expectColumn("MACDH", 33, (i) => m.hist[i]! / C[i]!);
    const b = bbands(C, 20, 2);
    expectColumn("BBP20", 19, (i) => b.percentB[i]!);
    const a = adx(H, L, C, 14);
    expectColumn("ADX14", 27, (i) => a.adx[i]! / 100);
    expectColumn("MDI14", 14, (i) => a.minusDi[i]! / 100);
    const s = stoch(H, L, C, { fastK: 14, slowK: 3, slowD: 3 });
    expectColumn("STOCHD14", 17, (i) => s.d[i]! / 100);
    const f = mfi(H, L, C, V, 14);
    expectColumn("MFI14", 14, (i) => f[i]! / 100);
  });

  it("k-bar shapes, current and lagged", () => {
    expectColumn("KMID", 0, (i) => (C[i]! - O[i]!) / C[i]!);
    expectColumn("KSFT2", 0, (i) => (H[i] === L[i] ? 0 : (2 * C[i]! - H[i]! - L[i]!) / (H[i]! - L[i]!)));
    expectColumn("KLEN_L1", 1, (i) => (H[i - 1]! - L[i - 1]!) / C[i - 1]!);
    expectColumn("KMID_L2", 2, (i) => (C[i - 2]! - O[i - 2]!) / C[i - 2]!);
  });
});

describe("hand-computed bars", () => {
  it("k-bar shapes of one bar and a zero-range bar", () => {
    const m = computeFeatures(barsOf([{ o: 10, h: 12, l: 9, c: 11 }, { o: 5, h: 5, l: 5, c: 5 }]));
    const at = (name: string, i: number) => m.column(name)[i];
    expect(at("KMID", 0)).toBeCloseTo(1 / 11, 15);
    expect(at("KLEN", 0)).toBeCloseTo(3 / 11, 15);
    expect(at("KUP", 0)).toBeCloseTo(1 / 11, 15);
    expect(at("KLOW", 0)).toBeCloseTo(1 / 11, 15);
    expect(at("KSFT", 0)).toBeCloseTo(1 / 11, 15);
    for (const k of ["KMID2", "KUP2", "KLOW2", "KSFT2"]) expect(at(k, 0), k).toBeCloseTo(1 / 3, 15);
    for (const k of ["KMID", "KLEN", "KUP", "KLOW", "KSFT", "KMID2", "KUP2", "KLOW2", "KSFT2"]) expect(at(k, 1), k).toBe(0);
    expect(at("KMID_L1", 1)).toBeCloseTo(1 / 11, 15);
    expect(at("KMID_L1", 0)).toBeNaN();
    expect(at("ROC1", 1)).toBeCloseTo(5 / 11 - 1, 15);
  });

  it("calendar fields of known dates", () => {
    const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
    const dates = ["2024-01-30", "2024-01-31", "2024-02-29", "2024-03-29", "2023-12-29", "2024-06-03", "2024-06-01"];
    const bars = barsOf(dates.map(() => ({ o: 1, h: 1, l: 1, c: 1 })));
    dates.forEach((d, i) => (bars.ts[i] = day(d)));
    const m = computeFeatures(bars);
    const col = (name: string) => Array.from(m.column(name));
    // Tue, Wed, Thu, Fri, Fri, Mon, Sat
    expect(col("DOW").map((v) => Math.round(v * 6))).toEqual([1, 2, 3, 4, 4, 0, 5]);
    expect(col("DTME")).toEqual([1, 0, 0, 0, 0, 19, 20]);
    expect(col("MEND")).toEqual([0, 1, 1, 1, 1, 0, 0]);
    expect(col("DOM").map((v) => Math.round(v * 30 + 1))).toEqual([30, 31, 29, 29, 29, 3, 1]);
    expect(col("MONTH").map((v) => Math.round(v * 11 + 1))).toEqual([1, 1, 2, 3, 12, 6, 6]);
  });
});

describe("a flat stretch after a volatile history", () => {
  it("gives the flat-window conventions exactly, not rounding residuals of the sliding sums", () => {
    const r = rng(3);
    const rows = Array.from({ length: 300 }, (_, i) => {
      if (i >= 200) return { o: 37.13, h: 37.13, l: 37.13, c: 37.13, v: 5000 };
      const c = 30 + 10 * r();
      return { o: c * (1 + 0.01 * (r() - 0.5)), h: c * 1.02, l: c * 0.98, c, v: 1000 + 9000 * r() };
    });
    const m = computeFeatures(barsOf(rows));
    const last = (name: string) => m.column(name)[299]!;
    for (const [name, value] of [
      ["STD20", 0], ["STD60", 0], ["STDR5_20", 1], ["STDR20_60", 1], ["ZMA20", 0], ["ZMA60", 0], ["VZ20", 0], ["VSTD20", 0],
      ["CORR20", 0], ["CORD20", 0], ["SUMP20", 0.5], ["OBVS20", 0], ["CNTP20", 0], ["CNTN20", 0], ["RANK20", 0.5],
      ["KMID", 0], ["KSFT2", 0], ["ROC20", 0], ["MAX20", 0], ["MIN20", 0], ["WILLR14", 0],
    ] as const) expect(last(name), name).toBe(value); // prettier-ignore
    for (const name of ["MA20", "MA60", "BETA20", "VWAP20"]) expect(Math.abs(last(name)), name).toBeLessThan(1e-14);
    expect(Math.abs(last("VOL20") - 1)).toBeLessThan(1e-14);
    // The TA-Lib Bollinger kernel keeps its running Σx² (TA-Lib semantics): ~0.5 up to that residual.
    expect(last("BBP20")).toBeCloseTo(0.5, 6);
  });
});

describe("rolling kernels", () => {
  it("reset at a missing value and restart as on the clean tail", () => {
    const r = rng(5);
    const x = Float64Array.from({ length: 200 }, () => 100 + 10 * r());
    const y = Float64Array.from({ length: 200 }, () => r());
    x[90] = NaN;
    const tailX = x.subarray(91);
    const tailY = y.subarray(91);
    const kernels: [string, (a: Float64Array, b: Float64Array) => Float64Array][] = [
      ["sum", (a) => rollingSum(a, 7)],
      ["std", (a) => {
        const out = new Float64Array(a.length);
        rollingMeanStd(a, 7, null, out);
        return out;
      }],
      ["corr", (a, b) => rollingCorr(a, b, 7)],
      ["slope", (a) => rollingSlope(a, 7)],
      ["max", (a) => rollingExtreme(a, 7, true)],
      ["min", (a) => rollingExtreme(a, 7, false)],
      ["rank", (a) => rollingRank(a, 7)],
    ]; // prettier-ignore
    for (const [name, k] of kernels) {
      const full = k(x, y);
      const tail = k(tailX, tailY);
      for (let i = 90; i < 97; i++) expect(full[i], `${name}[${i}]`).toBeNaN();
      for (let i = 97; i < 200; i++) expect(Math.abs(full[i]! - tail[i - 91]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(tail[i - 91]!)));
    }
  });

  it("van Herk extremes equal the deque on long random windows", () => {
    const r = rng(9);
    const x = Float64Array.from({ length: 3000 }, () => Math.round(100 * r()));
    for (const w of [1, 2, 3, 20, 252, 2999, 3000, 4000]) {
      for (const isMax of [true, false]) {
        const got = rollingExtreme(x, w, isMax);
        for (let i = 0; i < x.length; i++) {
          const e = i < w - 1 ? NaN : (isMax ? Math.max : Math.min)(...x.subarray(Math.max(0, i - w + 1), i + 1));
          if (!Object.is(got[i], e)) expect.fail(`w=${w} ${isMax ? "max" : "min"}[${i}] = ${got[i]}, expected ${e}`);
        }
      }
    }
  });

  it("correlation is 0 on a flat window and ±1 on a linear one", () => {
    const flat = new Float64Array(30).fill(3);
    const lin = Float64Array.from({ length: 30 }, (_, i) => 2 * i + 1);
    expect(rollingCorr(flat, lin, 10)[29]).toBe(0);
    expect(rollingCorr(lin, lin, 10)[29]).toBeCloseTo(1, 12);
    expect(rollingCorr(lin, lin.map((v) => -v), 10)[29]).toBeCloseTo(-1, 12);
    expect(rollingSlope(lin, 10)[29]).toBeCloseTo(2, 12);
  });
});

describe("cross-sectional features", () => {
  const scratch = new CrossSectionScratch();

  it("rank: ties share their average rank, NaN symbols are excluded and get NaN", () => {
    const out = new Float64Array(5);
    csRank(Float64Array.of(0.05, NaN, 0.02, 0.05, -0.01), out, scratch);
    // present: −0.01 (rank 0), 0.02 (1), 0.05 ×2 (ranks 2, 3 → 2.5); scaled by 1/(4 − 1)
    expect(Array.from(out)).toEqual([2.5 / 3, NaN, 1 / 3, 2.5 / 3, 0]);
    csRank(Float64Array.of(7, 7, 7), out.subarray(0, 3), scratch);
    expect(Array.from(out.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
    csRank(Float64Array.of(NaN, 1, Infinity), out.subarray(0, 3), scratch);
    expect(Array.from(out.subarray(0, 3))).toEqual([NaN, NaN, NaN]); // one present value: undefined
    csRank(Float64Array.of(-0, 0, -1e-300, 1e-300), out.subarray(0, 4), scratch);
    expect(Array.from(out.subarray(0, 4))).toEqual([0.5, 0.5, 0, 1]);
  });

  it("rank equals a sort-based rank on large cross-sections whose keys are cut (wide spans, dense clusters, long runs)", () => {
    const r = rng(23);
    for (let trial = 0; trial < 24; trial++) {
      const m = 2000 + Math.floor(r() * 4000);
      const mode = trial % 4;
      const v = Float64Array.from({ length: m }, () => {
        const u = r();
        if (u < 0.02) return NaN;
        if (mode === 0) return (r() - 0.5) * 0.1; // both signs: a 31-bit key span
        if (mode === 1) return u < 0.5 ? 1 + r() * 1e-9 : (r() - 0.5) * 1e6; // a dense cluster (runs of equal cut keys > 32) and outliers
        if (mode === 2) return Math.round(r() * 50) / 7; // exact ties
        return 0.5 + (r() - 0.5) * 2 ** -(10 + Math.floor(r() * 12)); // one exponent range, narrow spans
      });
      const got = new Float64Array(m);
      csRank(v, got, scratch);
      const present = Array.from(v).filter(Number.isFinite).sort((a, b) => a - b);
      const lower = (x: number) => {
        let lo = 0;
        let hi = present.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (present[mid]! < x) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      for (let s = 0; s < m; s++) {
        const x = v[s]!;
        if (!Number.isFinite(x)) {
          expect(got[s]).toBeNaN();
          continue;
        }
        const lo = lower(x);
        let hi = lo;
        while (hi < present.length && present[hi] === x) hi++;
        const e = (lo + hi - 1) / 2 / (present.length - 1);
        if (!(Math.abs(got[s]! - e) < 1e-15)) expect.fail(`trial ${trial} symbol ${s}: ${got[s]} vs ${e}`);
      }
    }
  });

  it("rank equals a naive O(m²) rank on random cross-sections with ties, signs and magnitudes", () => {
    const r = rng(17);
    for (let trial = 0; trial < 300; trial++) {
      const m = 1 + Math.floor(r() * 400);
      const mode = trial % 4;
      const v = Float64Array.from({ length: m }, () => {
        const u = r();
        if (mode === 0) return u - 0.5;
        if (mode === 1) return Math.round((u - 0.5) * 8); // heavy ties
        if (mode === 2) return u < 0.15 ? NaN : 1 + (u - 0.5) * 1e-12; // equal high words, NaNs
        return (u - 0.5) * 10 ** Math.floor(r() * 40 - 20);
      });
      const got = new Float64Array(m);
      csRank(v, got, scratch);
      const present = Array.from(v).filter(Number.isFinite);
      for (let s = 0; s < m; s++) {
        const x = v[s]!;
        const e = !Number.isFinite(x) || present.length < 2 ? NaN : (present.filter((y) => y < x).length + (present.filter((y) => y === x).length - 1) / 2) / (present.length - 1);
        if (!(Object.is(got[s], e) || Math.abs(got[s]! - e) < 1e-15)) expect.fail(`trial ${trial} symbol ${s}: ${got[s]} vs ${e}`);
      }
    }
  });

  it("z-score: population std over present symbols, 0 when flat", () => {
    const out = new Float64Array(5);
    csZScore(Float64Array.of(1, 2, NaN, 3, 4), out);
    const sd = Math.sqrt(1.25);
    expect(out[0]).toBeCloseTo(-1.5 / sd, 14);
    expect(out[1]).toBeCloseTo(-0.5 / sd, 14);
    expect(out[2]).toBeNaN();
    expect(out[4]).toBeCloseTo(1.5 / sd, 14);
    csZScore(Float64Array.of(2, 2, NaN), out.subarray(0, 3));
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, NaN]);
  });

  /** Five matrices on given timestamps whose ROC20 column is set by hand. */
  function handMatrices(rows: { ts: number[]; roc20: number[] }[]): FeatureMatrix[] {
    return rows.map(({ ts, roc20 }) => {
      const m = new FeatureMatrix("core-v1").resize(ts.length);
      m.values.fill(NaN);
      m.ts = Float64Array.from(ts);
      m.column("ROC20").set(roc20);
      return m;
    });
  }

  it("fillCrossSectional aligns symbols on timestamps (5 symbols, ties, NaNs, missing bars)", () => {
    const ms = handMatrices([
      { ts: [1, 2, 3], roc20: [0.1, 0.2, NaN] },
      { ts: [1, 3], roc20: [0.1, 0.5] }, // no bar at ts 2
      { ts: [1, 2, 3], roc20: [-0.3, 0.2, 0.4] },
      { ts: [2, 3], roc20: [0.0, 0.4] }, // lists at ts 2
      { ts: [1, 2, 3], roc20: [NaN, -0.1, 0.3] },
    ]);
    fillCrossSectional(ms);
    const rank = ms.map((m) => Array.from(m.column("CSRANK_ROC20")));
    // ts 1: {0.1, 0.1, −0.3} → [0.75, 0.75, 0, NaN]; ts 2: {0.2, 0.2, 0.0, −0.1} → 0.2s share ranks 2,3
    // ts 3: {0.5, 0.4, 0.4, 0.3} → 0.5 top, 0.4s share ranks 1,2
    expect(rank).toEqual([
      [0.75, 2.5 / 3, NaN],
      [0.75, 1],
      [0, 2.5 / 3, 1.5 / 3],
      [1 / 3, 1.5 / 3],
      [NaN, 0, 0],
    ]);
    const z = ms.map((m) => Array.from(m.column("CSZ_ROC20")));
    const sd1 = Math.sqrt(((0.1 - -1 / 30) ** 2 * 2 + (-0.3 - -1 / 30) ** 2) / 3);
    expect(z[2]![0]).toBeCloseTo((-0.3 - -1 / 30) / sd1, 12);
    expect(z[0]![2]).toBeNaN();
    expect(ms[0]!.column("CSRANK_RSI14")[0]).toBeNaN(); // base NaN everywhere
  });

  it("the panel API gives the same values as fillCrossSectional", () => {
    const bars = simDaily(7, 11, "2016-01-01", "2017-12-31");
    const ms = bars.map((b) => computeFeatures(b));
    fillCrossSectional(ms);
    const set = getFeatureSet("core-v1");
    const S = ms.length;
    const T = bars[0]!.length;
    const base: Record<string, Float64Array> = {};
    for (const name of crossSectionalBases(set)) {
      const p = (base[name] = new Float64Array(S * T));
      ms.forEach((m, s) => m.column(name).forEach((v, t) => (p[t * S + s] = v)));
    }
    const out = computeCrossSectionalPanel(set, { symbols: S, timestamps: T, base });
    for (const k of set.csIndices) {
      const name = set.names[k]!;
      ms.forEach((m, s) =>
        m.column(name).forEach((v, t) => {
          if (!Object.is(out[name]![t * S + s], v)) expect.fail(`${name} symbol ${s} row ${t}: ${out[name]![t * S + s]} vs ${v}`);
        }),
      );
    }
  });

  it("a matrix row is the storage vector in set order", () => {
    const bars: BarColumns = simDaily(1, 2, "2016-01-01", "2017-06-30")[0]!;
    const m = computeFeatures(bars);
    const i = 300;
    const row = m.row(i, new Float32Array(m.width));
    m.set.names.forEach((name, k) => expect(row[k]).toBe(Math.fround(m.column(name)[i]!)));
    expect(() => m.row(m.length)).toThrow(RangeError);
  });
});
