/**
 * formatScan(ast): the canonical text of a scan. Parsing it gives the same AST back
 * (parseScan(formatScan(a)) deep-equals a for every valid AST a; tested with fast-check).
 *
 * Canonical form: one line, single spaces around binary operators, parentheses only where
 * precedence or the AST's nesting needs them, lowercase keywords, `timeframe` only when not 1d,
 * `where` only after a timeframe / universe clause, the sort direction always written.
 * Indicator args: the `source` option first, then numeric params positionally in declaration order
 * (as long as there is no gap), other options positionally when that is unambiguous, the rest as
 * `name=value`.
 */
import type { EnumParam, IndicatorDef } from "@/lib/indicators/registry";
import { IDENT_RE, type TExpr, type TScanAst, type TScanUniverse } from "./ast";
import { DEFAULT_SCAN_CATALOG, SCAN_KEYWORDS, type ScanCatalog } from "./catalog";

const KEYWORDS = new Set<string>(SCAN_KEYWORDS);

/** A number as the lexer reads it back exactly (`-0` kept). */
export function formatNumber(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/** A bare word when it lexes as one identifier and is no keyword, else a quoted string. */
export function formatWord(s: string): string {
  if (IDENT_RE.test(s) && !KEYWORDS.has(s.toLowerCase())) return s;
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function precedence(e: TExpr): number {
  switch (e.kind) {
    case "logic":
      return e.op === "or" ? 1 : 2;
    case "not":
      return 3;
    case "compare":
      return 4;
    case "arith":
      return e.op === "+" || e.op === "-" ? 5 : 6;
    case "neg":
      return 7;
    default:
      return 8;
  }
}

function formatIndicatorArgs(params: Record<string, number | string>, def: IndicatorDef | undefined): string {
  const keys = Object.keys(params);
  if (!def) return keys.map((k) => `${k}=${formatValue(params[k]!)}`).join(", ");
  const specs = Object.entries(def.params);
  const positional = new Set<string>();
  const numbers: string[] = [];
  for (const [k, s] of specs) {
    if (s.kind === "enum") continue;
    const v = params[k];
    if (!Object.hasOwn(params, k) || typeof v !== "number") break;
    numbers.push(formatNumber(v));
    positional.add(k);
  }
  // Options: `source` first, then the others in declaration order; positional only if the parser
  // (which gives a positional option to the first unassigned option param accepting it) agrees.
  const enums = specs.filter((e): e is [string, EnumParam] => e[1].kind === "enum");
  const order = [...enums.filter(([k]) => k === "source"), ...enums.filter(([k]) => k !== "source")];
  const assigned = new Set<string>();
  const first: string[] = [];
  const after: string[] = [];
  for (const [k, s] of order) {
    const v = params[k];
    if (!Object.hasOwn(params, k) || typeof v !== "string" || !(s.values as readonly string[]).includes(v)) continue;
    const target = enums.find(([q, qs]) => !assigned.has(q) && (qs.values as readonly string[]).includes(v));
    if (!target || target[0] !== k) continue;
    assigned.add(k);
    positional.add(k);
    (k === "source" ? first : after).push(formatWord(v));
  }
  const named: string[] = [];
  for (const [k] of specs) if (Object.hasOwn(params, k) && !positional.has(k)) named.push(`${k}=${formatValue(params[k]!)}`);
  for (const k of keys) if (!Object.hasOwn(def.params, k)) named.push(`${k}=${formatValue(params[k]!)}`);
  return [...first, ...numbers, ...after, ...named].join(", ");
}

function formatValue(v: number | string): string {
  return typeof v === "number" ? formatNumber(v) : formatWord(v);
}

/** Canonical text of an expression. */
export function formatExpr(e: TExpr, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): string {
  const child = (c: TExpr, min: number): string => {
    const s = formatExpr(c, catalog);
    return precedence(c) < min ? `(${s})` : s;
  };
  switch (e.kind) {
    case "number":
      return formatNumber(e.value);
    case "field":
    case "feature":
    case "ml":
      return e.name;
    case "indicator": {
      const def = catalog.indicators.get(e.id);
      return `${e.id}(${formatIndicatorArgs(e.params, def)})${e.output !== undefined ? `.${e.output}` : ""}`;
    }
    case "neg": {
      const s = child(e.arg, 7);
      // `-5` would read back as the literal -5: a negated non-negative literal keeps its parentheses.
      return e.arg.kind === "number" && !s.startsWith("-") ? `-(${s})` : `-${s}`;
    }
    case "not":
      return `not ${child(e.arg, 3)}`;
    case "arith": {
      const p = precedence(e);
      return `${child(e.left, p)} ${e.op} ${child(e.right, p + 1)}`;
    }
    case "compare":
      return `${child(e.left, 5)} ${e.op} ${child(e.right, 5)}`;
    case "logic": {
      const p = precedence(e);
      return e.args.map((a) => child(a, p + 1)).join(` ${e.op} `);
    }
    case "fn":
      return `${e.fn}(${formatExpr(e.arg, catalog)})`;
    case "window":
      return `${e.fn}(${formatExpr(e.arg, catalog)}, ${e.n})`;
    case "cross":
      return `${e.fn}(${formatExpr(e.left, catalog)}, ${formatExpr(e.right, catalog)})`;
  }
}

function list(values: readonly string[]): string {
  return values.length === 1 ? `= ${formatWord(values[0]!)}` : `in (${values.map(formatWord).join(", ")})`;
}

export function formatUniverse(u: TScanUniverse): string {
  const parts: string[] = [];
  if (u.assetClasses) parts.push(`asset_class ${list(u.assetClasses)}`);
  if (u.exchanges) parts.push(`exchange ${list(u.exchanges)}`);
  if (u.sectors) parts.push(`sector ${list(u.sectors)}`);
  if (u.symbols) parts.push(`symbols ${list(u.symbols)}`);
  if (u.minPrice !== undefined) parts.push(`price >= ${formatNumber(u.minPrice)}`);
  if (u.maxPrice !== undefined) parts.push(`price <= ${formatNumber(u.maxPrice)}`);
  if (u.minVolume !== undefined) parts.push(`volume >= ${formatNumber(u.minVolume)}`);
  if (u.maxVolume !== undefined) parts.push(`volume <= ${formatNumber(u.maxVolume)}`);
  if (u.current) parts.push("current");
  return parts.join(", ");
}

/** The scan's sort as it reads in its text ("ROC20 desc"), null for a scan without one: the label of its sort-key column. */
export function formatSort(ast: TScanAst, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): string | null {
  return ast.sort ? `${formatExpr(ast.sort.by, catalog)} ${ast.sort.dir}` : null;
}

/** Canonical text of a scan (see the module comment). */
export function formatScan(ast: TScanAst, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): string {
  const parts: string[] = [];
  if (ast.timeframe !== "1d") parts.push(`timeframe ${ast.timeframe}`);
  const universe = formatUniverse(ast.universe ?? {});
  if (universe) parts.push(`universe ${universe}`);
  const where = formatExpr(ast.where, catalog);
  parts.push(parts.length ? `where ${where}` : where);
  const sort = formatSort(ast, catalog);
  if (sort) parts.push(`sort by ${sort}`);
  if (ast.limit !== undefined) parts.push(`limit ${ast.limit}`);
  return parts.join(" ");
}
