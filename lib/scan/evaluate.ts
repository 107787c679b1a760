/**
 * evaluateScan(plan, env): vectorised evaluation over the whole universe at once.
 *
 * Environment contract (README.md has the long form):
 * - `env.symbols`: the S symbols of the universe, in column order.
 * - `env.columns[key]` for every `plan.columns[i].key`: a LAG-MAJOR Float64Array of at least
 *   S × lags values: the value of symbol s, `k` bars before the scan bar, is at [k·S + s] (k = 0 is the
 *   scan bar). NaN marks a missing value (no bar, warm-up, not listed yet).
 * - `env.meta.assetClass | exchange | sector` (length S) when `plan.meta` lists them.
 *
 * Semantics: any comparison with NaN is false (`!=` too), so a missing value never matches;
 * `not` negates that boolean (`not (rsi(14) < 30)` is true when rsi is NaN: write `rsi(14) >= 30`).
 * x / 0 and pct_change from 0 are NaN. Windows (avg, max, min) are NaN if any value in the window is
 * NaN. rank / percentile rank the universe members (after universe filters) with a finite value.
 *
 * Every node is one tight loop per needed lag over S values; scratch buffers are cached per plan and
 * universe size, so a warm evaluation allocates only its result.
 */
import { CrossSectionScratch, csRank } from "@/lib/features/cross-section";
import { ScanError } from "./errors";
import type { Program, ProgramNode, ScanPlan } from "./compile";

export interface ScanEnv {
  /** Symbols of the universe; S = symbols.length; every column is aligned on this order. */
  symbols: readonly string[];
  /** Lag-major columns by plan column key (a plain object or a Map). */
  columns: Readonly<Record<string, Float64Array>> | ReadonlyMap<string, Float64Array>;
  /** Symbol metadata (length S; null = unknown), required for the universe filters listed in plan.meta. */
  meta?: {
    assetClass?: readonly (string | null)[];
    exchange?: readonly (string | null)[];
    sector?: readonly (string | null)[];
  };
  /** Per symbol: open time of its scan bar (NaN without one); required by the `current` universe filter. */
  barTs?: Float64Array;
}

export interface ScanResult {
  /** Indices into env.symbols of the returned matches: in sort order (ties by index), else ascending; at most `limit`. */
  matches: Int32Array;
  /** env.symbols of the matches. */
  symbols: string[];
  /** Sort key at the scan bar of each returned match (null without a sort clause). NaN keys sort last. */
  sortKey: Float64Array | null;
  /** Number of matches before the limit. */
  total: number;
  /** Number of symbols left after the universe filters. */
  universe: number;
  /** Per env symbol: 1 if it passed the universe filters (what `universe` counts), else 0. */
  members: Uint8Array;
  /** Per returned match: canonical text → value at the scan bar of each comparison / cross operand (literals left out). */
  explain: Record<string, number>[];
}

export interface EvaluateScanOptions {
  /** Build the per-match explanation (default true). */
  explain?: boolean;
}

// ─── Scratch ────────────────────────────────────────────────────────────────────────────

interface Scratch {
  S: number;
  bufs: (Float64Array | null)[];
  mask: Uint8Array;
  tmp: Float64Array;
  cs: CrossSectionScratch;
}

const SCRATCH = new WeakMap<Program, Scratch>();

function scratchFor(program: Program, S: number): Scratch {
  const cached = SCRATCH.get(program);
  if (cached && cached.S === S) return cached;
  const bufs = program.nodes.map((n) => {
    if (n.lags.length === 0) return null;
    if (n.storage === "scalar") return Float64Array.of(n.value);
    if (n.storage !== "own") return null;
    const b = new Float64Array(n.rows * S);
    if (n.op === "const") b.fill(n.value);
    return b;
  });
  const s: Scratch = { S, bufs, mask: new Uint8Array(S), tmp: new Float64Array(S), cs: new CrossSectionScratch(S) };
  SCRATCH.set(program, s);
  return s;
}

function lookup(env: ScanEnv, key: string): Float64Array | undefined {
  const cols = env.columns;
  if (cols instanceof Map) return cols.get(key);
  return Object.hasOwn(cols, key) ? (cols as Record<string, Float64Array>)[key] : undefined;
}

// ─── Kernels ────────────────────────────────────────────────────────────────────────────

/** out[o..o+S) = a ∘ b; `as`/`bs` = 0 reads one scalar at a[ao] / b[bo]. */
function arith(fn: string, a: Float64Array, ao: number, as: number, b: Float64Array, bo: number, bs: number, out: Float64Array, o: number, S: number): void {
  if (as === 1 && bs === 1) {
    switch (fn) {
      case "+":
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s]! + b[bo + s]!;
        return;
      case "-":
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s]! - b[bo + s]!;
        return;
      case "*":
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s]! * b[bo + s]!;
        return;
      default:
        for (let s = 0; s < S; s++) {
          const d = b[bo + s]!;
          out[o + s] = d === 0 ? NaN : a[ao + s]! / d;
        }
        return;
    }
  }
  if (bs === 0) {
    const y = b[bo]!;
    switch (fn) {
      case "+":
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! + y;
        return;
      case "-":
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! - y;
        return;
      case "*":
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! * y;
        return;
      default:
        for (let s = 0; s < S; s++) out[o + s] = y === 0 ? NaN : a[ao + s * as]! / y;
        return;
    }
  }
  const x = a[ao]!;
  switch (fn) {
    case "+":
      for (let s = 0; s < S; s++) out[o + s] = x + b[bo + s]!;
      return;
    case "-":
      for (let s = 0; s < S; s++) out[o + s] = x - b[bo + s]!;
      return;
    case "*":
      for (let s = 0; s < S; s++) out[o + s] = x * b[bo + s]!;
      return;
    default:
      for (let s = 0; s < S; s++) {
        const d = b[bo + s]!;
        out[o + s] = d === 0 ? NaN : x / d;
      }
  }
}

/** out = a ∘ b as 1/0; false whenever a or b is NaN (`!=` is written as `<` or `>` for that). */
function compare(fn: string, a: Float64Array, ao: number, as: number, b: Float64Array, bo: number, bs: number, out: Float64Array, o: number, S: number): void {
  switch (fn) {
    case "<":
      for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! < b[bo + s * bs]! ? 1 : 0;
      return;
    case "<=":
      for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! <= b[bo + s * bs]! ? 1 : 0;
      return;
    case ">":
      for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! > b[bo + s * bs]! ? 1 : 0;
      return;
    case ">=":
      for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! >= b[bo + s * bs]! ? 1 : 0;
      return;
    case "==":
      for (let s = 0; s < S; s++) out[o + s] = a[ao + s * as]! === b[bo + s * bs]! ? 1 : 0;
      return;
    default:
      for (let s = 0; s < S; s++) {
        const x = a[ao + s * as]!;
        const y = b[bo + s * bs]!;
        out[o + s] = x < y || x > y ? 1 : 0;
      }
  }
}

/** Largest index i in sorted[0..m) with sorted[i] <= v, plus one. */
function upperBound(sorted: Float64Array, m: number, v: number): number {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ─── Evaluation ─────────────────────────────────────────────────────────────────────────

function inputError(summary: string, code: "INTERNAL" | "UNPROCESSABLE" = "INTERNAL"): ScanError {
  return new ScanError({ kind: "input", summary, code });
}

/** Runs a compiled scan over an environment (see the module comment for the contract). */
export function evaluateScan(plan: ScanPlan, env: ScanEnv, opts: EvaluateScanOptions = {}): ScanResult {
  const program = plan.program;
  const nodes = program.nodes;
  if (!Array.isArray(env.symbols)) throw inputError("env.symbols must be an array of symbols");
  const S = env.symbols.length;
  const sc = scratchFor(program, S);
  const bufs = sc.bufs.slice();
  const steps = new Uint8Array(nodes.length);

  // Inputs.
  for (let id = 0; id < nodes.length; id++) {
    const n = nodes[id]!;
    if (n.lags.length === 0) continue;
    if (n.storage === "scalar") continue;
    steps[id] = 1;
    if (n.op !== "col") continue;
    const col = plan.columns[n.col]!;
    const arr = lookup(env, col.key);
    if (!(arr instanceof Float64Array)) {
      if (col.source.kind === "ml") {
        throw inputError(`${col.key} is not available: no ML predictions were provided for this universe and timeframe (the scan needs a scored model)`, "UNPROCESSABLE");
      }
      throw inputError(`the environment has no column ${JSON.stringify(col.key)} (plan.columns lists what the scan reads)`);
    }
    if (arr.length < S * col.lags) {
      throw inputError(`column ${JSON.stringify(col.key)} has ${arr.length} values; the scan needs ${col.lags} lag(s) × ${S} symbols = ${S * col.lags}`);
    }
    bufs[id] = arr;
  }
  for (let id = 0; id < nodes.length; id++) if (nodes[id]!.storage === "alias" && nodes[id]!.lags.length) bufs[id] = bufs[nodes[id]!.owner]!;

  // Universe mask.
  const mask = sc.mask;
  mask.fill(1);
  const u = plan.universe;
  const metaFilter = (values: readonly string[] | undefined, field: "assetClass" | "exchange" | "sector") => {
    if (!values) return;
    const col = env.meta?.[field];
    if (!col || col.length !== S) throw inputError(`the scan filters on ${field}: env.meta.${field} must list one value per symbol (${S})`);
    const set = new Set<string>(values);
    for (let s = 0; s < S; s++) if (mask[s] && !set.has(col[s] ?? "")) mask[s] = 0;
  };
  metaFilter(u.assetClasses, "assetClass");
  metaFilter(u.exchanges, "exchange");
  metaFilter(u.sectors, "sector");
  if (u.symbols) {
    const set = new Set(u.symbols);
    for (let s = 0; s < S; s++) if (mask[s] && !set.has(env.symbols[s]!)) mask[s] = 0;
  }
  const bound = (node: number, min: number | undefined, max: number | undefined) => {
    if (node < 0) return;
    const b = bufs[node]!;
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    for (let s = 0; s < S; s++) {
      const v = b[s]!;
      if (!(v >= lo && v <= hi)) mask[s] = 0;
    }
  };
  bound(program.close, u.minPrice, u.maxPrice);
  bound(program.volume, u.minVolume, u.maxVolume);
  if (u.current) {
    // Last, so "newest" is among the symbols the other filters keep.
    const ts = env.barTs;
    if (!ts || ts.length !== S) throw inputError(`the scan filters on current: env.barTs must give one scan-bar time per symbol (${S})`);
    let newest = -Infinity;
    for (let s = 0; s < S; s++) if (mask[s] && ts[s]! > newest) newest = ts[s]!;
    for (let s = 0; s < S; s++) if (mask[s] && ts[s] !== newest) mask[s] = 0;
  }
  let universe = 0;
  for (let s = 0; s < S; s++) universe += mask[s]!;

  // Program.
  for (let id = 0; id < nodes.length; id++) {
    const n = nodes[id]!;
    if (n.lags.length === 0 || n.storage !== "own" || n.op === "const") continue;
    run(n, id, bufs, steps, nodes, S, sc);
  }

  // Matches, sort, limit.
  const where = bufs[program.where]!;
  const whereOff = nodes[program.where]!.slots[0]! * S;
  let total = 0;
  for (let s = 0; s < S; s++) if (mask[s] && where[whereOff + s] !== 0) total++;
  let idx = new Int32Array(total);
  for (let s = 0, j = 0; s < S; s++) if (mask[s] && where[whereOff + s] !== 0) idx[j++] = s;
  const keyAt = (node: number): ((s: number) => number) => {
    const b = bufs[node]!;
    if (steps[node] === 0) return () => b[0]!;
    const off = nodes[node]!.slots[0]! * S;
    return (s) => b[off + s]!;
  };
  let sortKey: Float64Array | null = null;
  if (program.sort >= 0) {
    const key = keyAt(program.sort);
    const keys = new Float64Array(S);
    for (const s of idx) keys[s] = key(s);
    const desc = program.sortDir === "desc";
    idx.sort((i, j) => {
      const ki = keys[i]!;
      const kj = keys[j]!;
      const ni = ki !== ki;
      const nj = kj !== kj;
      if (ni || nj) return ni === nj ? i - j : ni ? 1 : -1;
      if (ki === kj) return i - j;
      return (ki < kj ? -1 : 1) * (desc ? -1 : 1);
    });
    if (idx.length > program.limit) idx = idx.slice(0, program.limit);
    sortKey = new Float64Array(idx.length);
    idx.forEach((s, i) => (sortKey![i] = keys[s]!));
  } else if (idx.length > program.limit) {
    idx = idx.slice(0, program.limit);
  }

  const explain: Record<string, number>[] = [];
  if (opts.explain !== false) {
    const getters = program.explain.map((x) => [x.label, keyAt(x.node)] as const);
    for (const s of idx) {
      const row: Record<string, number> = {};
      for (const [label, get] of getters) row[label] = get(s);
      explain.push(row);
    }
  }
  return { matches: idx, symbols: Array.from(idx, (s) => env.symbols[s]!), sortKey, total, universe, members: Uint8Array.from(mask.subarray(0, S)), explain };
}

/** Evaluates one node at each of its lags into its own buffer. */
function run(n: ProgramNode, id: number, bufs: (Float64Array | null)[], steps: Uint8Array, nodes: ProgramNode[], S: number, sc: Scratch): void {
  const out = bufs[id]!;
  const a = n.a >= 0 ? bufs[n.a]! : out;
  const as = n.a >= 0 ? steps[n.a]! : 1;
  const aSlots = n.a >= 0 ? nodes[n.a]!.slots : n.slots;
  const b = n.b >= 0 ? bufs[n.b]! : out;
  const bs = n.b >= 0 ? steps[n.b]! : 1;
  const bSlots = n.b >= 0 ? nodes[n.b]!.slots : n.slots;
  /** Offset of the child row at lag k (0 for a scalar). */
  const ra = (k: number) => (as ? aSlots[k]! * S : 0);
  const rb = (k: number) => (bs ? bSlots[k]! * S : 0);
  const lags = n.lags;
  for (let li = 0; li < lags.length; li++) {
    const k = lags[li]!;
    const o = n.slots[k]! * S;
    switch (n.op) {
      case "arith":
        arith(n.fn, a, ra(k), as, b, rb(k), bs, out, o, S);
        break;
      case "cmp":
        compare(n.fn, a, ra(k), as, b, rb(k), bs, out, o, S);
        break;
      case "neg": {
        const ao = ra(k);
        for (let s = 0; s < S; s++) out[o + s] = -a[ao + s]!;
        break;
      }
      case "abs": {
        const ao = ra(k);
        for (let s = 0; s < S; s++) out[o + s] = Math.abs(a[ao + s]!);
        break;
      }
      case "not": {
        const ao = ra(k);
        for (let s = 0; s < S; s++) out[o + s] = a[ao + s]! === 0 ? 1 : 0;
        break;
      }
      case "and":
      case "or": {
        const isAnd = n.op === "and";
        const first = n.args[0]!;
        const f = bufs[first]!;
        const fo = nodes[first]!.slots[k]! * S;
        for (let s = 0; s < S; s++) out[o + s] = f[fo + s]! !== 0 ? 1 : 0;
        for (let j = 1; j < n.args.length; j++) {
          const c = n.args[j]!;
          const cb = bufs[c]!;
          const co = nodes[c]!.slots[k]! * S;
          if (isAnd) for (let s = 0; s < S; s++) out[o + s] = out[o + s]! !== 0 && cb[co + s]! !== 0 ? 1 : 0;
          else for (let s = 0; s < S; s++) out[o + s] = out[o + s]! !== 0 || cb[co + s]! !== 0 ? 1 : 0;
        }
        break;
      }
      case "avg": {
        // Sum in lag order k, k+1, …, then divide once (the naive per-symbol order).
        const a0 = ra(k);
        for (let s = 0; s < S; s++) out[o + s] = 0 + a[a0 + s]!;
        for (let j = 1; j < n.n; j++) {
          const aj = ra(k + j);
          for (let s = 0; s < S; s++) out[o + s] = out[o + s]! + a[aj + s]!;
        }
        const len = n.n;
        for (let s = 0; s < S; s++) out[o + s] = out[o + s]! / len;
        break;
      }
      case "max":
      case "min": {
        const a0 = ra(k);
        for (let s = 0; s < S; s++) out[o + s] = a[a0 + s]!;
        const isMax = n.op === "max";
        for (let j = 1; j < n.n; j++) {
          const aj = ra(k + j);
          // Math.max / Math.min propagate NaN: a window with a missing value is NaN.
          if (isMax) for (let s = 0; s < S; s++) out[o + s] = Math.max(out[o + s]!, a[aj + s]!);
          else for (let s = 0; s < S; s++) out[o + s] = Math.min(out[o + s]!, a[aj + s]!);
        }
        break;
      }
      case "change": {
        const a0 = ra(k);
        const an = ra(k + n.n);
        for (let s = 0; s < S; s++) out[o + s] = a[a0 + s]! - a[an + s]!;
        break;
      }
      case "pct_change": {
        const a0 = ra(k);
        const an = ra(k + n.n);
        for (let s = 0; s < S; s++) {
          const d = a[an + s]!;
          out[o + s] = d === 0 ? NaN : (a[a0 + s]! - d) / d;
        }
        break;
      }
      case "cross_up":
      case "cross_down": {
        const a0 = ra(k);
        const a1 = ra(k + 1);
        const b0 = rb(k);
        const b1 = rb(k + 1);
        if (n.op === "cross_up") {
          for (let s = 0; s < S; s++) out[o + s] = a[a1 + s * as]! <= b[b1 + s * bs]! && a[a0 + s * as]! > b[b0 + s * bs]! ? 1 : 0;
        } else {
          for (let s = 0; s < S; s++) out[o + s] = a[a1 + s * as]! >= b[b1 + s * bs]! && a[a0 + s * as]! < b[b0 + s * bs]! ? 1 : 0;
        }
        break;
      }
      case "rank": {
        // 1 = largest; ties share the best rank (1, 2, 2, 4); universe members with a finite value only.
        const a0 = ra(k);
        const vals = sc.tmp;
        const mask = sc.mask;
        let m = 0;
        for (let s = 0; s < S; s++) {
          const v = a[a0 + s * as]!;
          if (mask[s] && v - v === 0) vals[m++] = v;
        }
        const sorted = vals.subarray(0, m).sort();
        for (let s = 0; s < S; s++) {
          const v = a[a0 + s * as]!;
          out[o + s] = mask[s] && v - v === 0 ? 1 + m - upperBound(sorted, m, v) : NaN;
        }
        break;
      }
      case "percentile": {
        // csRank (lib/features): average rank of ties / (m − 1) in [0, 1], NaN with fewer than 2 values.
        const a0 = ra(k);
        const vals = sc.tmp;
        const mask = sc.mask;
        for (let s = 0; s < S; s++) vals[s] = mask[s] ? a[a0 + s * as]! : NaN;
        csRank(vals, out.subarray(o, o + S), sc.cs);
        break;
      }
      default:
        throw new Error(`scan program: unexpected node ${n.op}`);
    }
  }
}
