import { desc, inArray } from "drizzle-orm";
import { modelRuns, modelVersions, type ModelRunStatus, type ModelStage, type RunEvalSummary, type RunMetrics } from "@/db/schema";
import { db } from "../../db";

/** Key figures of a test-segment evaluation, without the per-period series. */
export function evalHeadline(s: RunEvalSummary | undefined) {
  if (!s) return null;
  return { ic: s.ic.mean, icir: s.ic.icir, icT: s.ic.t, rankIc: s.rankIc.mean, mse: s.mse, directionalAccuracy: s.directionalAccuracy, topMinusBottom: s.topMinusBottom.mean, samples: s.samples };
}

export function runSummary(r: typeof modelRuns.$inferSelect, version: { version: number; stage: ModelStage } | undefined) {
  const m = r.metrics as RunMetrics | null;
  const spec = r.datasetSpec as { universe: string[]; timeframe: string; from: string; to: string; featureSet: string; label: { kind: string; horizon: number }; window: number };
  const last = r.curves[r.curves.length - 1];
  return {
    id: r.id,
    modelName: r.modelName,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    epoch: r.epoch,
    epochs: r.epochs,
    etaMs: r.etaMs,
    loss: last?.loss ?? null,
    valLoss: last?.valLoss ?? null,
    backend: r.backend,
    gitSha: r.gitSha,
    dataset: { symbols: spec.universe.length, timeframe: spec.timeframe, from: spec.from, to: spec.to, featureSet: spec.featureSet, label: `${spec.label.kind}:${spec.label.horizon}`, window: spec.window },
    specHash: r.specHash,
    datasetHash: r.datasetHash,
    metrics: evalHeadline(m?.model),
    baselines: m ? Object.fromEntries(Object.entries(m.baselines).map(([k, v]) => [k, evalHeadline(v)!])) : null,
    durationMs: r.durationMs,
    error: r.error,
    cancelRequested: r.cancelRequested,
    resumedFromEpoch: r.resumedFromEpoch,
    version: version ? version.version : null,
    stage: version ? version.stage : null,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

export async function listModelRuns(opts: { limit: number; status?: ModelRunStatus[]; ids?: string[] }) {
  const q = db().select().from(modelRuns);
  const where = opts.ids ? inArray(modelRuns.id, opts.ids) : opts.status ? inArray(modelRuns.status, opts.status) : undefined;
  const rows = await (where ? q.where(where) : q).orderBy(desc(modelRuns.createdAt)).limit(opts.limit);
  const versions = rows.length
    ? await db().select({ runId: modelVersions.runId, version: modelVersions.version, stage: modelVersions.stage }).from(modelVersions).where(inArray(modelVersions.runId, rows.map((r) => r.id)))
    : [];
  const byRun = new Map(versions.map((v) => [v.runId, v]));
  return rows.map((r) => runSummary(r, byRun.get(r.id)));
}

