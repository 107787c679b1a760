import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { TExpr, TScanAst, TScanUniverse } from "./ast";
import { compileScan } from "./compile";
import { buildScanEnv } from "./env";
import { ScanError } from "./errors";
import { evaluateScan, type ScanEnv, type ScanResult } from "./evaluate";
import { formatExpr } from "./format";
import { parseScan } from "./parser";
import { SCAN_PRESETS } from "./presets";
import { mlColumns, naiveEvaluate, scanArb, simUniverse, type SimUniverse } from "./test-helpers";

let u: SimUniverse;
const indicatorCache = new Map<string, Float64Array>();
beforeAll(() => {
  u = simUniverse({ seed: 11, symbols: 200 });
});

function run(ast: TScanAst): ScanResult {
  const plan = compileScan(ast);
  const env = buildScanEnv(plan, { symbols: u.symbols, bars: u.bars, features: u.features, columns: mlColumns(u, plan), meta: u.meta });
  return evaluateScan(plan, env);
}

/** What the compiler folds to a constant (left out of explain): literals, and -, abs, arithmetic, prev of constants. */
function isConstant(e: TExpr): boolean {
  switch (e.kind) {
    case "number":
      return true;
    case "neg":
      return isConstant(e.arg);
    case "fn":
      return e.fn === "abs" && isConstant(e.arg);
    case "arith":
      return isConstant(e.left) && isConstant(e.right);
    case "window":
      return e.fn === "prev" && isConstant(e.arg);
    default:
      return false;
  }
}

/** Vectorised result = reference result: matches, order, sort keys and every explained operand. */
function expectSameAsNaive(ast: TScanAst): ScanResult {
  const got = run(ast);
  const want = naiveEvaluate(ast, u, indicatorCache);
  const ctx = formatExpr(ast.where);
  expect(Array.from(got.matches), ctx).toEqual(want.matches);
  expect(got.total).toBe(want.total);
  if (want.sortKey) expect(Array.from(got.sortKey!)).toEqual(want.sortKey);
  else expect(got.sortKey).toBeNull();
  expect(got.explain).toHaveLength(want.matches.length);
  for (const [node, values] of want.explainValues) {
    if (isConstant(node)) continue;
    const label = formatExpr(node);
    expect(got.explain.map((row) => row[label]), label).toEqual(values);
  }
  return got;
}

const universeOfSim = (): fc.Arbitrary<TScanUniverse> =>
  fc.constantFrom<TScanUniverse>(
    {},
    { assetClasses: ["stock"] },
    { exchanges: ["NYSE", "NASDAQ"], minPrice: 20 },
    { sectors: ["Energy", "Health Care", "Financials"], minVolume: 1e6 },
    { maxPrice: 150, symbols: ["SIM0001", "SIM0002", "SIM0010", "SIM0050", "SIM0123", "SIM0199", "NOPE"] },
  );

describe("evaluateScan = per-symbol reference evaluator (random scans, simulated universe)", () => {
  // Property tests get a generous timeout: a shared CI machine may be slow, and they must not flake.
  it("random scans over fields, indicators, features, ML columns and every function", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(scanArb({ depth: 3, universe: universeOfSim(), maxWindow: 8 }), (ast) => {
        expectSameAsNaive(ast);
      }),
      { numRuns: 150 },
    );
  });

  it("scans that match a sizeable part of the universe (so the comparison is not vacuous)", () => {
    const texts = [
      "close > avg(close, 10) sort by pct_change(close, 5) desc limit 25",
      "rsi(14) < 60 and volume > 0.5 * avg(volume, 20) or crosses_above(ema(5), ema(10))",
      "percentile(ROC20) >= 0.5 and rank(volume) <= 120 sort by rank(volume) asc",
      "abs(change(close, 3)) / close < 5% and not (high == low) sort by macd(12, 26, 9).hist asc",
      "max(high, 20) - min(low, 20) > 2 * atr(14) and close / volume != 0",
      "percentile(ml_score) >= 0.5 sort by ml_score desc limit 10",
      "bbands(20, 2, 2).percentB > 0.5 and CSRANK_ROC20 > 0.2 and prev(close, 2) < close",
    ];
    let matched = 0;
    for (const t of texts) matched += expectSameAsNaive(parseScan(t)).total;
    expect(matched).toBeGreaterThan(200);
  });

  it("every preset runs end to end (bars → env → evaluation) and agrees with the reference", () => {
    const long = simUniverse({ seed: 5, symbols: 60, start: "2022-01-01", end: "2024-06-30" });
    for (const p of SCAN_PRESETS) {
      const plan = compileScan(parseScan(p.text));
      const env = buildScanEnv(plan, { symbols: long.symbols, bars: long.bars, features: long.features, columns: mlColumns(long, plan) });
      const got = evaluateScan(plan, env);
      const want = naiveEvaluate(plan.ast, long);
      expect(Array.from(got.matches), p.id).toEqual(want.matches);
      if (p.id === "ml-top-decile") expect(got.total).toBeGreaterThan(0);
    }
  });
});

describe("buildScanEnv", () => {
  it("records each symbol's scan bar time (its newest bar, or asOf), NaN without one", () => {
    const plan = compileScan(parseScan("close > 0"));
    const live = u.bars.findIndex((b) => b && b.length > 10);
    const short = { ...u.bars[live]!, length: 5 };
    const bars = u.bars.map((b, i) => (i === live + 1 ? short : i === live + 2 ? null : b));
    const e = buildScanEnv(plan, { symbols: u.symbols, bars });
    expect(e.barTs![live]).toBe(u.bars[live]!.ts[u.bars[live]!.length - 1]);
    expect(e.barTs![live + 1]).toBe(short.ts[4]);
    expect(e.barTs![live + 2]).toBeNaN();
  });

  it("asOf: evaluates as of an earlier bar; a symbol without a bar exactly then is missing", () => {
    const ast = parseScan("close > avg(close, 5) or crosses_above(ema(5), sma(10)) sort by rsi(14) desc");
    const plan = compileScan(ast);
    const ref = u.bars.find((b) => b && b.length > 100)!;
    const asOf = ref.ts[ref.length - 4]!;
    // Truncated universe: bars up to asOf; symbols whose bar at asOf is missing get no data.
    const cut = {
      ...u,
      bars: u.bars.map((b) => {
        if (!b) return null;
        let end = b.length;
        while (end > 0 && b.ts[end - 1]! > asOf) end--;
        if (end === 0 || b.ts[end - 1] !== asOf) return null;
        const c = { ...b, length: end };
        for (const f of ["ts", "open", "high", "low", "close", "volume", "vwap", "trades"] as const) c[f] = b[f].slice(0, end);
        return c;
      }),
    };
    const sparse = u.bars.map((b, i) => (b && i % 5 === 0 ? { ...b, ts: b.ts.map((t) => (t === asOf ? t - 1 : t)) } : b));
    const got = evaluateScan(plan, buildScanEnv(plan, { symbols: u.symbols, bars: sparse, asOf }));
    const want = naiveEvaluate(ast, { ...cut, bars: cut.bars.map((b, i) => (i % 5 === 0 ? null : b)) });
    expect(Array.from(got.matches)).toEqual(want.matches);
    expect(got.total).toBeGreaterThan(10);
  });
});

// ─── Hand-made environments ─────────────────────────────────────────────────────────────

/** Env from per-lag rows: { close: [[lag0 of every symbol], [lag1 …]] } with plan keys given directly. */
function env(symbols: string[], cols: Record<string, number[][]>, meta?: ScanEnv["meta"]): ScanEnv {
  const columns: Record<string, Float64Array> = {};
  for (const [k, rows] of Object.entries(cols)) columns[k] = Float64Array.from(rows.flat());
  return { symbols, columns, meta };
}
const evalText = (text: string, e: ScanEnv) => evaluateScan(compileScan(parseScan(text)), e);
const syms = (n: number) => Array.from({ length: n }, (_, i) => `S${i}`);

describe("NaN semantics", () => {
  const e = env(syms(4), { close: [[NaN, 1, 2, 0]], volume: [[1, NaN, 0, 0]] });
  it("any comparison with NaN is false, != included; not negates the resulting boolean", () => {
    expect(Array.from(evalText("close > 0", e).matches)).toEqual([1, 2]);
    expect(Array.from(evalText("close <= 0", e).matches)).toEqual([3]);
    expect(Array.from(evalText("close == close", e).matches)).toEqual([1, 2, 3]);
    expect(Array.from(evalText("close != 5", e).matches)).toEqual([1, 2, 3]);
    expect(Array.from(evalText("not (close > 0)", e).matches)).toEqual([0, 3]);
    expect(Array.from(evalText("close > 0 or volume > 0", e).matches)).toEqual([0, 1, 2]);
  });
  it("x / 0 is NaN (never ±Infinity), and so is pct_change from 0", () => {
    expect(Array.from(evalText("close / volume > -1e300", e).matches)).toEqual([]);
    expect(Array.from(evalText("close / volume < 1e300", e).matches)).toEqual([]);
    const r = evaluateScan(compileScan(parseScan("close >= 0 sort by close / volume asc")), e);
    expect(Array.from(r.matches)).toEqual([1, 2, 3]);
    expect(Array.from(r.sortKey!)).toEqual([NaN, NaN, NaN]);
  });
  it("windows with a missing value are NaN; lags beyond the history are NaN", () => {
    const w = env(syms(3), { close: [[5, 5, 5], [4, NaN, 4], [3, 3, NaN]] });
    expect(Array.from(evalText("avg(close, 3) > 0", w).matches)).toEqual([0]);
    expect(Array.from(evalText("max(close, 2) > 0", w).matches)).toEqual([0, 2]);
    expect(Array.from(evalText("min(close, 3) > 0", w).matches)).toEqual([0]);
    expect(evalText("avg(close, 3) > 0", w).explain[0]).toEqual({ "avg(close, 3)": 4 });
  });
  it("NaN sort keys go last in both directions; ties keep symbol order", () => {
    const s = env(syms(5), { close: [[2, NaN, 1, 2, 3]] });
    const plan = (dir: string) => compileScan(parseScan(`close > -1 or close != close sort by close ${dir}`));
    expect(Array.from(evaluateScan(plan("desc"), s).matches)).toEqual([4, 0, 3, 2]);
    expect(Array.from(evaluateScan(plan("asc"), s).matches)).toEqual([2, 0, 3, 4]);
    const all = env(syms(3), { close: [[1, 2, 3]], volume: [[NaN, 5, NaN]] });
    expect(Array.from(evalText("close > 0 sort by volume asc", all).matches)).toEqual([1, 0, 2]);
  });
});

describe("crosses_above / crosses_below", () => {
  it("a[t−1] <= b[t−1] and a[t] > b[t] (touching the line from below counts, ending on it does not)", () => {
    // Symbols: crossed up, touched then up, was above already, ends equal, NaN yesterday, crossed down.
    const e = env(syms(6), {
      close: [
        [11, 11, 12, 10, 11, 9],
        [9, 10, 11, 9, NaN, 11],
      ],
      open: [
        [10, 10, 10, 10, 10, 10],
        [10, 10, 10, 10, 10, 10],
      ],
    });
    expect(Array.from(evalText("crosses_above(close, open)", e).matches)).toEqual([0, 1]);
    expect(Array.from(evalText("crosses_below(close, open)", e).matches)).toEqual([5]);
    expect(Array.from(evalText("crosses_above(close, 10)", e).matches)).toEqual([0, 1]);
    expect(Array.from(evalText("crosses_below(10, close)", e).matches)).toEqual([0, 1]);
    expect(evalText("crosses_above(close, open)", e).explain[0]).toEqual({ close: 11, open: 10 });
  });
});

describe("rank and percentile (cross-sectional, universe members with a finite value)", () => {
  const e = env(syms(6), { close: [[3, 1, 3, 2, NaN, 5]], volume: [[1, 1, 1, 1, 1, 0]] });
  it("rank: 1 = largest, ties share the best rank", () => {
    const r = evaluateScan(compileScan(parseScan("rank(close) >= 1 sort by rank(close) asc")), e);
    expect(Array.from(r.matches)).toEqual([5, 0, 2, 3, 1]);
    expect(Array.from(r.sortKey!)).toEqual([1, 2, 2, 4, 5]);
  });
  it("percentile: average rank of ties / (m − 1), in [0, 1]", () => {
    const r = evaluateScan(compileScan(parseScan("percentile(close) >= 0 sort by percentile(close) asc")), e);
    expect(Array.from(r.matches)).toEqual([1, 3, 0, 2, 5]);
    expect(Array.from(r.sortKey!)).toEqual([0, 0.25, 0.625, 0.625, 1]);
  });
  it("only universe members are ranked", () => {
    const r = evaluateScan(compileScan(parseScan("universe volume >= 1 where rank(close) >= 1 sort by rank(close) asc")), e);
    expect(Array.from(r.matches)).toEqual([0, 2, 3, 1]);
    expect(Array.from(r.sortKey!)).toEqual([1, 1, 3, 4]);
    expect(r.universe).toBe(5);
  });
  it("a single member has rank 1 and no percentile", () => {
    const one = env(syms(2), { close: [[7, NaN]] });
    expect(Array.from(evalText("rank(close) == 1", one).matches)).toEqual([0]);
    expect(Array.from(evalText("percentile(close) >= 0", one).matches)).toEqual([]);
  });
});

describe("universe filters, limit, explain", () => {
  const meta = { assetClass: ["stock", "crypto", "stock", "etf"], exchange: ["NYSE", null, "NASDAQ", "NYSE"], sector: ["Energy", "Crypto", "Energy", null] };
  const e = env(["AAA", "BTC", "CCC", "DDD"], { close: [[10, 50000, 3, 20]], volume: [[1e6, 10, 5e5, 2e6]] }, meta);
  it("metadata, symbol list and price / volume bounds", () => {
    expect(Array.from(evalText("universe asset_class = stock where close > 0", e).matches)).toEqual([0, 2]);
    expect(Array.from(evalText("universe exchange = NYSE where close > 0", e).matches)).toEqual([0, 3]);
    expect(Array.from(evalText("universe sector = Energy, price >= 5 where close > 0", e).matches)).toEqual([0]);
    expect(Array.from(evalText("universe symbols in (BTC, DDD, ZZZ) where close > 0", e).matches)).toEqual([1, 3]);
    expect(Array.from(evalText("universe price <= 100, volume >= 1e6 where close > 0", e).matches)).toEqual([0, 3]);
  });
  it("current: keeps the symbols whose scan bar is the newest among those the other filters keep", () => {
    const dated = { ...e, barTs: Float64Array.from([300, 400, 300, NaN]) };
    expect(Array.from(evalText("universe current where close > 0", dated).matches)).toEqual([1]);
    // Among stocks the newest is 300: both stocks stay (the crypto's newer bar does not count against them).
    expect(Array.from(evalText("universe asset_class = stock, current where close > 0", dated).matches)).toEqual([0, 2]);
    expect(() => evalText("universe current where close > 0", e)).toThrow(/env.barTs/);
  });
  it("says which symbols are in the universe, matched or not", () => {
    const r = evalText("universe asset_class = stock where close > 5", e);
    expect(Array.from(r.members)).toEqual([1, 0, 1, 0]);
    expect(r.universe).toBe(2);
    expect(Array.from(r.matches)).toEqual([0]);
  });
  it("limit keeps the first matches (sorted) and reports the total", () => {
    const r = evalText("close > 0 sort by volume desc limit 2", e);
    expect(r.symbols).toEqual(["DDD", "AAA"]);
    expect(r.total).toBe(4);
    expect(r.explain).toEqual([{ close: 20 }, { close: 10 }]);
  });
  it("explain lists each comparison's operands once, literals left out", () => {
    const r = evalText("close > 5 and volume > 2 * avg(volume, 1) / 4 and close > 5", e);
    expect(r.explain[0]).toEqual({ close: 10, volume: 1e6, "2 * avg(volume, 1) / 4": 5e5 });
    expect(evaluateScan(compileScan(parseScan("close > 5")), e, { explain: false }).explain).toEqual([]);
  });
});

describe("environment contract errors", () => {
  const e = env(syms(2), { close: [[1, 2]] });
  const fail = (text: string, en: ScanEnv): ScanError => {
    try {
      evalText(text, en);
    } catch (err) {
      if (err instanceof ScanError) return err;
      throw err;
    }
    throw new Error("expected a ScanError");
  };
  it("ml_score absent → UNPROCESSABLE with a clear message", () => {
    const err = fail("percentile(ml_score) >= 0.9", e);
    expect(err.code).toBe("UNPROCESSABLE");
    expect(err.kind).toBe("input");
    expect(err.summary).toMatch(/ml_score is not available/);
  });
  it("missing or short columns and missing metadata → INTERNAL (an executor bug)", () => {
    expect(fail("volume > 1", e).summary).toMatch(/no column "volume"/);
    expect(fail("close > prev(close, 1)", e).summary).toMatch(/has 2 values; the scan needs 2 lag\(s\) × 2 symbols = 4/);
    expect(fail("universe sector = Energy where close > 1", e).summary).toMatch(/env\.meta\.sector/);
    expect(fail("volume > 1", e).code).toBe("INTERNAL");
  });
  it("an empty universe gives an empty result", () => {
    const r = evalText("close > 1 sort by close", env([], { close: [[]] }));
    expect(r.total).toBe(0);
    expect(r.matches).toHaveLength(0);
  });
  it("accepts a Map of columns and reuses scratch buffers between calls", () => {
    const plan = compileScan(parseScan("close > avg(close, 2) sort by close"));
    const m = new Map([["close", Float64Array.from([3, 1, 1, 2])]]);
    const a = evaluateScan(plan, { symbols: ["A", "B"], columns: m });
    const b = evaluateScan(plan, { symbols: ["A", "B"], columns: m });
    expect(Array.from(a.matches)).toEqual([0]);
    expect(b).toEqual(a);
  });
});

describe("compileScan: the plan", () => {
  it("lists every column once with its exact history depth", () => {
    const plan = compileScan(parseScan("rsi(14) < 30 and rsi(period=14) < 40 and crosses_above(ema(close, 20), ema(20)) and volume > 2 * avg(volume, 20) and change(close, 5) > 0 and prev(avg(high, 3), 2) > 0"));
    expect(plan.columns.map((c) => [c.key, c.lags])).toEqual([
      ["rsi(period=14, source=close)", 1],
      ["ema(period=20, source=close)", 2],
      ["volume", 20],
      ["close", 6],
      ["high", 5],
    ]);
    expect(plan.columns[0]!.source).toMatchObject({ kind: "indicator", id: "rsi", params: { period: 14, source: "close" }, output: "rsi", lookback: 14, inputs: ["close"] });
    expect(plan.bars).toEqual({ fields: ["high", "close", "volume"], minBars: 21, recommendedBars: 19 + 2 + 7 * 20 });
    expect(plan.maxLag).toBe(19);
    expect(plan.features).toBeNull();
    expect(plan.ml).toEqual([]);
    expect(plan.text).toBe(
      "rsi(14) < 30 and rsi(14) < 40 and crosses_above(ema(close, 20), ema(20)) and volume > 2 * avg(volume, 20) and change(close, 5) > 0 and prev(avg(high, 3), 2) > 0",
    );
  });
  it("multi-output indicators: one column per output read; features, ML and metadata are listed", () => {
    const plan = compileScan(parseScan("universe exchange = NYSE, price >= 5 where macd(12, 26, 9).hist > 0 and macd(12, 26, 9) > macd(12, 26, 9).signal and CSRANK_ROC20 > 0.9 and ml_score > 0"));
    expect(plan.columns.map((c) => c.key)).toEqual([
      "macd(fast=12, slow=26, signal=9, source=close).hist",
      "macd(fast=12, slow=26, signal=9, source=close).macd",
      "macd(fast=12, slow=26, signal=9, source=close).signal",
      "CSRANK_ROC20",
      "ml_score",
      "close",
    ]);
    expect(plan.features).toEqual({ set: "core-v1", names: ["CSRANK_ROC20"], minBars: 21 });
    expect(plan.ml).toEqual(["ml_score"]);
    expect(plan.meta).toEqual(["exchange"]);
  });
  it("folds constant subtrees and shares common subexpressions", () => {
    const plan = compileScan(parseScan("close > 2 * 3 + 1 and close > 7 and abs(-2) < close"));
    const ops = plan.program.nodes.filter((n) => n.lags.length > 0).map((n) => n.op);
    expect(ops.filter((o) => o === "arith")).toHaveLength(0);
    expect(ops.filter((o) => o === "col")).toHaveLength(1);
    expect(ops.filter((o) => o === "cmp")).toHaveLength(2); // close > 7 appears twice
  });
});
