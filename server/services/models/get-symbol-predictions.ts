import { and, desc, eq } from "drizzle-orm";
import { modelVersions, predictions } from "@/db/schema";
import { db } from "../../db";
import { getProductionVersion } from "./get-production-version";

/** A symbol's stored predictions (oldest first) from one version, by default the production one. */
export async function getSymbolPredictions(opts: { symbol: string; modelVersionId?: string; limit: number }) {
  const version = opts.modelVersionId
    ? ((await db().select().from(modelVersions).where(eq(modelVersions.id, opts.modelVersionId)))[0] ?? null)
    : await getProductionVersion();
  if (!version) return { version: null, points: [] };
  const rows = await db()
    .select({ ts: predictions.ts, horizon: predictions.horizon, score: predictions.score, confidence: predictions.confidence })
    .from(predictions)
    .where(and(eq(predictions.symbol, opts.symbol), eq(predictions.modelVersionId, version.id)))
    .orderBy(desc(predictions.ts))
    .limit(opts.limit);
  rows.reverse();
  return {
    version: { id: version.id, modelName: version.modelName, version: version.version },
    points: rows.map((r) => ({ ts: r.ts.getTime(), horizon: r.horizon, score: r.score, confidence: r.confidence })),
  };
}
