/**
 * Where the nodes of a parsed AST came from in the text (kept beside the JSON AST, never in it),
 * so that `typeCheck` can point at a position when the AST came from `parseScan`.
 */
export type Span = readonly [start: number, end: number];

export interface SourceInfo {
  text: string;
  /** Expression node → span. */
  spans: WeakMap<object, Span>;
  /** Indicator node → span of each param (by param name) and of the output selector ("."). */
  argSpans: WeakMap<object, Map<string, Span>>;
  /** Span of the sort / limit / timeframe / universe clauses, by clause name. */
  clauses: Map<string, Span>;
}

const SOURCES = new WeakMap<object, SourceInfo>();

/** Attaches source info to a parsed AST (the AST object is the key). */
export function attachSource(ast: object, info: SourceInfo): void {
  SOURCES.set(ast, info);
}

/** Source info of an AST returned by parseScan (undefined for a JSON / hand-built AST). */
export function sourceOf(ast: object): SourceInfo | undefined {
  return SOURCES.get(ast);
}
