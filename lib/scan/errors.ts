/**
 * ScanError: every failure of the scan language (syntax, unknown name, arity, params, types,
 * limits, missing runtime input) is one of these. It is an AppError (BAD_REQUEST for the language,
 * UNPROCESSABLE / INTERNAL for runtime inputs), so the tRPC error formatter maps it like any other.
 *
 * Errors on text carry a position (0-based offset, 1-based line and column, length) and a caret
 * snippet; errors on a JSON AST carry a `path` (e.g. `where.args[1].left`) instead.
 */
import { AppError, type AppErrorCode } from "@/lib/errors";

export type ScanErrorKind =
  | "syntax"
  | "unknown-name"
  | "arity"
  | "params"
  | "type"
  | "limit"
  | "invalid-ast"
  /** A runtime input is missing or malformed (env column, metadata). */
  | "input";

export interface ScanPosition {
  /** 0-based offset in UTF-16 code units. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units from the line start). */
  column: number;
  /** Length of the offending token / node (≥ 1 except at end of input). */
  length: number;
}

export interface ScanErrorOptions {
  kind: ScanErrorKind;
  /** One-line description without location, e.g. "unknown function rsii". */
  summary: string;
  /** Source text and span, for text input. */
  source?: { text: string; start: number; end: number };
  /** JSON path of the node, for AST input. */
  path?: string;
  suggestion?: string;
  code?: AppErrorCode;
  cause?: unknown;
}

export class ScanError extends AppError {
  override name = "ScanError";
  readonly kind: ScanErrorKind;
  /** One line: summary, location and suggestion ("unknown function rsii at 1:1; did you mean rsi?"). */
  readonly summary: string;
  readonly position: ScanPosition | undefined;
  readonly path: string | undefined;
  readonly suggestion: string | undefined;
  /** Two lines: the source line (trimmed around the error) and a caret line; "" without a position. */
  readonly snippet: string;

  constructor(opts: ScanErrorOptions) {
    const position = opts.source ? positionOf(opts.source.text, opts.source.start, opts.source.end) : undefined;
    const where = position ? ` at ${position.line}:${position.column}` : opts.path ? ` at ${opts.path}` : "";
    const hint = opts.suggestion ? `; did you mean ${opts.suggestion}?` : "";
    const summary = `${opts.summary}${where}${hint}`;
    const snippet = opts.source && position ? caretSnippet(opts.source.text, position) : "";
    const message = snippet ? `${summary}\n${snippet}` : summary;
    super(opts.code ?? "BAD_REQUEST", { message, userMessage: message, cause: opts.cause });
    this.kind = opts.kind;
    this.summary = summary;
    this.position = position;
    this.path = opts.path;
    this.suggestion = opts.suggestion;
    this.snippet = snippet;
  }

  static override is(err: unknown): err is ScanError {
    return err instanceof ScanError;
  }
}

/** Line / column of an offset (offsets past the end are clamped to the end). */
export function positionOf(text: string, start: number, end = start): ScanPosition {
  const offset = Math.max(0, Math.min(start, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1, length: Math.max(0, Math.min(end, text.length) - offset) };
}

const SNIPPET_WIDTH = 72;

/** The error's line (a window of it when long, control characters shown as spaces) and a ^^^ line under the span. */
export function caretSnippet(text: string, pos: ScanPosition): string {
  const lineStart = pos.offset - (pos.column - 1);
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd === -1) lineEnd = text.length;
  const col = pos.column - 1;
  let from = 0;
  const lineLen = lineEnd - lineStart;
  if (lineLen > SNIPPET_WIDTH) from = Math.max(0, Math.min(col - Math.floor(SNIPPET_WIDTH / 3), lineLen - SNIPPET_WIDTH));
  const to = Math.min(lineLen, from + SNIPPET_WIDTH);
  // eslint-disable-next-line no-control-regex
  const shown = text.slice(lineStart + from, lineStart + to).replace(/[\u0000-\u001f\u007f]/g, " ");
  const prefix = from > 0 ? "…" : "";
  const suffix = to < lineLen ? "…" : "";
  const width = Math.max(1, Math.min(pos.length, to - col));
  return `  ${prefix}${shown}${suffix}\n  ${" ".repeat(prefix.length + col - from)}${"^".repeat(width)}`;
}

// ─── Suggestions ────────────────────────────────────────────────────────────────────────

/** Optimal-string-alignment (restricted Damerau-Levenshtein) distance; stops early past `max`. */
export function damerauDistance(a: string, b: string, max = Infinity): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/**
 * The closest candidate to a misspelt name, or undefined. Case-insensitive distance (an exact
 * case-insensitive match wins), at most 1 edit for names up to 4 characters, 2 up to 8, then 3.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length === 0 || name.length > 64) return undefined;
  const lower = name.toLowerCase();
  const max = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const cl = c.toLowerCase();
    const d = cl === lower ? 0 : damerauDistance(lower, cl, max);
    // Prefer a candidate that keeps the case of the input, then the first one.
    const score = d * 2 + (d === 0 ? 0 : c.length === name.length ? 0 : 1);
    if (d <= max && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
