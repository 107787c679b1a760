import { eq, sql } from "drizzle-orm";
import { modelRuns, modelVersions, predictions } from "@/db/schema";
import { parseTimeframe } from "@/lib/bars/timeframe";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { logger } from "../../logger";
import { loadPredictor } from "./load-predictor";
import { loadSymbolSeries } from "./load-symbol-series";

export interface PredictBatchOptions {
  /** One registered version; default: every production version. */
  modelVersionId?: string;
  /** Decision bars per symbol to (re)score, newest first. */
  bars: number;
  /** Symbols to score; default: the active universe. */
  symbols?: string[];
}

/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** Confidence in [0, 1): how far a score sits from the model's typical output, 2Φ(|z|) − 1 with z from its test predictions. */
export function scoreConfidence(score: number, stats: { mean: number; std: number }): number {
  if (!(stats.std > 0)) return 0;
  return erf(Math.abs(score - stats.mean) / stats.std / Math.SQRT2);
}

const CHUNK = 4096;

/**
 * Batch prediction: for each version, rebuild its model from the stored artifacts, score the latest
 * `bars` decision bars of every symbol from the feature store (same features, window and train-fitted
 * scaler as in training) and upsert `predictions` (idempotent by symbol, ts, horizon, version).
 */
export async function predictBatch(opts: PredictBatchOptions): Promise<{ versions: number; rows: number; ms: number }> {
  const t0 = performance.now();
  const versions = await db()
    .select({ id: modelVersions.id, runId: modelVersions.runId, spec: modelRuns.datasetSpec })
    .from(modelVersions)
    .innerJoin(modelRuns, eq(modelRuns.id, modelVersions.runId))
    .where(opts.modelVersionId ? eq(modelVersions.id, opts.modelVersionId) : eq(modelVersions.stage, "production"));
  if (opts.modelVersionId && versions.length === 0) throw new AppError("NOT_FOUND", { userMessage: "Model version not found" });
  const symbols =
    opts.symbols ??
    (await db().$client<{ symbol: string }[]>`select symbol from symbols where active order by symbol`).map((r) => r.symbol);
  let rows = 0;
  for (const v of versions) {
    const spec = v.spec as { timeframe: string; featureSet: string; label: { horizon: number } };
    const timeframe = parseTimeframe(spec.timeframe);
    const p = await loadPredictor(v.runId);
    try {
      const W = p.window;
      const F = p.features.length;
      const keys: { symbol: string; ts: number }[] = [];
      const windows: Float32Array[] = [];
      for (const symbol of symbols) {
        const s = await loadSymbolSeries({ symbol, timeframe, featureSet: spec.featureSet, features: p.features, from: Infinity, to: Infinity, before: opts.bars + W - 1, after: 0 });
        const n = s.ts.length;
        const scaled = p.scaler.transform(s.features);
        for (let t = Math.max(W - 1, n - opts.bars); t < n; t++) {
          const w = scaled.subarray((t - W + 1) * F, (t + 1) * F);
          let ok = true;
          for (let i = 0; i < w.length && ok; i++) ok = Number.isFinite(w[i]!);
          if (!ok) continue;
          keys.push({ symbol, ts: s.ts[t]! });
          windows.push(w);
        }
      }
      const scores = new Float32Array(keys.length);
      for (let a = 0; a < keys.length; a += CHUNK) {
        const b = Math.min(keys.length, a + CHUNK);
        const x = new Float32Array((b - a) * W * F);
        for (let i = a; i < b; i++) x.set(windows[i]!, (i - a) * W * F);
        scores.set(await p.predict(x, b - a), a);
      }
      const values = keys
        .map((k, i) => ({ symbol: k.symbol, ts: new Date(k.ts), horizon: spec.label.horizon, score: scores[i]!, confidence: scoreConfidence(scores[i]!, p.predStats), modelVersionId: v.id }))
        .filter((r) => Number.isFinite(r.score));
      for (let a = 0; a < values.length; a += 2000) {
        await db()
          .insert(predictions)
          .values(values.slice(a, a + 2000))
          .onConflictDoUpdate({
            target: [predictions.symbol, predictions.ts, predictions.horizon, predictions.modelVersionId],
            set: { score: sql`excluded.score`, confidence: sql`excluded.confidence`, createdAt: sql`now()` },
          });
      }
      rows += values.length;
    } finally {
      p.dispose();
    }
  }
  const ms = Math.round(performance.now() - t0);
  logger.info({ versions: versions.length, rows, ms }, "batch predictions written");
  return { versions: versions.length, rows, ms };
}

