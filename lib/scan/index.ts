/**
 * The scan language (pure: no db, no fetch, no env). See README.md in this folder.
 *
 *   const ast = parseScan("rsi(14) < 30 and close > sma(200) sort by rsi(14) asc limit 50"); // ScanError on any problem
 *   const ast2 = typeCheck(jsonFromClient, catalog);          // JSON AST: ZScanAst + names, params, types
 *   formatScan(ast);                                          // canonical text (round-trips)
 *   const plan = compileScan(ast, catalog);                   // plan.columns / bars / features / ml / meta
 *   const env = buildScanEnv(plan, { symbols, bars, columns: { ml_score } });  // or build the lag-major columns yourself
 *   const { matches, symbols, sortKey, explain } = evaluateScan(plan, env);
 */
export {
  ARITH_OPS,
  ASSET_CLASSES,
  COMPARE_OPS,
  CROSS_FNS,
  LOGIC_OPS,
  ML_COLUMNS,
  OHLCV_FIELDS,
  SCAN_FUNCTIONS,
  SCAN_LIMITS,
  scanBoundsProblem,
  UNARY_FNS,
  WINDOW_FNS,
  ZExpr,
  ZScanAst,
  ZScanSort,
  ZScanUniverse,
} from "./ast";
export type { ArithOp, CompareOp, CrossFn, LogicOp, MlColumn, OhlcvField, ScanAssetClass, SortDir, TExpr, TExprKind, TScanAst, TScanAstInput, TScanUniverse, UnaryFn, WindowFn } from "./ast";
export { createScanCatalog, DEFAULT_SCAN_CATALOG, describeScanVocabulary, SCAN_KEYWORDS } from "./catalog";
export type { CreateScanCatalogOptions, ScanCatalog, ScanVocabulary } from "./catalog";
export { parseScanAst, typeCheck, typeOfExpr } from "./check";
export type { ScanType } from "./check";
export { compileScan } from "./compile";
export type { ScanColumn, ScanColumnSource, ScanMetaField, ScanPlan } from "./compile";
export { buildScanEnv } from "./env";
export type { ScanEnvInput } from "./env";
export { closestName, damerauDistance, ScanError } from "./errors";
export type { ScanErrorKind, ScanPosition } from "./errors";
export { evaluateScan } from "./evaluate";
export type { EvaluateScanOptions, ScanEnv, ScanResult } from "./evaluate";
export { formatExpr, formatScan, formatSort } from "./format";
export { parseScan } from "./parser";
export { getScanPreset, SCAN_PRESETS } from "./presets";
export type { ScanPreset } from "./presets";
