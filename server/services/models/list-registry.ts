import { desc, eq, inArray } from "drizzle-orm";
import { modelRuns, modelStageChanges, modelVersions, users, type RunMetrics } from "@/db/schema";
import { db } from "../../db";

/** Registered versions by model name (newest first) with their run's headline metrics and the recent stage changes. */
export async function listRegistry() {
  const versions = await db()
    .select({ v: modelVersions, kind: modelRuns.kind, metrics: modelRuns.metrics })
    .from(modelVersions)
    .innerJoin(modelRuns, eq(modelRuns.id, modelVersions.runId))
    .orderBy(modelVersions.modelName, desc(modelVersions.version));
  const ids = versions.map((x) => x.v.id);
  const audit = ids.length
    ? await db()
        .select({ c: modelStageChanges, actor: users.email })
        .from(modelStageChanges)
        .leftJoin(users, eq(users.id, modelStageChanges.actorId))
        .where(inArray(modelStageChanges.modelVersionId, ids))
        .orderBy(desc(modelStageChanges.createdAt))
        .limit(100)
    : [];
  return {
    versions: versions.map(({ v, kind, metrics }) => ({
      id: v.id,
      modelName: v.modelName,
      version: v.version,
      runId: v.runId,
      kind,
      stage: v.stage,
      ic: (metrics as RunMetrics | null)?.model.ic.mean ?? null,
      rankIc: (metrics as RunMetrics | null)?.model.rankIc.mean ?? null,
      createdAt: v.createdAt,
      stageChangedAt: v.stageChangedAt,
    })),
    audit: audit.map(({ c, actor }) => ({ id: c.id, modelName: c.modelName, version: c.version, from: c.fromStage, to: c.toStage, actor, reason: c.reason, at: c.createdAt })),
  };
}
