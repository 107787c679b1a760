/**
 * compileScan(ast, catalog) → ScanPlan: what the executor must load (columns with their history
 * depth, bar fields and bar count, features, ML columns, metadata) and the program evaluateScan runs.
 *
 * The program is a DAG of vector operations with common subexpressions shared (`rsi(14)` written
 * twice is computed once) and constant subtrees folded. Each node is evaluated only at the lags
 * (bars before the scan bar) its parents need: `avg(x, 20)` needs x at lags 0…19,
 * `crosses_above(a, b)` needs a and b at 0 and 1, `change(x, 5)` needs x at 0 and 5, and nested
 * windows add up. A column's `lags` is therefore the exact history depth the executor must provide.
 */
import type { Timeframe } from "@/lib/bars/timeframe";
import type { BarField, IndicatorDef } from "@/lib/indicators/registry";
import { isIndicatorId, requiredInputs } from "@/lib/indicators/registry";
import type { ArithOp, CompareOp, MlColumn, OhlcvField, TExpr, TScanAst, TScanUniverse } from "./ast";
import { DEFAULT_SCAN_CATALOG, type ScanCatalog } from "./catalog";
import { typeCheck } from "./check";
import { formatExpr, formatNumber, formatScan, formatWord } from "./format";

// ─── Plan (public) ──────────────────────────────────────────────────────────────────────

export type ScanColumnSource =
  | { kind: "field"; field: OhlcvField }
  | {
      kind: "indicator";
      id: string;
      /** Every param, defaults filled in (the registry's parseParams output). */
      params: Record<string, number | string>;
      output: string;
      /** Registry lookback with these params (bars before the first defined value). */
      lookback: number;
      /** Bar fields the indicator reads. */
      inputs: readonly BarField[];
    }
  | { kind: "feature"; name: string; set: string; lookback: number }
  | { kind: "ml"; name: MlColumn };

export interface ScanColumn {
  /** Key of the column in `ScanEnv.columns`, e.g. "close", "rsi(period=14, source=close)", "macd(…).hist", "ROC20", "ml_score". */
  key: string;
  source: ScanColumnSource;
  /** Rows the env must provide: lags 0 (the scan bar) … lags − 1. */
  lags: number;
}

export type ScanMetaField = "assetClass" | "exchange" | "sector";

export interface ScanPlan {
  /** Canonical text of the scan. */
  readonly text: string;
  readonly ast: TScanAst;
  readonly timeframe: Timeframe;
  readonly universe: TScanUniverse;
  /** Columns `ScanEnv.columns` must contain (by key), each with `lags` rows. */
  readonly columns: readonly ScanColumn[];
  /** Metadata arrays `ScanEnv.meta` must contain (universe filters on them). */
  readonly meta: readonly ScanMetaField[];
  /**
   * Bars per symbol to compute the field and indicator columns: `minBars` makes every needed value
   * defined on clean data; recursive indicators (EMA, RSI, ATR, ADX, MACD, …) depend on where the
   * history starts, `recommendedBars` adds ~7 periods of warm-up so they converge (< 0.1 %).
   */
  readonly bars: { fields: readonly BarField[]; minBars: number; recommendedBars: number };
  /** Feature columns (null if none): feature rows needed = their `lags`; `minBars` to compute them from bars instead. */
  readonly features: { set: string; names: readonly string[]; minBars: number } | null;
  /** Reserved ML columns the scan reads (the env must provide them, else evaluation fails clearly). */
  readonly ml: readonly MlColumn[];
  /** Deepest lag of any column (history depth − 1). */
  readonly maxLag: number;
  /** @internal the vector program run by evaluateScan. */
  readonly program: Program;
}

// ─── Program (internal) ─────────────────────────────────────────────────────────────────

export type OpKind =
  | "col"
  | "const"
  | "neg"
  | "abs"
  | "not"
  | "arith"
  | "cmp"
  | "and"
  | "or"
  | "avg"
  | "max"
  | "min"
  | "prev"
  | "change"
  | "pct_change"
  | "cross_up"
  | "cross_down"
  | "rank"
  | "percentile";

/** Where a node's values live: an env column, its own buffer, its child's (prev), or one scalar. */
export type Storage = "env" | "own" | "alias" | "scalar";

export interface ProgramNode {
  op: OpKind;
  /** arith / cmp operator. */
  fn: ArithOp | CompareOp | "";
  a: number;
  b: number;
  args: Int32Array;
  /** Window length (avg/max/min/prev/change/pct_change). */
  n: number;
  /** Constant value (const). */
  value: number;
  /** Column index in plan.columns (col). */
  col: number;
  /** Lags at which the node is evaluated (ascending). */
  lags: Int32Array;
  /** lag → row of the node's storage (−1: not available). Rows are S values each. */
  slots: Int32Array;
  /** Rows of own storage. */
  rows: number;
  storage: Storage;
  /** For alias storage: the node whose buffer holds the values. */
  owner: number;
  /** Canonical text (explain labels). */
  label: string;
}

export interface Program {
  nodes: ProgramNode[];
  where: number;
  /** Sort key node, −1 without sort. */
  sort: number;
  sortDir: "asc" | "desc";
  limit: number;
  /** Nodes of close / volume at lag 0 for the price / volume bounds (−1 if none). */
  close: number;
  volume: number;
  /** Operands of every comparison / cross in `where`, in reading order (numeric literals left out). */
  explain: { label: string; node: number }[];
}

// ─── Compiler ───────────────────────────────────────────────────────────────────────────

/** Indicators whose value depends on the whole history (exponential / Wilder smoothing, cumulative state). */
const RECURSIVE_INDICATORS = new Set(["ema", "dema", "tema", "kama", "rsi", "stochrsi", "macd", "atr", "natr", "adx", "keltner", "supertrend", "sar"]);
/** Parents that read a constant child as a scalar; any other parent needs it as a column. */
const SCALAR_PARENTS = new Set<OpKind>(["arith", "cmp"]);
const BAR_FIELD_ORDER: readonly BarField[] = ["ts", "open", "high", "low", "close", "volume"];

/** Division as the evaluator does it: x / 0 is NaN (documented), never ±Infinity. */
export function divide(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

export function applyArith(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return divide(a, b);
  }
}

function columnKeyOf(def: IndicatorDef, params: Record<string, number | string>, output: string): string {
  const args = Object.keys(def.params)
    .map((k) => `${k}=${typeof params[k] === "number" ? formatNumber(params[k]) : formatWord(String(params[k]))}`)
    .join(", ");
  return `${def.id}(${args})${def.outputs.length > 1 ? `.${output}` : ""}`;
}

class Compiler {
  readonly nodes: ProgramNode[] = [];
  readonly columns: { key: string; source: ScanColumnSource }[] = [];
  private readonly interned = new Map<string, number>();
  private readonly columnIndex = new Map<string, number>();
  readonly built = new Map<TExpr, number>();

  constructor(private readonly catalog: ScanCatalog) {}

  private add(key: string, label: string, init: Partial<ProgramNode> & { op: OpKind }): number {
    const found = this.interned.get(key);
    if (found !== undefined) return found;
    const id = this.nodes.length;
    this.nodes.push({
      fn: "",
      a: -1,
      b: -1,
      args: new Int32Array(0),
      n: 0,
      value: NaN,
      col: -1,
      lags: new Int32Array(0),
      slots: new Int32Array(0),
      rows: 0,
      storage: "own",
      owner: id,
      label,
      ...init,
    });
    this.interned.set(key, id);
    return id;
  }

  private column(key: string, source: ScanColumnSource, label: string): number {
    let col = this.columnIndex.get(key);
    if (col === undefined) {
      col = this.columns.length;
      this.columns.push({ key, source });
      this.columnIndex.set(key, col);
    }
    return this.add(`col:${key}`, label, { op: "col", col, storage: "env" });
  }

  constant(v: number): number {
    return this.add(`const:${formatNumber(v)}`, formatNumber(v), { op: "const", value: v, storage: "scalar" });
  }

  field(f: OhlcvField): number {
    return this.column(f, { kind: "field", field: f }, f);
  }

  private isConst(id: number): boolean {
    return this.nodes[id]!.op === "const";
  }
  private valueOf(id: number): number {
    return this.nodes[id]!.value;
  }

  build(e: TExpr): number {
    const id = this.buildNode(e);
    if (!this.built.has(e)) this.built.set(e, id);
    return id;
  }

  private buildNode(e: TExpr): number {
    const label = () => formatExpr(e, this.catalog);
    switch (e.kind) {
      case "number":
        return this.constant(e.value);
      case "field":
        return this.field(e.name);
      case "ml":
        return this.column(e.name, { kind: "ml", name: e.name }, e.name);
      case "feature": {
        const info = this.catalog.features.get(e.name)!;
        return this.column(e.name, { kind: "feature", name: e.name, set: this.catalog.featureSet, lookback: info.lookback }, e.name);
      }
      case "indicator": {
        const def = this.catalog.indicators.get(e.id)!;
        const params = def.parseParams(e.params) as Record<string, number | string>;
        const output = e.output ?? def.outputs[0]!;
        const inputs = isIndicatorId(def.id) ? requiredInputs(def.id, params) : [...def.inputs];
        const key = columnKeyOf(def, params, output);
        return this.column(key, { kind: "indicator", id: def.id, params, output, lookback: def.lookback(params), inputs }, label());
      }
      case "neg": {
        const a = this.build(e.arg);
        if (this.isConst(a)) return this.constant(-this.valueOf(a));
        return this.add(`neg:${a}`, label(), { op: "neg", a });
      }
      case "not": {
        const a = this.build(e.arg);
        return this.add(`not:${a}`, label(), { op: "not", a });
      }
      case "arith": {
        const a = this.build(e.left);
        const b = this.build(e.right);
        if (this.isConst(a) && this.isConst(b)) return this.constant(applyArith(e.op, this.valueOf(a), this.valueOf(b)));
        return this.add(`arith:${e.op}:${a}:${b}`, label(), { op: "arith", fn: e.op, a, b });
      }
      case "compare": {
        const a = this.build(e.left);
        const b = this.build(e.right);
        return this.add(`cmp:${e.op}:${a}:${b}`, label(), { op: "cmp", fn: e.op, a, b });
      }
      case "logic": {
        const args = e.args.map((x) => this.build(x));
        return this.add(`${e.op}:${args.join(",")}`, label(), { op: e.op, args: Int32Array.from(args) });
      }
      case "fn": {
        const a = this.build(e.arg);
        if (e.fn === "abs") {
          if (this.isConst(a)) return this.constant(Math.abs(this.valueOf(a)));
          return this.add(`abs:${a}`, label(), { op: "abs", a });
        }
        return this.add(`${e.fn}:${a}`, label(), { op: e.fn, a });
      }
      case "window": {
        const a = this.build(e.arg);
        if (e.fn === "prev") {
          if (this.isConst(a)) return a;
          return this.add(`prev:${e.n}:${a}`, label(), { op: "prev", a, n: e.n, storage: "alias" });
        }
        return this.add(`${e.fn}:${e.n}:${a}`, label(), { op: e.fn, a, n: e.n });
      }
      case "cross": {
        const a = this.build(e.left);
        const b = this.build(e.right);
        const op = e.fn === "crosses_above" ? "cross_up" : "cross_down";
        return this.add(`${op}:${a}:${b}`, label(), { op, a, b });
      }
    }
  }
}

/** Lags of child nodes needed to evaluate `node` at lag k. */
function childLags(node: ProgramNode, k: number, visit: (child: number, lag: number) => void): void {
  switch (node.op) {
    case "col":
    case "const":
      return;
    case "and":
    case "or":
      for (const c of node.args) visit(c, k);
      return;
    case "avg":
    case "max":
    case "min":
      for (let j = 0; j < node.n; j++) visit(node.a, k + j);
      return;
    case "prev":
      visit(node.a, k + node.n);
      return;
    case "change":
    case "pct_change":
      visit(node.a, k);
      visit(node.a, k + node.n);
      return;
    case "cross_up":
    case "cross_down":
      visit(node.a, k);
      visit(node.a, k + 1);
      visit(node.b, k);
      visit(node.b, k + 1);
      return;
    default:
      visit(node.a, k);
      if (node.b >= 0) visit(node.b, k);
  }
}

function children(node: ProgramNode): number[] {
  if (node.op === "and" || node.op === "or") return [...node.args];
  return [node.a, node.b].filter((c) => c >= 0);
}

/**
 * Compiles a scan (type-checked first) into a plan. The plan is immutable data plus the program;
 * evaluateScan may reuse scratch buffers per plan between calls (synchronous, so this is safe).
 */
export function compileScan(input: TScanAst, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): ScanPlan {
  const ast = typeCheck(input, catalog);
  const c = new Compiler(catalog);
  const where = c.build(ast.where);
  const sort = ast.sort ? c.build(ast.sort.by) : -1;
  const u = ast.universe;
  const close = u.minPrice !== undefined || u.maxPrice !== undefined ? c.field("close") : -1;
  const volume = u.minVolume !== undefined || u.maxVolume !== undefined ? c.field("volume") : -1;

  // Explain: the operands of each comparison / cross of `where`, in reading order.
  const explain: { label: string; node: number }[] = [];
  const seen = new Set<string>();
  const walk = (e: TExpr): void => {
    if (e.kind === "compare" || e.kind === "cross") {
      for (const side of [e.left, e.right]) {
        const id = c.built.get(side)!;
        const n = c.nodes[id]!;
        if (n.op === "const") continue;
        const label = formatExpr(side, catalog);
        if (!seen.has(label)) {
          seen.add(label);
          explain.push({ label, node: id });
        }
      }
    }
    if (e.kind === "not") walk(e.arg);
    if (e.kind === "logic") e.args.forEach(walk);
  };
  walk(ast.where);

  // Needed lags, from the roots down (children always have smaller ids than their parents).
  const nodes = c.nodes;
  const need: Set<number>[] = nodes.map(() => new Set<number>());
  const roots = [where, sort, close, volume, ...explain.map((x) => x.node)];
  for (const r of roots) if (r >= 0) need[r]!.add(0);
  for (let id = nodes.length - 1; id >= 0; id--) {
    const node = nodes[id]!;
    for (const k of need[id]!) childLags(node, k, (child, lag) => need[child]!.add(lag));
  }

  // Constants read by a non-scalar parent get a column of their own.
  for (let id = 0; id < nodes.length; id++) {
    const node = nodes[id]!;
    if (need[id]!.size === 0) continue;
    for (const ch of children(node)) {
      if (nodes[ch]!.op === "const" && !SCALAR_PARENTS.has(node.op)) nodes[ch]!.storage = "own";
    }
  }

  // Storage rows per node.
  let maxLag = 0;
  for (let id = 0; id < nodes.length; id++) {
    const node = nodes[id]!;
    const lags = Int32Array.from([...need[id]!].sort((x, y) => x - y));
    node.lags = lags;
    const top = lags.length ? lags[lags.length - 1]! : -1;
    maxLag = Math.max(maxLag, top);
    const slots = new Int32Array(top + 1).fill(-1);
    if (node.storage === "env") {
      for (let k = 0; k <= top; k++) slots[k] = k;
      node.rows = top + 1;
    } else if (node.storage === "alias") {
      const child = nodes[node.a]!;
      node.owner = child.owner;
      if (child.storage === "scalar") {
        // Not produced today (prev of a constant is folded), kept correct anyway.
        node.storage = "scalar";
        node.value = child.value;
      }
      for (const k of lags) slots[k] = child.slots[k + node.n] ?? -1;
    } else if (node.storage === "own") {
      lags.forEach((k, i) => (slots[k] = i));
      node.rows = lags.length;
    }
    node.slots = slots;
  }

  // Columns actually read (a folded constant may have left unused nodes behind).
  const columns: ScanColumn[] = [];
  const remap = new Map<number, number>();
  for (const node of nodes) {
    if (node.op !== "col" || node.lags.length === 0) continue;
    remap.set(node.col, columns.length);
    columns.push({ ...c.columns[node.col]!, lags: node.rows });
  }
  for (const node of nodes) if (node.op === "col") node.col = remap.get(node.col) ?? -1;

  const fields = new Set<BarField>();
  let minBars = 0;
  let recommendedBars = 0;
  let featureBars = 0;
  const featureNames: string[] = [];
  const ml: MlColumn[] = [];
  for (const col of columns) {
    const s = col.source;
    if (s.kind === "field") {
      fields.add(s.field);
      minBars = Math.max(minBars, col.lags);
      recommendedBars = Math.max(recommendedBars, col.lags);
    } else if (s.kind === "indicator") {
      for (const f of s.inputs) fields.add(f);
      const need = s.lookback + col.lags;
      minBars = Math.max(minBars, need);
      const periods = Object.values(s.params).filter((v): v is number => typeof v === "number" && Number.isInteger(v));
      const warm = RECURSIVE_INDICATORS.has(s.id) ? 7 * Math.max(1, ...periods) : 0;
      recommendedBars = Math.max(recommendedBars, need + warm);
    } else if (s.kind === "feature") {
      featureNames.push(s.name);
      featureBars = Math.max(featureBars, s.lookback + col.lags);
    } else {
      ml.push(s.name);
    }
  }
  const meta: ScanMetaField[] = [];
  if (u.assetClasses) meta.push("assetClass");
  if (u.exchanges) meta.push("exchange");
  if (u.sectors) meta.push("sector");

  const program: Program = {
    nodes,
    where,
    sort,
    sortDir: ast.sort?.dir ?? "desc",
    limit: ast.limit ?? Infinity,
    close,
    volume,
    explain,
  };
  return {
    text: formatScan(ast, catalog),
    ast,
    timeframe: ast.timeframe,
    universe: ast.universe,
    columns,
    meta,
    bars: { fields: BAR_FIELD_ORDER.filter((f) => fields.has(f)), minBars, recommendedBars },
    features: featureNames.length ? { set: catalog.featureSet, names: featureNames, minBars: featureBars } : null,
    ml,
    maxLag,
    program,
  };
}
