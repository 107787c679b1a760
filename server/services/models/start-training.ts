import { and, eq, inArray, sql } from "drizzle-orm";
import { datasetSpecs, modelRuns } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { parseDatasetSpec } from "@/lib/ml/dataset";
import { db } from "../../db";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { recordAudit } from "../audit/record-audit";
import { ZRunConfig, type TRunConfigInput } from "./training-config";

export interface StartTrainingOptions {
  userId: string;
  modelName: string;
  datasetSpecId: string;
  config: TRunConfigInput;
}

/**
 * Create a run (status queued) and enqueue its train-model job. Fair queueing: a job's priority is the
 * number of the user's trainings already queued or running, so one user's batch of runs does not starve
 * the others (equal priorities are FIFO).
 */
export async function startTraining(opts: StartTrainingOptions) {
  const cfg = ZRunConfig.parse(opts.config);
  const [spec] = await db().select().from(datasetSpecs).where(eq(datasetSpecs.id, opts.datasetSpecId));
  if (!spec) throw new AppError("NOT_FOUND", { userMessage: "Dataset spec not found" });
  const ds = parseDatasetSpec(spec.spec as never);
  if (cfg.model.kind !== "mlp" && cfg.model.kind !== "ridge" && ds.window < 2) {
    throw new AppError("BAD_REQUEST", { userMessage: `${cfg.model.kind.toUpperCase()} needs a dataset window of at least 2 bars` });
  }
  const [{ n }] = (await db()
    .select({ n: sql<number>`count(*)::int` })
    .from(modelRuns)
    .where(and(eq(modelRuns.createdBy, opts.userId), inArray(modelRuns.status, ["queued", "running"])))) as [{ n: number }];
  const [run] = await db()
    .insert(modelRuns)
    .values({
      modelName: opts.modelName,
      kind: cfg.model.kind,
      params: cfg.model,
      trainOptions: cfg.train,
      split: cfg.split,
      datasetSpecId: spec.id,
      datasetSpec: ds,
      specHash: spec.specHash,
      epochs: cfg.model.kind === "ridge" ? 1 : cfg.train.epochs,
      createdBy: opts.userId,
    })
    .returning();
  const id = jobId("train-model", run!.id);
  await enqueue("trainModel", { runId: run!.id }, { jobId: id, priority: Math.min(1_000, 1 + n) });
  await db().update(modelRuns).set({ jobId: id }).where(eq(modelRuns.id, run!.id));
  await recordAudit({ actorId: opts.userId, action: "model.train", target: run!.id, detail: { modelName: opts.modelName, kind: cfg.model.kind, datasetSpecId: spec.id } });
  return { runId: run!.id, jobId: id };
}
