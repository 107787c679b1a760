import { desc } from "drizzle-orm";
import { datasetSpecs } from "@/db/schema";
import { parseDatasetSpec } from "@/lib/ml/dataset";
import { db } from "../../db";

export async function listDatasetSpecs(opts: { limit: number }) {
  const rows = await db().select().from(datasetSpecs).orderBy(desc(datasetSpecs.createdAt)).limit(opts.limit);
  return rows.map((r) => ({ id: r.id, name: r.name, specHash: r.specHash, spec: parseDatasetSpec(r.spec as never), createdAt: r.createdAt }));
}
