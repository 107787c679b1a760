import { and, desc, eq, ne } from "drizzle-orm";
import { modelStageChanges, modelVersions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { changeStage, PROMOTION_PREDICTION_BARS } from "./set-model-stage";

/**
 * Roll a model name back: its production version is archived and the version that was in production
 * before it returns to production (both audited).
 */
export async function rollbackModel(opts: { actorId: string; modelName: string; reason: string }) {
  const res = await db().transaction(async (tx) => {
    const [current] = await tx.select().from(modelVersions).where(and(eq(modelVersions.modelName, opts.modelName), eq(modelVersions.stage, "production"))).for("update");
    if (!current) throw new AppError("CONFLICT", { userMessage: `${opts.modelName} has no production version` });
    const history = await tx
      .select({ id: modelStageChanges.modelVersionId })
      .from(modelStageChanges)
      .where(and(eq(modelStageChanges.modelName, opts.modelName), eq(modelStageChanges.toStage, "production"), ne(modelStageChanges.modelVersionId, current.id)))
      .orderBy(desc(modelStageChanges.createdAt));
    const prevId = history[0]?.id;
    const [prev] = prevId ? await tx.select().from(modelVersions).where(eq(modelVersions.id, prevId)) : [];
    if (!prev) throw new AppError("CONFLICT", { userMessage: `${opts.modelName} has no earlier production version to roll back to` });
    await changeStage(tx, current, "archived", opts.actorId, `rollback: ${opts.reason}`);
    await changeStage(tx, prev, "production", opts.actorId, `rollback: ${opts.reason}`);
    return { modelName: opts.modelName, from: current.version, to: prev.version, productionVersionId: prev.id };
  });
  await enqueue("predictBatch", { modelVersionId: res.productionVersionId, bars: PROMOTION_PREDICTION_BARS }, { jobId: jobId("predict-batch", res.productionVersionId, Date.now()) });
  return res;
}
