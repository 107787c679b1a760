/**
 * The scan AST: a zod-validated JSON tree, the one meaning behind both the text form (parseScan)
 * and typed clients. Every node is a strict object with a `kind`; nothing here knows the catalog
 * (which indicators / features exist): `typeCheck` does.
 *
 * Untrusted JSON must go through `ZScanAst` (or `parseScanAst`): an iterative bounds check (depth,
 * node count, total size) runs BEFORE the recursive zod schema, so a hostile, deeply nested
 * document is rejected instead of overflowing the stack.
 */
import { z } from "zod";
import { TIMEFRAMES, type Timeframe } from "@/lib/bars/timeframe";

// ─── Limits ─────────────────────────────────────────────────────────────────────────────

export const SCAN_LIMITS = {
  /** Text form: maximum length in UTF-16 code units (4 KiB of ASCII). */
  maxTextLength: 4096,
  /** Maximum expression depth (nodes on the longest root-to-leaf path of `where` or `sort.by`). */
  maxDepth: 64,
  /** Maximum number of expression nodes in a scan (where + sort). */
  maxNodes: 1000,
  /** Largest window `n` of avg/max/min/prev/change/pct_change. */
  maxWindow: 1000,
  /** Largest history, in bars, any column may need (lags 0 … maxLags − 1, nested windows add up). */
  maxLags: 1000,
  /** Largest `limit`. */
  maxLimit: 10_000,
  /** Longest symbol list of a universe filter. */
  maxSymbols: 5000,
  /** Longest name (identifier, exchange, sector, symbol). */
  maxNameLength: 64,
  /** Largest number of indicator params in one call. */
  maxParams: 16,
} as const;

// ─── Vocabulary ─────────────────────────────────────────────────────────────────────────

export const OHLCV_FIELDS = ["open", "high", "low", "close", "volume"] as const;
export type OhlcvField = (typeof OHLCV_FIELDS)[number];

/** Reserved for the ML issue: read from the environment like any other column. */
export const ML_COLUMNS = ["ml_score", "ml_confidence"] as const;
export type MlColumn = (typeof ML_COLUMNS)[number];

export const ARITH_OPS = ["+", "-", "*", "/"] as const;
export type ArithOp = (typeof ARITH_OPS)[number];
export const COMPARE_OPS = ["<", "<=", ">", ">=", "==", "!="] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export const LOGIC_OPS = ["and", "or"] as const;
export type LogicOp = (typeof LOGIC_OPS)[number];

/** One-argument functions: `abs(x)`, cross-sectional `rank(x)` and `percentile(x)`. */
export const UNARY_FNS = ["abs", "rank", "percentile"] as const;
export type UnaryFn = (typeof UNARY_FNS)[number];
/** Window functions `f(x, n)`: n is an integer literal 1 … maxWindow. */
export const WINDOW_FNS = ["avg", "max", "min", "prev", "change", "pct_change"] as const;
export type WindowFn = (typeof WINDOW_FNS)[number];
export const CROSS_FNS = ["crosses_above", "crosses_below"] as const;
export type CrossFn = (typeof CROSS_FNS)[number];
export const SCAN_FUNCTIONS = [...WINDOW_FNS, ...CROSS_FNS, ...UNARY_FNS] as const;

/** Asset classes of the universe (same values as db/schema/market.ts `asset_class`). */
export const ASSET_CLASSES = ["stock", "crypto", "etf", "index"] as const;
export type ScanAssetClass = (typeof ASSET_CLASSES)[number];
export const SORT_DIRS = ["asc", "desc"] as const;
export type SortDir = (typeof SORT_DIRS)[number];

// ─── Expression nodes ───────────────────────────────────────────────────────────────────

export type TExpr =
  | { kind: "number"; value: number }
  | { kind: "field"; name: OhlcvField }
  /** `params` holds what was written (positional args resolved to names); defaults come from the registry. */
  | { kind: "indicator"; id: string; params: Record<string, number | string>; output?: string }
  | { kind: "feature"; name: string }
  | { kind: "ml"; name: MlColumn }
  | { kind: "neg"; arg: TExpr }
  | { kind: "not"; arg: TExpr }
  | { kind: "arith"; op: ArithOp; left: TExpr; right: TExpr }
  | { kind: "compare"; op: CompareOp; left: TExpr; right: TExpr }
  | { kind: "logic"; op: LogicOp; args: TExpr[] }
  | { kind: "fn"; fn: UnaryFn; arg: TExpr }
  | { kind: "window"; fn: WindowFn; arg: TExpr; n: number }
  | { kind: "cross"; fn: CrossFn; left: TExpr; right: TExpr };

export type TExprKind = TExpr["kind"];

export const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ZIdent = z.string().max(SCAN_LIMITS.maxNameLength).regex(IDENT_RE);
const ZParamKey = z.string().max(SCAN_LIMITS.maxNameLength).regex(/^[A-Za-z][A-Za-z0-9]*$/);
const ZParamValue = z.union([z.number(), z.string().min(1).max(SCAN_LIMITS.maxNameLength)]);

export const ZExpr: z.ZodType<TExpr> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("number"), value: z.number() }),
    z.strictObject({ kind: z.literal("field"), name: z.enum(OHLCV_FIELDS) }),
    z.strictObject({
      kind: z.literal("indicator"),
      id: ZIdent,
      params: z.record(ZParamKey, ZParamValue).refine((p) => Object.keys(p).length <= SCAN_LIMITS.maxParams, "too many params"),
      output: ZIdent.optional(),
    }),
    z.strictObject({ kind: z.literal("feature"), name: ZIdent }),
    z.strictObject({ kind: z.literal("ml"), name: z.enum(ML_COLUMNS) }),
    z.strictObject({ kind: z.literal("neg"), arg: ZExpr }),
    z.strictObject({ kind: z.literal("not"), arg: ZExpr }),
    z.strictObject({ kind: z.literal("arith"), op: z.enum(ARITH_OPS), left: ZExpr, right: ZExpr }),
    z.strictObject({ kind: z.literal("compare"), op: z.enum(COMPARE_OPS), left: ZExpr, right: ZExpr }),
    z.strictObject({ kind: z.literal("logic"), op: z.enum(LOGIC_OPS), args: z.array(ZExpr).min(2) }),
    z.strictObject({ kind: z.literal("fn"), fn: z.enum(UNARY_FNS), arg: ZExpr }),
    z.strictObject({ kind: z.literal("window"), fn: z.enum(WINDOW_FNS), arg: ZExpr, n: z.number().int().min(1).max(SCAN_LIMITS.maxWindow) }),
    z.strictObject({ kind: z.literal("cross"), fn: z.enum(CROSS_FNS), left: ZExpr, right: ZExpr }),
  ]),
);

// ─── Scan ───────────────────────────────────────────────────────────────────────────────

/** Printable name (exchange, sector): no control characters. */
const ZName = z
  .string()
  .min(1)
  .max(SCAN_LIMITS.maxNameLength)
  .regex(/^[^\p{Cc}]+$/u, "must not contain control characters");
/** Ticker: letters, digits and . _ - / : ^ = (e.g. BRK.B, BTC/USD, ^GSPC, ES=F). */
export const SYMBOL_RE = /^[A-Za-z0-9._\-/:^=]+$/;
const ZSymbol = z.string().min(1).max(32).regex(SYMBOL_RE);
const ZFloor = z.number().min(0);

/**
 * Universe filters. Metadata filters (asset class, exchange, sector, symbols) select the symbols the
 * executor loads; price / volume bounds compare the scan bar's close / volume. All of them are also
 * enforced by `evaluateScan` (see the environment contract in README.md).
 */
export const ZScanUniverse = z.strictObject({
  assetClasses: z.array(z.enum(ASSET_CLASSES)).min(1).max(ASSET_CLASSES.length).optional(),
  exchanges: z.array(ZName).min(1).max(64).optional(),
  sectors: z.array(ZName).min(1).max(64).optional(),
  symbols: z.array(ZSymbol).min(1).max(SCAN_LIMITS.maxSymbols).optional(),
  minPrice: ZFloor.optional(),
  maxPrice: ZFloor.optional(),
  minVolume: ZFloor.optional(),
  maxVolume: ZFloor.optional(),
  /** Only symbols whose scan bar is the newest among the others the universe keeps (not those whose data stopped earlier). */
  current: z.literal(true).optional(),
});
export type TScanUniverse = z.output<typeof ZScanUniverse>;

export const ZScanSort = z.strictObject({ by: ZExpr, dir: z.enum(SORT_DIRS).default("desc") });

const ZScanAstShape = z.strictObject({
  version: z.literal(1).default(1),
  timeframe: z.enum(TIMEFRAMES).default("1d"),
  universe: ZScanUniverse.default({}),
  where: ZExpr,
  sort: ZScanSort.optional(),
  limit: z.number().int().min(1).max(SCAN_LIMITS.maxLimit).optional(),
});

export type TScanAst = z.output<typeof ZScanAstShape>;
export type TScanAstInput = z.input<typeof ZScanAstShape>;
export type { Timeframe };

// ─── Bounds guard (iterative: safe on hostile JSON) ────────────────────────────────────

/** Largest number of JSON values (objects, arrays, scalars) looked at before giving up. */
const MAX_JSON_VALUES = 50_000;

/**
 * Why a JSON value is too large to be a scan (depth / node count / size), or null. Iterative, stops
 * early: the cost is bounded whatever the input. Expression depth counts objects with a `kind`.
 */
export function scanBoundsProblem(value: unknown): string | null {
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  let values = 0;
  let nodes = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    const d = depths.pop()!;
    if (++values > MAX_JSON_VALUES) return `scan is too large (more than ${MAX_JSON_VALUES} JSON values)`;
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v) && v.length > MAX_JSON_VALUES) return `scan is too large (an array of ${v.length} values)`;
    let depth = d;
    if (!Array.isArray(v) && Object.hasOwn(v, "kind")) {
      depth = d + 1;
      if (++nodes > SCAN_LIMITS.maxNodes) return `scan has too many expression nodes (max ${SCAN_LIMITS.maxNodes})`;
      if (depth > SCAN_LIMITS.maxDepth) return `expression is nested too deeply (max depth ${SCAN_LIMITS.maxDepth})`;
    }
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      stack.push(c);
      depths.push(depth);
    }
  }
  return null;
}

/**
 * The scan AST schema for untrusted input (tRPC `.input()`, stored scans): bounds first, then the
 * recursive structure. Input type `TScanAstInput` (version, timeframe, universe, sort.dir have
 * defaults), output `TScanAst`. Semantic checks (names, params, types) are `typeCheck`'s job.
 */
export const ZScanAst = z
  .custom<TScanAstInput>()
  .check((ctx) => {
    const problem = scanBoundsProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  })
  .pipe(ZScanAstShape);
