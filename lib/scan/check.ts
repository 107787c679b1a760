/**
 * typeCheck(ast, catalog): everything that must hold before a scan runs.
 *
 * - structure: ZScanAst (bounded first: depth, node count, size);
 * - names: indicators, outputs and features exist in the catalog (closest name suggested);
 * - indicator params: validated by the registry's own `parseParams` (types, bounds, unknown keys);
 * - types: number vs boolean: `where` is boolean, `sort.by` numeric, arithmetic / comparisons /
 *   functions take numbers, and / or / not take booleans;
 * - history: the deepest lag any column needs (nested windows add up) is within SCAN_LIMITS.maxLags;
 * - universe: bounds not empty (min ≤ max).
 *
 * An AST from parseScan keeps its source spans (errors carry a position); a JSON AST gets a path.
 */
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { SCAN_LIMITS, ZScanAst, type TExpr, type TScanAst } from "./ast";
import { DEFAULT_SCAN_CATALOG, type ScanCatalog } from "./catalog";
import { closestName, ScanError, type ScanErrorKind } from "./errors";
import { formatExpr } from "./format";
import { sourceOf, type SourceInfo, type Span } from "./source";

export type ScanType = "number" | "boolean";

type PathSeg = string | number;

function pathString(path: readonly PathSeg[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s || "(root)";
}

function short(e: TExpr, catalog: ScanCatalog): string {
  const s = formatExpr(e, catalog);
  return s.length > 48 ? `${s.slice(0, 47)}…` : s;
}

/** Span of the deepest node along a JSON path that has one (for zod issues on a parsed AST). */
function spanForPath(root: unknown, path: readonly PropertyKey[], info: SourceInfo): Span {
  let best: Span = info.clauses.get(String(path[0])) ?? [0, info.text.length];
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, seg as PropertyKey)) break;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
    if (cur !== null && typeof cur === "object") {
      const sp = info.spans.get(cur);
      if (sp) best = sp;
    }
  }
  return best;
}

class Checker {
  private readonly path: PathSeg[] = [];

  constructor(
    private readonly catalog: ScanCatalog,
    private readonly info: SourceInfo | undefined,
  ) {}

  fail(node: object | undefined, kind: ScanErrorKind, summary: string, opts: { suggestion?: string; span?: Span; cause?: unknown } = {}): never {
    const span = opts.span ?? (node ? this.info?.spans.get(node) : undefined) ?? (this.info ? this.info.clauses.get(String(this.path[0])) : undefined);
    throw new ScanError({
      kind,
      summary,
      suggestion: opts.suggestion,
      cause: opts.cause,
      ...(this.info ? { source: { text: this.info.text, start: span?.[0] ?? 0, end: span?.[1] ?? this.info.text.length } } : { path: pathString(this.path) }),
    });
  }

  private at<T>(seg: PathSeg, f: () => T): T {
    this.path.push(seg);
    const r = f();
    this.path.pop();
    return r;
  }

  private expect(e: TExpr, seg: PathSeg, want: ScanType, context: string, lag: number): void {
    this.at(seg, () => {
      const t = this.type(e, lag);
      if (t !== want) {
        const what = t === "number" ? "a number" : "true/false (a condition)";
        const need = want === "number" ? "a number" : "true/false (a condition, e.g. a comparison)";
        this.fail(e, "type", `${context} needs ${need}, but ${short(e, this.catalog)} is ${what}`);
      }
    });
  }

  /** Type of an expression evaluated `lag` bars before the scan bar (lags of nested windows add up). */
  type(e: TExpr, lag: number): ScanType {
    switch (e.kind) {
      case "number":
      case "field":
      case "ml":
        return "number";
      case "feature":
        if (!this.catalog.features.has(e.name)) {
          this.fail(e, "unknown-name", `unknown feature ${e.name} (feature set ${this.catalog.featureSet})`, { suggestion: closestName(e.name, this.catalog.features.keys()) });
        }
        return "number";
      case "indicator":
        this.indicator(e);
        return "number";
      case "neg":
        this.expect(e.arg, "arg", "number", "'-'", lag);
        return "number";
      case "not":
        this.expect(e.arg, "arg", "boolean", "not", lag);
        return "boolean";
      case "arith":
        this.expect(e.left, "left", "number", `'${e.op}'`, lag);
        this.expect(e.right, "right", "number", `'${e.op}'`, lag);
        return "number";
      case "compare":
        this.expect(e.left, "left", "number", `'${e.op}'`, lag);
        this.expect(e.right, "right", "number", `'${e.op}'`, lag);
        return "boolean";
      case "logic":
        this.at("args", () => e.args.forEach((a, i) => this.expect(a, i, "boolean", e.op, lag)));
        return "boolean";
      case "fn":
        this.expect(e.arg, "arg", "number", `${e.fn}()`, lag);
        return "number";
      case "window": {
        const deepest = lag + (e.fn === "avg" || e.fn === "max" || e.fn === "min" ? e.n - 1 : e.n);
        if (deepest + 1 > SCAN_LIMITS.maxLags) {
          this.fail(e, "limit", `${e.fn}(…, ${e.n}) needs ${deepest + 1} bars of history here (max ${SCAN_LIMITS.maxLags})`);
        }
        this.expect(e.arg, "arg", "number", `${e.fn}()`, deepest);
        return "number";
      }
      case "cross":
        if (lag + 2 > SCAN_LIMITS.maxLags) this.fail(e, "limit", `${e.fn} needs ${lag + 2} bars of history here (max ${SCAN_LIMITS.maxLags})`);
        this.expect(e.left, "left", "number", `${e.fn}()`, lag + 1);
        this.expect(e.right, "right", "number", `${e.fn}()`, lag + 1);
        return "boolean";
    }
  }

  private indicator(e: Extract<TExpr, { kind: "indicator" }>): void {
    const def = this.catalog.indicators.get(e.id);
    if (!def) this.fail(e, "unknown-name", `unknown indicator ${e.id}`, { suggestion: closestName(e.id, this.catalog.indicators.keys()) });
    const spans = this.info?.argSpans.get(e);
    try {
      def.parseParams(e.params);
    } catch (err) {
      if (!AppError.is(err)) throw err;
      const zerr = err.cause instanceof z.ZodError ? err.cause : undefined;
      const issue = zerr?.issues[0];
      const key = issue?.path[0] !== undefined ? String(issue.path[0]) : issue?.code === "unrecognized_keys" ? String(issue.keys[0]) : undefined;
      const names = Object.keys(def.params);
      let summary = `invalid parameters for ${e.id}`;
      let suggestion: string | undefined;
      if (issue?.code === "unrecognized_keys") {
        summary = `${e.id} has no parameter ${key}${names.length ? ` (${names.join(", ")})` : ""}`;
        suggestion = key ? closestName(key, names) : undefined;
      } else if (issue && key !== undefined) {
        summary = `invalid ${key} for ${e.id}: ${issue.message}`;
      }
      this.at("params", () => this.fail(e, "params", summary, { suggestion, span: key !== undefined ? spans?.get(key) : undefined, cause: err }));
    }
    if (e.output !== undefined && !def.outputs.includes(e.output)) {
      this.at("output", () =>
        this.fail(e, "unknown-name", `${e.id} has no output ${e.output} (outputs: ${def.outputs.join(", ")})`, {
          suggestion: closestName(e.output!, def.outputs),
          span: spans?.get("."),
        }),
      );
    }
  }

  scan(ast: TScanAst): void {
    const u = ast.universe;
    this.at("universe", () => {
      if (u.minPrice !== undefined && u.maxPrice !== undefined && u.minPrice > u.maxPrice) this.fail(undefined, "type", `empty price range (price >= ${u.minPrice} and <= ${u.maxPrice})`);
      if (u.minVolume !== undefined && u.maxVolume !== undefined && u.minVolume > u.maxVolume) this.fail(undefined, "type", `empty volume range (volume >= ${u.minVolume} and <= ${u.maxVolume})`);
    });
    this.expect(ast.where, "where", "boolean", "the scan condition", 0);
    if (ast.sort) {
      const by = ast.sort.by;
      this.at("sort", () => this.expect(by, "by", "number", "sort by", 0));
    }
  }
}

function zodError(err: z.ZodError, input: unknown, info: SourceInfo | undefined): ScanError {
  const issue = err.issues[0]!;
  const bounds = issue.code === "custom" && issue.path.length === 0;
  const kind: ScanErrorKind = bounds ? "limit" : "invalid-ast";
  const summary = bounds ? issue.message : `invalid scan: ${issue.message}`;
  // A misspelt enum value (field name, operator, function): suggest the closest allowed one.
  let suggestion: string | undefined;
  if (issue.code === "invalid_value") {
    let v: unknown = input;
    for (const seg of issue.path) v = v !== null && typeof v === "object" && Object.hasOwn(v, seg) ? (v as Record<PropertyKey, unknown>)[seg as string] : undefined;
    if (typeof v === "string") suggestion = closestName(v, issue.values.filter((x): x is string => typeof x === "string"));
  }
  if (info) {
    const [start, end] = spanForPath(input, issue.path, info);
    return new ScanError({ kind, summary, suggestion, source: { text: info.text, start, end }, cause: err });
  }
  return new ScanError({ kind, summary, suggestion, path: pathString(issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))), cause: err });
}

/**
 * Validates a scan (JSON or parsed) against a catalog; returns the valid AST (for a parsed AST, the
 * same object). Throws ScanError.
 */
export function typeCheck(input: unknown, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): TScanAst {
  const info = input !== null && typeof input === "object" ? sourceOf(input) : undefined;
  const parsed = ZScanAst.safeParse(input);
  if (!parsed.success) throw zodError(parsed.error, input, info);
  // A parsed AST is kept as is: its node objects are the keys of the source spans.
  const ast = info ? (input as TScanAst) : parsed.data;
  new Checker(catalog, info).scan(ast);
  return ast;
}

/** Type of an expression (after typeCheck-style validation of its names); throws ScanError. */
export function typeOfExpr(e: TExpr, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): ScanType {
  return new Checker(catalog, undefined).type(e, 0);
}

/** Parses untrusted JSON into a checked scan AST (alias of typeCheck, for readability at trust boundaries). */
export const parseScanAst = typeCheck;
