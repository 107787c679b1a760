import { eq, sql } from "drizzle-orm";
import { modelCheckpoints, modelRuns, type RunEpoch, type RunMetrics } from "@/db/schema";
import type { Checkpoint, EpochProgress } from "@/lib/ml";
import { db } from "../../db";

export type ModelRun = typeof modelRuns.$inferSelect;

export async function getModelRun(id: string): Promise<ModelRun | null> {
  const [row] = await db().select().from(modelRuns).where(eq(modelRuns.id, id));
  return row ?? null;
}

export async function markModelRunStarted(id: string, v: { gitSha: string | null; backend: string; jobId?: string; resumedFromEpoch: number | null }): Promise<void> {
  await db()
    .update(modelRuns)
    .set({ status: "running", startedAt: sql`coalesce(${modelRuns.startedAt}, now())`, gitSha: v.gitSha, backend: v.backend, resumedFromEpoch: v.resumedFromEpoch, error: null, ...(v.jobId ? { jobId: v.jobId } : {}) })
    .where(eq(modelRuns.id, id));
}

export function toRunEpoch(p: EpochProgress): RunEpoch {
  const finite = (x: number) => (Number.isFinite(x) ? x : 0);
  return {
    epoch: p.epoch,
    loss: finite(p.loss),
    valLoss: finite(p.valLoss),
    lr: p.lr,
    metrics: Object.fromEntries(Object.entries(p.metrics).map(([k, v]) => [k, finite(v)])),
    samplesPerSecond: Math.round(finite(p.samplesPerSecond)),
    elapsedMs: Math.round(p.elapsedMs),
    etaMs: Math.round(finite(p.etaMs)),
    best: p.best,
  };
}

/** Per-epoch progress: the whole curve so far (idempotent when an epoch is replayed after a resume). */
export async function recordModelRunEpoch(id: string, history: readonly EpochProgress[]): Promise<void> {
  const last = history[history.length - 1]!;
  await db()
    .update(modelRuns)
    .set({ curves: history.map(toRunEpoch), epoch: last.epoch, epochs: last.epochs, etaMs: Math.round(last.etaMs), progress: Math.min(0.95, (last.epoch + 1) / last.epochs) })
    .where(eq(modelRuns.id, id));
}

export async function setModelRunFields(id: string, v: Partial<Pick<ModelRun, "datasetHash" | "progress" | "epochs" | "metrics" | "backend">>): Promise<void> {
  await db().update(modelRuns).set(v).where(eq(modelRuns.id, id));
}

export async function finishModelRun(id: string, status: "completed" | "failed" | "cancelled", v: { error?: string; metrics?: RunMetrics } = {}): Promise<void> {
  await db()
    .update(modelRuns)
    .set({
      status,
      error: v.error?.slice(0, 2000) ?? null,
      ...(v.metrics ? { metrics: v.metrics } : {}),
      finishedAt: sql`now()`,
      durationMs: sql`(extract(epoch from now() - coalesce(${modelRuns.startedAt}, ${modelRuns.createdAt})) * 1000)::int`,
      ...(status === "completed" ? { progress: 1, etaMs: 0 } : {}),
    })
    .where(eq(modelRuns.id, id));
}

/** Checkpoint bytes: params | best | adamM | adamV (float32 each). */
export async function saveCheckpoint(runId: string, c: Checkpoint): Promise<void> {
  const data = Buffer.concat([c.params, c.best, c.adamM, c.adamV].map((b) => Buffer.from(b)));
  const state = { ...c.state, bestValLoss: Number.isFinite(c.state.bestValLoss) ? c.state.bestValLoss : null, parts: [c.params.byteLength, c.best.byteLength, c.adamM.byteLength, c.adamV.byteLength] };
  await db()
    .insert(modelCheckpoints)
    .values({ runId, epoch: c.state.epoch, state, data })
    .onConflictDoUpdate({ target: modelCheckpoints.runId, set: { epoch: c.state.epoch, state, data, updatedAt: sql`now()` } });
}

export async function loadCheckpoint(runId: string): Promise<Checkpoint | null> {
  const [row] = await db().select().from(modelCheckpoints).where(eq(modelCheckpoints.runId, runId));
  if (!row) return null;
  const s = row.state as Checkpoint["state"] & { parts: number[]; bestValLoss: number | null };
  const buf = row.data;
  const parts: ArrayBuffer[] = [];
  let o = 0;
  for (const n of s.parts) {
    parts.push(buf.buffer.slice(buf.byteOffset + o, buf.byteOffset + o + n) as ArrayBuffer);
    o += n;
  }
  const { parts: _parts, ...state } = s;
  return {
    params: parts[0]!,
    best: parts[1]!,
    adamM: parts[2]!,
    adamV: parts[3]!,
    state: { ...state, bestValLoss: state.bestValLoss ?? Number.POSITIVE_INFINITY },
  };
}

export async function deleteCheckpoint(runId: string): Promise<void> {
  await db().delete(modelCheckpoints).where(eq(modelCheckpoints.runId, runId));
}
