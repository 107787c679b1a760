import { desc, eq } from "drizzle-orm";
import { modelRuns, modelVersions } from "@/db/schema";
import { db } from "../../db";

/**
 * The version whose predictions the product shows: the most recently promoted production version (one
 * per model name; with several names, the newest promotion wins). Null when nothing is in production.
 */
export async function getProductionVersion(): Promise<{ id: string; modelName: string; version: number; runId: string; horizon: number; timeframe: string } | null> {
  const [row] = await db()
    .select({ v: modelVersions, spec: modelRuns.datasetSpec })
    .from(modelVersions)
    .innerJoin(modelRuns, eq(modelRuns.id, modelVersions.runId))
    .where(eq(modelVersions.stage, "production"))
    .orderBy(desc(modelVersions.stageChangedAt))
    .limit(1);
  if (!row) return null;
  const spec = row.spec as { label: { horizon: number }; timeframe: string };
  return { id: row.v.id, modelName: row.v.modelName, version: row.v.version, runId: row.v.runId, horizon: spec.label.horizon, timeframe: spec.timeframe };
}
