/**
 * parseScan(text): text form → type-checked JSON AST (see README.md for the grammar).
 *
 * One recursive-descent pass resolves names against the catalog (fields, indicators, features, ML
 * columns, functions) and indicator arguments (positional → param names); `typeCheck` then checks
 * params, outputs, types and limits. Every error is a ScanError with a position and, for a misspelt
 * name, the closest known name. The input is bounded (length, nesting), so parsing is linear and
 * never recurses deeper than SCAN_LIMITS.maxDepth.
 */
import { TIMEFRAMES, type Timeframe } from "@/lib/bars/timeframe";
import type { EnumParam, IndicatorDef } from "@/lib/indicators/registry";
import {
  ASSET_CLASSES,
  COMPARE_OPS,
  CROSS_FNS,
  ML_COLUMNS,
  OHLCV_FIELDS,
  SCAN_FUNCTIONS,
  SCAN_LIMITS,
  SYMBOL_RE,
  UNARY_FNS,
  WINDOW_FNS,
  type CompareOp,
  type CrossFn,
  type MlColumn,
  type OhlcvField,
  type ScanAssetClass,
  type TExpr,
  type TScanAst,
  type TScanUniverse,
  type UnaryFn,
  type WindowFn,
} from "./ast";
import { DEFAULT_SCAN_CATALOG, SCAN_KEYWORDS, type ScanCatalog } from "./catalog";
import { typeCheck } from "./check";
import { closestName, ScanError, type ScanErrorKind } from "./errors";
import { tokenize, type Token } from "./lexer";
import { attachSource, type SourceInfo, type Span } from "./source";

const KEYWORDS = new Set<string>(SCAN_KEYWORDS);
const has = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

/** Universe filter keys of the text form, in canonical order. */
export const UNIVERSE_KEYS = ["asset_class", "exchange", "sector", "symbols", "price", "volume", "current"] as const;

function describe(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of input";
    case "str":
      return "a string";
    case "num":
      return `number ${t.text}`;
    case "op":
      return `'${t.text}'`;
    case "ident":
      return `'${t.text.length > 32 ? `${t.text.slice(0, 32)}…` : t.text}'`;
  }
}

class Parser {
  private pos = 0;
  private nest = 0;
  private nodes = 0;
  private readonly depth = new WeakMap<object, number>();
  readonly info: SourceInfo;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly catalog: ScanCatalog,
  ) {
    this.info = { text, spans: new WeakMap(), argSpans: new WeakMap(), clauses: new Map() };
  }

  // ─── Token helpers ──────────────────────────────────────────────────────────────────

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }
  private isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.text === op;
  }
  private isKw(kw: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "ident" && t.text.toLowerCase() === kw;
  }
  private fail(summary: string, start: number, end: number, suggestion?: string, kind: ScanErrorKind = "syntax"): never {
    throw new ScanError({ kind, summary, source: { text: this.text, start, end }, suggestion });
  }
  private failAt(t: Token, summary: string, suggestion?: string, kind: ScanErrorKind = "syntax"): never {
    return this.fail(summary, t.start, t.end, suggestion, kind);
  }
  private expectOp(op: string, context: string): Token {
    const t = this.peek();
    if (t.kind !== "op" || t.text !== op) this.failAt(t, `expected '${op}' ${context}, found ${describe(t)}`);
    return this.next();
  }

  // ─── Nodes ──────────────────────────────────────────────────────────────────────────

  private node<T extends TExpr>(n: T, start: number, end: number, children: readonly TExpr[] = []): T {
    let d = 0;
    for (const c of children) d = Math.max(d, this.depth.get(c) ?? 1);
    this.depth.set(n, d + 1);
    this.info.spans.set(n, [start, end]);
    if (d + 1 > SCAN_LIMITS.maxDepth) this.fail(`expression is nested too deeply (max depth ${SCAN_LIMITS.maxDepth})`, start, end, undefined, "limit");
    if (++this.nodes > SCAN_LIMITS.maxNodes) this.fail(`scan has too many expression nodes (max ${SCAN_LIMITS.maxNodes})`, start, end, undefined, "limit");
    return n;
  }
  private span(n: TExpr): Span {
    return this.info.spans.get(n)!;
  }
  private enter(t: Token): void {
    if (++this.nest > SCAN_LIMITS.maxDepth) this.failAt(t, `expression is nested too deeply (max depth ${SCAN_LIMITS.maxDepth})`, undefined, "limit");
  }

  // ─── Scan ───────────────────────────────────────────────────────────────────────────

  parseScan(): TScanAst {
    let timeframe: Timeframe = "1d";
    let universe: TScanUniverse = {};
    const seen = new Set<string>();
    const clause = (name: string, t: Token) => {
      if (seen.has(name)) this.failAt(t, `duplicate ${name} clause`);
      seen.add(name);
    };
    for (;;) {
      const t = this.peek();
      if (this.isKw("timeframe")) {
        clause("timeframe", t);
        this.next();
        timeframe = this.parseTimeframe();
        this.info.clauses.set("timeframe", [t.start, this.peek(-1).end]);
      } else if (this.isKw("universe")) {
        clause("universe", t);
        this.next();
        universe = this.parseUniverse();
        this.info.clauses.set("universe", [t.start, this.peek(-1).end]);
      } else break;
    }
    if (this.isKw("where")) this.next();
    if (this.peek().kind === "eof") this.failAt(this.peek(), "expected a condition, found end of input");
    const where = this.parseExpr();
    const ast: TScanAst = { version: 1, timeframe, universe, where };
    for (;;) {
      const t = this.peek();
      if (this.isKw("sort")) {
        clause("sort", t);
        this.next();
        if (!this.isKw("by")) this.failAt(this.peek(), `expected 'by' after 'sort', found ${describe(this.peek())}`);
        this.next();
        const by = this.parseExpr();
        let dir: "asc" | "desc" = "desc";
        if (this.isKw("asc") || this.isKw("desc")) dir = this.next().text.toLowerCase() as "asc" | "desc";
        ast.sort = { by, dir };
        this.info.clauses.set("sort", [t.start, this.peek(-1).end]);
      } else if (this.isKw("limit")) {
        clause("limit", t);
        this.next();
        const n = this.peek();
        if (n.kind !== "num" || n.text.endsWith("%") || !Number.isInteger(n.value) || n.value < 1 || n.value > SCAN_LIMITS.maxLimit) {
          this.failAt(n, `limit must be an integer between 1 and ${SCAN_LIMITS.maxLimit}, found ${describe(n)}`);
        }
        this.next();
        ast.limit = n.value;
        this.info.clauses.set("limit", [t.start, n.end]);
      } else break;
    }
    const end = this.peek();
    if (end.kind !== "eof") {
      const hint = end.kind === "op" && end.text === ")" ? "unbalanced ')'" : "expected 'and', 'or', 'sort by', 'limit' or end of input";
      this.failAt(end, `unexpected ${describe(end)}; ${hint}`);
    }
    return ast;
  }

  private parseTimeframe(): Timeframe {
    const t = this.next();
    let text = t.text;
    let end = t.end;
    if (t.kind === "num" && this.peek().kind === "ident" && this.peek().start === t.end) {
      text += this.peek().text;
      end = this.next().end;
    } else if (t.kind !== "num" && t.kind !== "str" && t.kind !== "ident") {
      this.failAt(t, `expected a timeframe (${TIMEFRAMES.join(", ")}), found ${describe(t)}`);
    }
    if (!has(TIMEFRAMES, text)) this.fail(`unknown timeframe ${text} (${TIMEFRAMES.join(", ")})`, t.start, end, closestName(text, TIMEFRAMES), "unknown-name");
    return text;
  }

  private parseUniverse(): TScanUniverse {
    const u: TScanUniverse = {};
    const seen = new Set<string>();
    do {
      if (seen.size > 0) this.next(); // the ','
      const key = this.peek();
      if (key.kind !== "ident") this.failAt(key, `expected a universe filter (${UNIVERSE_KEYS.join(", ")}), found ${describe(key)}`);
      const name = key.text === "symbol" ? "symbols" : key.text;
      if (!has(UNIVERSE_KEYS, name)) this.failAt(key, `unknown universe filter ${key.text} (${UNIVERSE_KEYS.join(", ")})`, closestName(key.text, UNIVERSE_KEYS), "unknown-name");
      this.next();
      if (name === "current") {
        if (seen.has(name)) this.failAt(key, "duplicate universe filter current");
        seen.add(name);
        u.current = true;
        continue;
      }
      if (name === "price" || name === "volume") {
        const op = this.next();
        if (op.kind !== "op" || (op.text !== ">=" && op.text !== "<=")) this.failAt(op, `expected '>=' or '<=' after ${name} (bounds are inclusive), found ${describe(op)}`);
        const v = this.peek();
        if (v.kind !== "num") this.failAt(v, `expected a number after ${name} ${op.text}, found ${describe(v)}`);
        this.next();
        const field = `${op.text === ">=" ? "min" : "max"}${name === "price" ? "Price" : "Volume"}` as "minPrice" | "maxPrice" | "minVolume" | "maxVolume";
        const label = `${name} ${op.text}`;
        if (seen.has(label)) this.fail(`duplicate universe filter ${label}`, key.start, v.end);
        seen.add(label);
        u[field] = v.value;
        continue;
      }
      if (seen.has(name)) this.failAt(key, `duplicate universe filter ${name}`);
      seen.add(name);
      const values = this.parseValueList(name);
      const check = (pred: (v: string) => boolean, what: string, options?: readonly string[]) => {
        for (const [v, t] of values) {
          if (!pred(v)) this.failAt(t, `invalid ${what} ${JSON.stringify(v)}`, options ? closestName(v, options) : undefined, options ? "unknown-name" : "syntax");
        }
      };
      const strings = values.map(([v]) => v);
      if (name === "asset_class") {
        check((v) => has(ASSET_CLASSES, v), "asset class", ASSET_CLASSES);
        u.assetClasses = strings as ScanAssetClass[];
      } else if (name === "symbols") {
        check((v) => v.length <= 32 && SYMBOL_RE.test(v), "symbol");
        if (strings.length > SCAN_LIMITS.maxSymbols) this.failAt(key, `too many symbols (max ${SCAN_LIMITS.maxSymbols})`, undefined, "limit");
        u.symbols = strings;
      } else {
        // eslint-disable-next-line no-control-regex
        check((v) => v.length > 0 && v.length <= SCAN_LIMITS.maxNameLength && !/[\u0000-\u001f\u007f-\u009f]/.test(v), name);
        if (strings.length > 64) this.failAt(key, `too many values for ${name} (max 64)`, undefined, "limit");
        if (name === "exchange") u.exchanges = strings;
        else u.sectors = strings;
      }
    } while (this.isOp(","));
    return u;
  }

  /** `= value`, `== value`, `in value` or `in (v1, v2, …)`; values are identifiers or strings. */
  private parseValueList(name: string): [string, Token][] {
    const op = this.next();
    const ok = (op.kind === "op" && (op.text === "=" || op.text === "==")) || (op.kind === "ident" && op.text.toLowerCase() === "in");
    if (!ok) this.failAt(op, `expected '=' or 'in' after ${name}, found ${describe(op)}`);
    const value = (): [string, Token] => {
      const t = this.next();
      if (t.kind === "ident" || t.kind === "str") return [t.text, t];
      const hint = name === "symbols" && t.kind === "num" ? `; quote symbols that are not identifiers, e.g. "7203"` : "";
      return this.failAt(t, `expected a name or a "quoted string" in ${name}, found ${describe(t)}${hint}`);
    };
    if (!this.isOp("(")) return [value()];
    this.next();
    const out: [string, Token][] = [value()];
    while (this.isOp(",")) {
      this.next();
      out.push(value());
    }
    const close = this.peek();
    if (close.kind !== "op" || close.text !== ")") {
      const hint = name === "symbols" ? `; quote symbols with special characters, e.g. "BRK.B"` : "";
      this.failAt(close, `expected ',' or ')' in ${name} list, found ${describe(close)}${hint}`);
    }
    this.next();
    return out;
  }

  // ─── Expressions ────────────────────────────────────────────────────────────────────

  parseExpr(): TExpr {
    this.enter(this.peek());
    const e = this.parseOr();
    this.nest--;
    return e;
  }

  private parseLogic(op: "and" | "or", sub: () => TExpr): TExpr {
    const first = sub();
    if (!this.isKw(op)) return first;
    const args = [first];
    while (this.isKw(op)) {
      this.next();
      args.push(sub());
    }
    return this.node({ kind: "logic", op, args }, this.span(first)[0], this.span(args[args.length - 1]!)[1], args);
  }

  private parseOr(): TExpr {
    return this.parseLogic("or", () => this.parseAnd());
  }
  private parseAnd(): TExpr {
    return this.parseLogic("and", () => this.parseNot());
  }

  private parseNot(): TExpr {
    if (!this.isKw("not")) return this.parseCompare();
    const t = this.next();
    this.enter(t);
    const arg = this.parseNot();
    this.nest--;
    return this.node({ kind: "not", arg }, t.start, this.span(arg)[1], [arg]);
  }

  private compareOp(): CompareOp | undefined {
    const t = this.peek();
    return t.kind === "op" && has(COMPARE_OPS, t.text) ? t.text : undefined;
  }

  private parseCompare(): TExpr {
    const left = this.parseSum();
    const op = this.compareOp();
    if (op === undefined) {
      if (this.isOp("=")) this.failAt(this.peek(), "unexpected '='", "'==' (equality)");
      return left;
    }
    this.next();
    const right = this.parseSum();
    const n = this.node({ kind: "compare", op, left, right }, this.span(left)[0], this.span(right)[1], [left, right]);
    if (this.compareOp() !== undefined || this.isOp("=")) {
      this.failAt(this.peek(), `comparisons cannot be chained (write 'a < b and b < c')`);
    }
    return n;
  }

  private parseSum(): TExpr {
    let left = this.parseTerm();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next().text as "+" | "-";
      const right = this.parseTerm();
      left = this.node({ kind: "arith", op, left, right }, this.span(left)[0], this.span(right)[1], [left, right]);
    }
    return left;
  }

  private parseTerm(): TExpr {
    let left = this.parseUnary();
    while (this.isOp("*") || this.isOp("/")) {
      const op = this.next().text as "*" | "/";
      const right = this.parseUnary();
      left = this.node({ kind: "arith", op, left, right }, this.span(left)[0], this.span(right)[1], [left, right]);
    }
    return left;
  }

  private parseUnary(): TExpr {
    if (!this.isOp("-")) return this.parsePostfix();
    const t = this.next();
    const num = this.peek();
    // `-5` is one literal (so that printing a negative literal and parsing it gives it back); `-(5)` is a negation.
    if (num.kind === "num") {
      this.next();
      return this.node({ kind: "number", value: -num.value }, t.start, num.end);
    }
    this.enter(t);
    const arg = this.parseUnary();
    this.nest--;
    return this.node({ kind: "neg", arg }, t.start, this.span(arg)[1], [arg]);
  }

  private parsePostfix(): TExpr {
    const e = this.parsePrimary();
    while (this.isOp(".")) this.parseOutput(e);
    return e;
  }

  private parseOutput(e: TExpr): void {
    const dot = this.next();
    const name = this.peek();
    if (name.kind !== "ident") this.failAt(name, `expected an output name after '.', found ${describe(name)}`);
    this.next();
    if (e.kind !== "indicator" || e.output !== undefined) {
      this.fail(`only an indicator has outputs (e.g. macd(12, 26, 9).hist)`, dot.start, name.end, undefined, "type");
    }
    e.output = name.text;
    this.info.spans.set(e, [this.span(e)[0], name.end]);
    this.argSpan(e).set(".", [name.start, name.end]);
  }

  private argSpan(e: TExpr): Map<string, Span> {
    let m = this.info.argSpans.get(e);
    if (!m) this.info.argSpans.set(e, (m = new Map()));
    return m;
  }

  private parsePrimary(): TExpr {
    const t = this.peek();
    if (t.kind === "num") {
      this.next();
      return this.node({ kind: "number", value: t.value }, t.start, t.end);
    }
    if (t.kind === "op" && t.text === "(") {
      this.next();
      const e = this.parseExpr();
      this.expectOp(")", "to close '('");
      return e;
    }
    if (t.kind !== "ident") {
      if (t.kind === "str") this.failAt(t, "unexpected string (strings are only allowed in universe filters and indicator options)");
      return this.failAt(t, `expected a value, found ${describe(t)}`);
    }
    if (KEYWORDS.has(t.text.toLowerCase())) this.failAt(t, `unexpected keyword '${t.text}'; expected a value`);
    this.next();
    const name = t.text;
    const call = this.isOp("(");
    const ind = this.catalog.indicators.get(name);
    if (call) {
      if (has(SCAN_FUNCTIONS, name)) return this.parseFunction(t, name);
      if (ind) return this.parseIndicator(t, ind);
      if (has(OHLCV_FIELDS, name) || has(ML_COLUMNS, name) || this.catalog.features.has(name)) {
        this.failAt(t, `${name} is a ${has(OHLCV_FIELDS, name) ? "field" : this.catalog.features.has(name) ? "feature" : "column"}, not a function`, undefined, "type");
      }
      this.failAt(t, `unknown function ${name}`, closestName(name, [...SCAN_FUNCTIONS, ...this.catalog.indicators.keys()]), "unknown-name");
    }
    if (has(OHLCV_FIELDS, name)) return this.node({ kind: "field", name: name as OhlcvField }, t.start, t.end);
    if (has(ML_COLUMNS, name)) return this.node({ kind: "ml", name: name as MlColumn }, t.start, t.end);
    if (this.catalog.features.has(name)) return this.node({ kind: "feature", name }, t.start, t.end);
    if (ind) return this.node({ kind: "indicator", id: ind.id, params: {} }, t.start, t.end);
    if (has(SCAN_FUNCTIONS, name)) this.failAt(t, `${name} is a function: write ${name}(${signature(name)})`, undefined, "arity");
    const candidates = [...OHLCV_FIELDS, ...ML_COLUMNS, ...this.catalog.features.keys(), ...this.catalog.indicators.keys()];
    return this.failAt(t, `unknown field ${name}`, closestName(name, candidates), "unknown-name");
  }

  /** avg(x, n), crosses_above(a, b), rank(x), … */
  private parseFunction(nameTok: Token, name: string): TExpr {
    this.next(); // '('
    const args: TExpr[] = [];
    if (!this.isOp(")")) {
      for (;;) {
        if (this.peek().kind === "ident" && this.isOp("=", 1)) this.failAt(this.peek(), `${name} takes no named arguments (named arguments are indicator params)`, undefined, "arity");
        args.push(this.parseExpr());
        if (!this.isOp(",")) break;
        this.next();
      }
    }
    const close = this.expectOp(")", `to close ${name}(`);
    const start = nameTok.start;
    const want = has(UNARY_FNS, name) ? 1 : 2;
    if (args.length !== want) {
      this.fail(`${name} expects ${want} argument${want > 1 ? "s" : ""} (${signature(name)}), got ${args.length}`, start, close.end, undefined, "arity");
    }
    if (has(UNARY_FNS, name)) return this.node({ kind: "fn", fn: name as UnaryFn, arg: args[0]! }, start, close.end, args);
    if (has(CROSS_FNS, name)) return this.node({ kind: "cross", fn: name as CrossFn, left: args[0]!, right: args[1]! }, start, close.end, args);
    const nArg = args[1]!;
    const [ns, ne] = this.span(nArg);
    if (nArg.kind !== "number" || !Number.isInteger(nArg.value) || nArg.value < 1 || nArg.value > SCAN_LIMITS.maxWindow) {
      this.fail(`window length of ${name} must be an integer literal between 1 and ${SCAN_LIMITS.maxWindow}`, ns, ne, undefined, "type");
    }
    this.nodes--; // the window length is an attribute, not a node
    return this.node({ kind: "window", fn: name as WindowFn, arg: args[0]!, n: nArg.value }, start, close.end, [args[0]!]);
  }

  /** rsi(14), ema(close, 20), bbands(20, devUp=2.5), macd: positional numbers fill numeric params in order, names fill the enum param that accepts them. */
  private parseIndicator(nameTok: Token, def: IndicatorDef): TExpr {
    this.next(); // '('
    const specs = Object.entries(def.params);
    const numeric = specs.filter(([, s]) => s.kind !== "enum").map(([k]) => k);
    const enums = specs.filter((e): e is [string, EnumParam] => e[1].kind === "enum");
    const params: Record<string, number | string> = {};
    const spans = new Map<string, Span>();
    const named: [string, Token, number | string, Span][] = [];
    let nextNumeric = 0;
    const value = (): [number | string, Span] => {
      const t = this.peek();
      if (t.kind === "op" && t.text === "-" && this.peek(1).kind === "num") {
        this.next();
        const n = this.next();
        return [-n.value, [t.start, n.end]];
      }
      if (t.kind === "num") return [this.next().value, [t.start, t.end]];
      if (t.kind === "ident" || t.kind === "str") return [this.next().text, [t.start, t.end]];
      return this.failAt(t, `${def.id} arguments are constants (numbers or option names), found ${describe(t)}; to use an expression, see avg(x, n) and the other functions`, undefined, "type");
    };
    if (!this.isOp(")")) {
      for (;;) {
        const t = this.peek();
        if (t.kind === "ident" && this.isOp("=", 1)) {
          this.next();
          this.next();
          const [v, sp] = value();
          named.push([t.text, t, v, [t.start, sp[1]]]);
        } else {
          const [v, sp] = value();
          if (typeof v === "number") {
            const key = numeric[nextNumeric++];
            if (key === undefined) {
              const list = numeric.length ? ` (${numeric.join(", ")})` : "";
              this.fail(`${def.id} takes ${numeric.length} numeric parameter${numeric.length === 1 ? "" : "s"}${list}, got more`, sp[0], sp[1], undefined, "arity");
            }
            params[key] = v;
            spans.set(key, sp);
          } else {
            const target = enums.find(([k, s]) => !Object.hasOwn(params, k) && (s.values as readonly string[]).includes(v));
            if (!target) {
              const options = enums.flatMap(([, s]) => s.values);
              const what = enums.length ? ` (${enums.map(([k, s]) => `${k}: ${s.values.join("|")}`).join("; ")})` : "";
              const tip = has(OHLCV_FIELDS, v) || this.catalog.features.has(v) ? `; to apply a function to ${v}, see avg(${v}, n)` : "";
              this.fail(`${def.id} has no option ${v}${what}${tip}`, sp[0], sp[1], closestName(v, options), "params");
            }
            params[target[0]] = v;
            spans.set(target[0], sp);
          }
        }
        if (!this.isOp(",")) {
          if (!this.isOp(")")) this.failAt(this.peek(), `${def.id} arguments are constants (numbers or option names), found ${describe(this.peek())}; to use an expression, see avg(x, n) and the other functions`, undefined, "type");
          break;
        }
        this.next();
      }
    }
    const close = this.expectOp(")", `to close ${def.id}(`);
    for (const [k, t, v, sp] of named) {
      if (!Object.hasOwn(def.params, k)) {
        const names = Object.keys(def.params);
        this.failAt(t, `${def.id} has no parameter ${k}${names.length ? ` (${names.join(", ")})` : ""}`, closestName(k, names), "params");
      }
      if (Object.hasOwn(params, k)) this.failAt(t, `duplicate parameter ${k} of ${def.id}`, undefined, "params");
      params[k] = v;
      spans.set(k, sp);
    }
    const n = this.node({ kind: "indicator", id: def.id, params }, nameTok.start, close.end);
    for (const [k, sp] of spans) this.argSpan(n).set(k, sp);
    return n;
  }
}

/** Argument list of a scan function, for messages. */
export function signature(fn: string): string {
  if (has(WINDOW_FNS, fn)) return "x, n";
  if (has(CROSS_FNS, fn)) return "a, b";
  return "x";
}

/**
 * Parses and type-checks the text form of a scan. Throws ScanError (with position and suggestion)
 * on any problem; the result is a valid `TScanAst` (every default filled in).
 */
export function parseScan(text: string, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): TScanAst {
  if (typeof text !== "string") throw new ScanError({ kind: "syntax", summary: "scan text must be a string", source: { text: "", start: 0, end: 0 } });
  if (text.length > SCAN_LIMITS.maxTextLength) {
    throw new ScanError({
      kind: "limit",
      summary: `scan text is too long (${text.length} characters, max ${SCAN_LIMITS.maxTextLength})`,
      source: { text, start: SCAN_LIMITS.maxTextLength, end: text.length },
    });
  }
  const parser = new Parser(text, tokenize(text), catalog);
  const ast = parser.parseScan();
  attachSource(ast, parser.info);
  return typeCheck(ast, catalog);
}
