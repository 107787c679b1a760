/**
 * Test helpers (not exported from index.ts): simulated universes, an independent per-symbol
 * reference evaluator that interprets the AST directly, and fast-check generators of valid scans.
 */
import fc from "fast-check";
import type { BarColumns } from "@/lib/bars/columns";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { computeFeatures, FeatureContext, type FeatureMatrix, fillCrossSectional } from "@/lib/features";
import { computeIndicator, getIndicator, INDICATOR_IDS } from "@/lib/indicators/registry";
import { createSimulator } from "@/lib/sim";
import { ASSET_CLASSES, type TExpr, type TScanAst, type TScanUniverse } from "./ast";
import type { ScanPlan } from "./compile";

// ─── Data ───────────────────────────────────────────────────────────────────────────────

export interface SimUniverse {
  symbols: string[];
  bars: (BarColumns | null)[];
  features: (FeatureMatrix | null)[];
  /** Per symbol ML series aligned with its bars (NaN = no prediction). */
  ml: Record<"ml_score" | "ml_confidence", Float64Array[]>;
  meta: { assetClass: (string | null)[]; exchange: (string | null)[]; sector: (string | null)[] };
}

/**
 * A simulated daily universe with rough edges: NaN bars, zero volumes, short histories, a symbol
 * without data and ties in the ML scores.
 */
export function simUniverse(opts: { seed?: number; symbols?: number; start?: string; end?: string } = {}): SimUniverse {
  const n = opts.symbols ?? 200;
  const sim = createSimulator({ seed: opts.seed ?? 7, symbols: n, start: opts.start ?? "2023-01-01", end: opts.end ?? "2024-06-30" });
  const universe = sim.universe();
  const bars: (BarColumns | null)[] = [];
  for (let i = 0; i < n; i++) {
    const b = sim.daily(i);
    if (i % 41 === 7) {
      // A hole near the end (NaN OHLCV): resets indicators and makes windows NaN.
      const j = b.length - 3;
      b.open[j] = b.high[j] = b.low[j] = b.close[j] = b.volume[j] = NaN;
    }
    if (i % 37 === 5) b.volume[b.length - 1] = 0;
    if (i % 53 === 11) b.volume[b.length - 2] = 0;
    if (i % 29 === 3) {
      // Listed recently: 30 bars only.
      const k = b.length - 30;
      for (const f of ["ts", "open", "high", "low", "close", "volume", "vwap", "trades"] as const) b[f] = b[f].slice(k);
      b.length = 30;
    }
    bars.push(i === n - 1 ? null : b);
  }
  const ctx = new FeatureContext();
  const present = bars.filter((b): b is BarColumns => b !== null);
  const matrices = present.map((b) => computeFeatures(b, { set: "core-v1", context: ctx }));
  fillCrossSectional(matrices);
  let m = 0;
  const features = bars.map((b) => (b ? matrices[m++]! : null));
  const score = bars.map((b, i) => {
    const out = new Float64Array(b?.length ?? 0);
    for (let t = 0; t < out.length; t++) out[t] = i % 17 === 0 ? NaN : Math.round(Math.sin(i * 7.1 + t) * 20) / 20; // rounded: ties
    return out;
  });
  const conf = bars.map((b, i) => Float64Array.from({ length: b?.length ?? 0 }, (_, t) => ((i * 31 + t * 7) % 100) / 100));
  return {
    symbols: universe.map((s) => s.symbol),
    bars,
    features,
    ml: { ml_score: score, ml_confidence: conf },
    meta: {
      assetClass: universe.map((s, i) => (i % 10 === 0 ? "etf" : s.assetClass)),
      exchange: universe.map((_, i) => (i % 3 === 0 ? "NYSE" : i % 3 === 1 ? "NASDAQ" : null)),
      sector: universe.map((s) => s.sector),
    },
  };
}

/** Lag-major ML columns for a plan (what the executor would pass through). */
export function mlColumns(u: SimUniverse, plan: ScanPlan): Record<string, Float64Array> {
  const S = u.symbols.length;
  const out: Record<string, Float64Array> = {};
  for (const col of plan.columns) {
    if (col.source.kind !== "ml") continue;
    const series = u.ml[col.source.name];
    const arr = new Float64Array(S * col.lags).fill(NaN);
    for (let s = 0; s < S; s++) {
      const x = series[s]!;
      for (let k = 0; k < col.lags && x.length - 1 - k >= 0; k++) arr[k * S + s] = x[x.length - 1 - k]!;
    }
    out[col.key] = arr;
  }
  return out;
}

// ─── Reference evaluator ────────────────────────────────────────────────────────────────

export interface NaiveResult {
  matches: number[];
  sortKey: number[] | null;
  total: number;
  explainValues: Map<TExpr, number[]>;
}

/**
 * Interprets a scan symbol by symbol, straight from the spec: every value is read from the full
 * per-symbol series at (last bar − lag). Independent of compile.ts / evaluate.ts.
 */
export function naiveEvaluate(ast: TScanAst, u: SimUniverse, indicatorCache = new Map<string, Float64Array>()): NaiveResult {
  const S = u.symbols.length;
  const series = (e: TExpr, s: number): Float64Array | null => {
    const b = u.bars[s];
    if (!b) return null;
    switch (e.kind) {
      case "field":
        return b[e.name];
      case "feature":
        return u.features[s]!.column(e.name);
      case "ml":
        return u.ml[e.name][s]!;
      case "indicator": {
        const def = getIndicator(e.id);
        const output = e.output ?? def.outputs[0]!;
        const key = `${s}|${e.id}|${JSON.stringify(def.parseParams(e.params))}|${output}`;
        let v = indicatorCache.get(key);
        if (!v) indicatorCache.set(key, (v = computeIndicator(e.id, b, e.params)[output]!));
        return v;
      }
      default:
        throw new Error("not a leaf");
    }
  };
  const read = (e: TExpr, s: number, k: number): number => {
    const x = series(e, s);
    if (!x) return NaN;
    const i = x.length - 1 - k;
    return i >= 0 ? x[i]! : NaN;
  };
  const inUniverse = (s: number): boolean => {
    const uv: TScanUniverse = ast.universe;
    if (uv.assetClasses && !uv.assetClasses.includes(u.meta.assetClass[s] as never)) return false;
    if (uv.exchanges && !uv.exchanges.includes(u.meta.exchange[s] ?? "")) return false;
    if (uv.sectors && !uv.sectors.includes(u.meta.sector[s] ?? "")) return false;
    if (uv.symbols && !uv.symbols.includes(u.symbols[s]!)) return false;
    const close = read({ kind: "field", name: "close" }, s, 0);
    const volume = read({ kind: "field", name: "volume" }, s, 0);
    if (uv.minPrice !== undefined && !(close >= uv.minPrice)) return false;
    if (uv.maxPrice !== undefined && !(close <= uv.maxPrice)) return false;
    if (uv.minVolume !== undefined && !(volume >= uv.minVolume)) return false;
    if (uv.maxVolume !== undefined && !(volume <= uv.maxVolume)) return false;
    return true;
  };
  const members = Array.from({ length: S }, (_, s) => inUniverse(s));
  const crossSections = new Map<TExpr, Map<number, number[]>>();
  const section = (e: TExpr, k: number): number[] => {
    let byLag = crossSections.get(e);
    if (!byLag) crossSections.set(e, (byLag = new Map()));
    let xs = byLag.get(k);
    if (!xs) byLag.set(k, (xs = Array.from({ length: S }, (_, s) => num(e, s, k))));
    return xs;
  };
  const cmp = (op: string, x: number, y: number): boolean => {
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
    switch (op) {
      case "<":
        return x < y;
      case "<=":
        return x <= y;
      case ">":
        return x > y;
      case ">=":
        return x >= y;
      case "==":
        return x === y;
      default:
        return x !== y;
    }
  };
  function num(e: TExpr, s: number, k: number): number {
    switch (e.kind) {
      case "number":
        return e.value;
      case "field":
      case "feature":
      case "ml":
      case "indicator":
        return read(e, s, k);
      case "neg":
        return -num(e.arg, s, k);
      case "arith": {
        const x = num(e.left, s, k);
        const y = num(e.right, s, k);
        if (e.op === "+") return x + y;
        if (e.op === "-") return x - y;
        if (e.op === "*") return x * y;
        return y === 0 ? NaN : x / y;
      }
      case "fn": {
        if (e.fn === "abs") return Math.abs(num(e.arg, s, k));
        const xs = section(e.arg, k);
        const v = xs[s]!;
        if (!members[s] || !Number.isFinite(v)) return NaN;
        const present = xs.filter((x, j) => members[j] && Number.isFinite(x));
        const greater = present.filter((x) => x > v).length;
        const less = present.filter((x) => x < v).length;
        const equal = present.length - greater - less;
        if (e.fn === "rank") return 1 + greater;
        return present.length < 2 ? NaN : (2 * less + equal - 1) / (2 * (present.length - 1));
      }
      case "window": {
        const at = (j: number) => num(e.arg, s, k + j);
        switch (e.fn) {
          case "avg": {
            let sum = 0;
            for (let j = 0; j < e.n; j++) sum += at(j);
            return sum / e.n;
          }
          case "max":
          case "min": {
            let m = at(0);
            for (let j = 1; j < e.n; j++) m = e.fn === "max" ? Math.max(m, at(j)) : Math.min(m, at(j));
            return m;
          }
          case "prev":
            return at(e.n);
          case "change":
            return at(0) - at(e.n);
          case "pct_change": {
            const d = at(e.n);
            return d === 0 ? NaN : (at(0) - d) / d;
          }
        }
        throw new Error("unreachable");
      }
      default:
        throw new Error(`not numeric: ${e.kind}`);
    }
  }
  function bool(e: TExpr, s: number, k: number): boolean {
    switch (e.kind) {
      case "compare":
        return cmp(e.op, num(e.left, s, k), num(e.right, s, k));
      case "not":
        return !bool(e.arg, s, k);
      case "logic":
        return e.op === "and" ? e.args.every((a) => bool(a, s, k)) : e.args.some((a) => bool(a, s, k));
      case "cross": {
        const a0 = num(e.left, s, k);
        const a1 = num(e.left, s, k + 1);
        const b0 = num(e.right, s, k);
        const b1 = num(e.right, s, k + 1);
        return e.fn === "crosses_above" ? a1 <= b1 && a0 > b0 : a1 >= b1 && a0 < b0;
      }
      default:
        throw new Error(`not boolean: ${e.kind}`);
    }
  }
  let matches: number[] = [];
  for (let s = 0; s < S; s++) if (members[s] && bool(ast.where, s, 0)) matches.push(s);
  const total = matches.length;
  let sortKey: number[] | null = null;
  if (ast.sort) {
    const by = ast.sort.by;
    const key = new Map(matches.map((s) => [s, num(by, s, 0)]));
    const sign = ast.sort.dir === "asc" ? 1 : -1;
    matches.sort((i, j) => {
      const a = key.get(i)!;
      const b = key.get(j)!;
      if (Number.isNaN(a) !== Number.isNaN(b)) return Number.isNaN(a) ? 1 : -1;
      if (Number.isNaN(a) || a === b) return i - j;
      return sign * (a < b ? -1 : 1);
    });
    if (ast.limit !== undefined) matches = matches.slice(0, ast.limit);
    sortKey = matches.map((s) => key.get(s)!);
  } else if (ast.limit !== undefined) matches = matches.slice(0, ast.limit);
  // Operand values of every comparison / cross (at the scan bar), for the explain check.
  const explainValues = new Map<TExpr, number[]>();
  const walk = (e: TExpr) => {
    if (e.kind === "compare" || e.kind === "cross") for (const side of [e.left, e.right]) explainValues.set(side, matches.map((s) => num(side, s, 0)));
    if (e.kind === "not") walk(e.arg);
    if (e.kind === "logic") e.args.forEach(walk);
  };
  walk(ast.where);
  return { matches, sortKey, total, explainValues };
}

// ─── Generators of valid scans ──────────────────────────────────────────────────────────

const FIELDS = ["open", "high", "low", "close", "volume"] as const;
const FEATURES = ["ROC20", "RSI14", "MA20", "CSRANK_ROC20", "VOL20"] as const;

/** Random valid params for an indicator (a random subset of its params, in bounds, sometimes an explicit output). */
export function indicatorArb(ids: readonly string[] = INDICATOR_IDS): fc.Arbitrary<TExpr> {
  return fc.constantFrom(...ids).chain((id) => {
    const def = getIndicator(id);
    const entries = Object.entries(def.params);
    const valueArbs = entries.map(([, s]) => {
      if (s.kind === "enum") return fc.constantFrom(...s.values);
      if (s.kind === "int") return fc.integer({ min: s.min, max: Math.min(s.max, 60) });
      return fc.integer({ min: Math.ceil(s.min * 100), max: Math.floor(Math.min(s.max, 5) * 100) }).map((v) => v / 100);
    });
    return fc.record({
      present: fc.array(fc.boolean(), { minLength: entries.length, maxLength: entries.length }),
      values: fc.tuple(...valueArbs),
      output: fc.option(fc.constantFrom(...def.outputs), { nil: undefined }),
    }).map(({ present, values, output }): TExpr => {
      const params: Record<string, number | string> = {};
      entries.forEach(([k], i) => {
        if (present[i]) params[k] = values[i] as number | string;
      });
      // Keep slow > fast for MACD-like params only if both are given; the registry accepts any order.
      return output === undefined ? { kind: "indicator", id, params } : { kind: "indicator", id, params, output };
    });
  });
}

export interface ExprArbOptions {
  /** Indicators to draw from (default: a fast, representative set). */
  indicators?: readonly string[];
  /** Numeric literals: any double (format tests) or small "realistic" values (evaluation tests). */
  literals?: "any" | "small";
  features?: readonly string[];
  ml?: boolean;
  maxWindow?: number;
}

export function exprArbs(opts: ExprArbOptions = {}) {
  const literal =
    opts.literals === "any"
      ? fc.double({ noNaN: true, noDefaultInfinity: true })
      : fc.oneof(fc.integer({ min: -100, max: 200 }), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100), fc.constantFrom(0, 0.5, 1, 30, 70, 1e6));
  const maxWindow = opts.maxWindow ?? 12;
  const leaf: fc.Arbitrary<TExpr> = fc.oneof(
    { arbitrary: literal.map((value): TExpr => ({ kind: "number", value })), weight: 2 },
    { arbitrary: fc.constantFrom(...FIELDS).map((name): TExpr => ({ kind: "field", name })), weight: 3 },
    { arbitrary: indicatorArb(opts.indicators ?? ["sma", "ema", "rsi", "macd", "bbands", "atr", "stoch", "adx", "roc", "obv", "keltner", "donchian"]), weight: 3 },
    { arbitrary: fc.constantFrom(...(opts.features ?? FEATURES)).map((name): TExpr => ({ kind: "feature", name })), weight: 1 },
    { arbitrary: fc.constantFrom(...(opts.ml === false ? [] : (["ml_score", "ml_confidence"] as const))).map((name): TExpr => ({ kind: "ml", name })), weight: opts.ml === false ? 0 : 1 },
  );
  const nums = new Map<number, fc.Arbitrary<TExpr>>();
  const bools = new Map<number, fc.Arbitrary<TExpr>>();
  const num = (d: number): fc.Arbitrary<TExpr> => {
    let a = nums.get(d);
    if (a) return a;
    if (d <= 0) a = leaf;
    else {
      const sub = num(d - 1);
      a = fc.oneof(
        { arbitrary: leaf, weight: 4 },
        { arbitrary: sub.map((arg): TExpr => ({ kind: "neg", arg })), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom("+", "-", "*", "/" as const), sub, sub).map(([op, left, right]): TExpr => ({ kind: "arith", op, left, right })), weight: 4 },
        { arbitrary: fc.tuple(fc.constantFrom("abs", "rank", "percentile" as const), sub).map(([fn, arg]): TExpr => ({ kind: "fn", fn, arg })), weight: 2 },
        {
          arbitrary: fc
            .tuple(fc.constantFrom("avg", "max", "min", "prev", "change", "pct_change" as const), sub, fc.integer({ min: 1, max: maxWindow }))
            .map(([fn, arg, n]): TExpr => ({ kind: "window", fn, arg, n })),
          weight: 3,
        },
      );
    }
    nums.set(d, a);
    return a;
  };
  const bool = (d: number): fc.Arbitrary<TExpr> => {
    let a = bools.get(d);
    if (a) return a;
    const n = num(Math.max(0, d - 1));
    const compare = fc.tuple(fc.constantFrom("<", "<=", ">", ">=", "==", "!=" as const), n, n).map(([op, left, right]): TExpr => ({ kind: "compare", op, left, right }));
    const cross = fc.tuple(fc.constantFrom("crosses_above", "crosses_below" as const), n, n).map(([fn, left, right]): TExpr => ({ kind: "cross", fn, left, right }));
    if (d <= 1) a = fc.oneof({ arbitrary: compare, weight: 4 }, { arbitrary: cross, weight: 1 });
    else {
      const sub = bool(d - 1);
      a = fc.oneof(
        { arbitrary: compare, weight: 4 },
        { arbitrary: cross, weight: 1 },
        { arbitrary: sub.map((arg): TExpr => ({ kind: "not", arg })), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom("and", "or" as const), fc.array(sub, { minLength: 2, maxLength: 4 })).map(([op, args]): TExpr => ({ kind: "logic", op, args })), weight: 3 },
      );
    }
    bools.set(d, a);
    return a;
  };
  return { num, bool, leaf };
}

const nameArb = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /^[^\p{Cc}]+$/u.test(s));
const symbolArb = fc.stringMatching(/^[A-Za-z0-9._\-/:^=]{1,8}$/);

export function universeArb(): fc.Arbitrary<TScanUniverse> {
  return fc
    .record(
      {
        assetClasses: fc.uniqueArray(fc.constantFrom(...ASSET_CLASSES), { minLength: 1, maxLength: 4 }),
        exchanges: fc.array(fc.oneof(fc.constantFrom("NYSE", "NASDAQ", "where", "in"), nameArb), { minLength: 1, maxLength: 3 }),
        sectors: fc.array(fc.oneof(fc.constantFrom("Health Care", "Energy", 'Odd "quoted" \\ name'), nameArb), { minLength: 1, maxLength: 3 }),
        symbols: fc.array(fc.oneof(fc.constantFrom("AAPL", "BRK.B", "BTC/USD", "7203"), symbolArb), { minLength: 1, maxLength: 4 }),
        price: fc.tuple(fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: undefined }), fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: undefined })),
        volume: fc.tuple(fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined })),
      },
      { requiredKeys: [] },
    )
    .map((r) => {
      const u: TScanUniverse = {};
      if (r.assetClasses) u.assetClasses = r.assetClasses;
      if (r.exchanges) u.exchanges = r.exchanges;
      if (r.sectors) u.sectors = r.sectors;
      if (r.symbols) u.symbols = r.symbols;
      const [p1, p2] = r.price ?? [undefined, undefined];
      if (p1 !== undefined) u.minPrice = p2 !== undefined ? Math.min(p1, p2) : p1;
      if (p2 !== undefined) u.maxPrice = p1 !== undefined ? Math.max(p1, p2) : p2;
      const [v1, v2] = r.volume ?? [undefined, undefined];
      if (v1 !== undefined) u.minVolume = v2 !== undefined ? Math.min(v1, v2) : v1;
      if (v2 !== undefined) u.maxVolume = v1 !== undefined ? Math.max(v1, v2) : v2;
      return u;
    });
}

/** Random valid scans (every default filled in, as ZScanAst outputs them). */
export function scanArb(opts: ExprArbOptions & { depth?: number; universe?: fc.Arbitrary<TScanUniverse> } = {}): fc.Arbitrary<TScanAst> {
  const { num, bool } = exprArbs(opts);
  const depth = opts.depth ?? 3;
  return fc
    .record({
      timeframe: fc.constantFrom(...TIMEFRAMES),
      universe: opts.universe ?? universeArb(),
      where: bool(depth),
      sort: fc.option(fc.record({ by: num(depth - 1), dir: fc.constantFrom("asc", "desc" as const) }), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    })
    .map((r) => {
      const ast: TScanAst = { version: 1, timeframe: r.timeframe, universe: r.universe, where: r.where };
      if (r.sort) ast.sort = r.sort;
      if (r.limit !== undefined) ast.limit = r.limit;
      return ast;
    });
}
