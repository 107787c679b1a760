import { and, eq, ne, sql } from "drizzle-orm";
import { modelRuns, modelStageChanges, modelVersions, type ModelStage } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";

type Tx = Parameters<Parameters<ReturnType<typeof db>["transaction"]>[0]>[0];

/** Stage change + audit row, inside a transaction. */
export async function changeStage(tx: Tx, v: { id: string; modelName: string; version: number; stage: ModelStage }, to: ModelStage, actorId: string, reason: string) {
  if (v.stage === to) return;
  await tx.update(modelVersions).set({ stage: to, stageChangedAt: sql`now()` }).where(eq(modelVersions.id, v.id));
  await tx.insert(modelStageChanges).values({ modelVersionId: v.id, modelName: v.modelName, version: v.version, fromStage: v.stage, toStage: to, actorId, reason });
}

/** Chart history written when a version reaches production. */
export const PROMOTION_PREDICTION_BARS = 250;

/**
 * Move a completed run's model to a registry stage (registering it as the next version of its model name
 * first). Promoting to production archives the previous production version of that name (one audit row
 * each) and enqueues a batch prediction so the scanner's ml_score follows at once.
 */
export async function setModelStage(opts: { actorId: string; runId: string; stage: ModelStage; reason: string }) {
  const res = await db().transaction(async (tx) => {
    const [run] = await tx.select().from(modelRuns).where(eq(modelRuns.id, opts.runId)).for("update");
    if (!run) throw new AppError("NOT_FOUND", { userMessage: "Run not found" });
    if (run.status !== "completed") throw new AppError("CONFLICT", { userMessage: "Only completed runs can be registered" });
    let [v] = await tx.select().from(modelVersions).where(eq(modelVersions.runId, run.id));
    if (!v) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`model-registry:${run.modelName}`}))`);
      const [{ next }] = (await tx
        .select({ next: sql<number>`coalesce(max(${modelVersions.version}), 0)::int + 1` })
        .from(modelVersions)
        .where(eq(modelVersions.modelName, run.modelName))) as [{ next: number }];
      [v] = await tx.insert(modelVersions).values({ modelName: run.modelName, version: next, runId: run.id, createdBy: opts.actorId }).returning();
    }
    const version = v!;
    if (opts.stage === "production") {
      const current = await tx
        .select()
        .from(modelVersions)
        .where(and(eq(modelVersions.modelName, version.modelName), eq(modelVersions.stage, "production"), ne(modelVersions.id, version.id)));
      for (const c of current) await changeStage(tx, c, "archived", opts.actorId, `replaced by v${version.version}: ${opts.reason}`);
    }
    await changeStage(tx, version, opts.stage, opts.actorId, opts.reason);
    return { id: version.id, modelName: version.modelName, version: version.version, stage: opts.stage };
  });
  if (opts.stage === "production") {
    await enqueue("predictBatch", { modelVersionId: res.id, bars: PROMOTION_PREDICTION_BARS }, { jobId: jobId("predict-batch", res.id, Date.now()) });
  }
  return res;
}
