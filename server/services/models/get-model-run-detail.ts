import { eq, sql } from "drizzle-orm";
import { modelArtifacts, modelVersions, type RunMetrics } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { runSummary } from "./list-model-runs";
import { getModelRun } from "./model-runs";

/** Everything about a run: summary, params, spec, curves, full metrics (IC per period, baselines), artifact facts. */
export async function getModelRunDetail(runId: string) {
  const run = await getModelRun(runId);
  if (!run) throw new AppError("NOT_FOUND", { userMessage: "Run not found" });
  const [version] = await db().select().from(modelVersions).where(eq(modelVersions.runId, runId));
  const [art] = await db()
    .select({ format: modelArtifacts.format, features: modelArtifacts.features, bytes: sql<number>`coalesce(octet_length(${modelArtifacts.weights}), 0)::int`, predStats: modelArtifacts.predStats })
    .from(modelArtifacts)
    .where(eq(modelArtifacts.runId, runId));
  return {
    ...runSummary(run, version),
    params: run.params,
    trainOptions: run.trainOptions,
    split: run.split,
    datasetSpec: run.datasetSpec,
    curves: run.curves,
    fullMetrics: (run.metrics as RunMetrics | null) ?? null,
    artifacts: art ? { format: art.format, features: art.features, weightBytes: art.bytes, predStats: art.predStats } : null,
  };
}
