import { and, desc, eq } from "drizzle-orm";
import { savedScans, scanRuns, type ScanResultRow } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { buildScanEnv, compileScan, evaluateScan, formatSort, parseScan, typeCheck, type TScanAst } from "@/lib/scan";
import { db } from "../../db";
import { getFeatureSet } from "@/lib/features";
import { getLatestFeatures } from "../features/get-feature-values";
import { loadMlColumns, type MlColumnRequest } from "./load-ml-columns";
import { loadScanData } from "./load-scan-data";

export interface RunScanOptions {
  userId: string;
  text?: string;
  ast?: TScanAst;
  scanId?: string;
}

const MAX_RESULTS = 500;

/**
 * Built scan environments (indicator and feature columns for the whole universe) per scan text and
 * loaded data set: a repeated or scheduled scan on unchanged data only re-evaluates (a few ms).
 */
const g = globalThis as unknown as { __mssScanEnvs?: Map<string, ReturnType<typeof buildScanEnv>> };
function cachedEnv(key: string, build: () => ReturnType<typeof buildScanEnv>): ReturnType<typeof buildScanEnv> {
  g.__mssScanEnvs ??= new Map();
  const hit = g.__mssScanEnvs.get(key);
  if (hit) return hit;
  const env = build();
  g.__mssScanEnvs.set(key, env);
  while (g.__mssScanEnvs.size > 32) g.__mssScanEnvs.delete(g.__mssScanEnvs.keys().next().value!);
  return env;
}

/**
 * Scan-bar feature columns (S values each) from the feature store's Redis cache, or null unless every
 * symbol with bars has a cached vector stamped with its last bar (the cache is refreshed after ingestion).
 */
async function featureColumnsFromCache(set: string, data: Awaited<ReturnType<typeof loadScanData>>, names: string[]): Promise<Record<string, Float64Array> | null> {
  const latest = await getLatestFeatures(set, data.timeframe);
  if (!latest) return null;
  const order = getFeatureSet(set).names;
  const idx = names.map((n) => order.indexOf(n));
  if (idx.some((i) => i < 0)) return null;
  const S = data.symbols.length;
  const out: Record<string, Float64Array> = Object.fromEntries(names.map((n) => [n, new Float64Array(S).fill(Number.NaN)]));
  for (let s = 0; s < S; s++) {
    const b = data.bars[s];
    if (!b || b.length === 0) continue;
    const v = latest.get(data.symbols[s]!);
    if (!v || v.ts !== b.ts[b.length - 1]) return null; // stale or missing: compute instead
    names.forEach((n, k) => (out[n]![s] = v.values[idx[k]!]!));
  }
  return out;
}

/** The last `n` closes of a symbol (for the results' sparklines). */
function lastCloses(b: { length: number; close: Float64Array } | undefined, n: number): number[] {
  if (!b) return [];
  return Array.from(b.close.subarray(Math.max(0, b.length - n), b.length), (v) => +v.toPrecision(6));
}

/**
 * Run a scan over the whole active universe at its timeframe's latest bar: parse/type-check, load the
 * warm data (Postgres when cold), evaluate vectorised, store the run with explain values and the hits
 * that are new since the previous run of the same saved scan.
 */
export async function runScan(opts: RunScanOptions) {
  let text = opts.text;
  let scanId: string | null = null;
  let scanVersion: number | null = null;
  if (opts.scanId) {
    const [s] = await db().select().from(savedScans).where(and(eq(savedScans.id, opts.scanId), eq(savedScans.userId, opts.userId)));
    if (!s) throw new AppError("NOT_FOUND", { userMessage: "Scan not found" });
    text = s.text;
    scanId = s.id;
    scanVersion = s.version;
  }
  const ast = text !== undefined ? parseScan(text) : opts.ast ? typeCheck(opts.ast) : null;
  if (!ast) throw new AppError("BAD_REQUEST", { userMessage: "Give a scan text, an AST or a saved scan id" });
  const plan = compileScan(ast);
  const t0 = performance.now();
  const featureCols = plan.columns.filter((c) => c.source.kind === "feature");
  // Features read at the scan bar only come from the feature store's Redis cache when it is current for
  // every symbol; otherwise (or for lagged features) they are computed from the loaded bars.
  const data0 = await loadScanData({ timeframe: plan.timeframe, barsNeeded: Math.min(1000, Math.max(plan.bars.recommendedBars, plan.maxLag + 1)), withFeatures: false });
  const cachedFeatures = featureCols.length > 0 && featureCols.every((c) => c.lags === 1) ? await featureColumnsFromCache(plan.features?.set ?? "core-v1", data0, featureCols.map((c) => c.key)) : null;
  const data =
    featureCols.length > 0 && !cachedFeatures
      ? await loadScanData({ timeframe: plan.timeframe, barsNeeded: Math.min(1000, Math.max(plan.bars.recommendedBars, plan.features?.minBars ?? 0, plan.maxLag + 1)), withFeatures: true })
      : data0;
  const env = cachedEnv(`${plan.timeframe}|${data.loadedAt}|${cachedFeatures ? "fs" : "mem"}|${plan.text}`, () =>
    buildScanEnv(plan, { symbols: data.symbols, bars: data.bars, features: data.features ?? undefined, meta: data.meta, columns: cachedFeatures ?? undefined }),
  );
  // ml_score / ml_confidence: the production model's stored predictions, never cached with the env.
  const mlCols: MlColumnRequest[] = plan.columns.flatMap((c) => (c.source.kind === "ml" ? [{ key: c.key, name: c.source.name, lags: c.lags }] : []));
  const ml = mlCols.length ? await loadMlColumns({ timeframe: plan.timeframe, symbols: data.symbols, bars: data.bars, columns: mlCols }) : null;
  const r = evaluateScan(plan, ml ? { ...env, columns: { ...(env.columns as Record<string, Float64Array>), ...ml } } : env);
  const durationMs = Math.round(performance.now() - t0);
  // At most MAX_RESULTS rows are kept (the total is recorded); add `limit` to a scan for fewer.
  // Each symbol's scan bar (its newest: buildScanEnv reads each symbol at its own last bar).
  const barTs = env.barTs!;
  const results: ScanResultRow[] = r.symbols.slice(0, MAX_RESULTS).map((symbol, i) => ({
    symbol,
    spark: lastCloses(data.bars[r.matches[i]!], 30),
    ...(Number.isFinite(barTs[r.matches[i]!]) ? { barTs: barTs[r.matches[i]!]! } : {}),
    sortKey: r.sortKey ? (Number.isFinite(r.sortKey[i]!) ? r.sortKey[i]! : null) : null,
    values: Object.fromEntries(Object.entries(r.explain[i] ?? {}).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
  }));
  // As of the newest bar among the scan's universe (not among every symbol loaded: a crypto feed's
  // newer minute does not date a stock scan).
  let asOfMs = -Infinity;
  for (let s = 0; s < r.members.length; s++) if (r.members[s] && barTs[s]! > asOfMs) asOfMs = barTs[s]!;
  const asOf = Number.isFinite(asOfMs) ? asOfMs : null;
  let newHits = results.map((x) => x.symbol);
  if (scanId) {
    const [prev] = await db().select({ results: scanRuns.results }).from(scanRuns).where(eq(scanRuns.scanId, scanId)).orderBy(desc(scanRuns.createdAt)).limit(1);
    if (prev) {
      const before = new Set(prev.results.map((x) => x.symbol));
      newHits = newHits.filter((s) => !before.has(s));
    }
  }
  const [run] = await db()
    .insert(scanRuns)
    .values({
      userId: opts.userId,
      scanId,
      scanVersion,
      text: plan.text,
      timeframe: plan.timeframe,
      asOf: asOf === null ? null : new Date(asOf),
      universe: r.universe,
      matches: r.total,
      durationMs,
      source: data.source,
      results,
      newHits,
    })
    .returning({ id: scanRuns.id, createdAt: scanRuns.createdAt });
  return { runId: run!.id, text: plan.text, timeframe: plan.timeframe, asOf, universe: r.universe, total: r.total, durationMs, source: data.source, sortBy: formatSort(plan.ast), results, newHits };
}
