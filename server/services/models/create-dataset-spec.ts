import { eq, inArray } from "drizzle-orm";
import { datasetSpecs, symbols } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { featureNames, featureSetHash } from "@/lib/features";
import { parseDatasetSpec, specHash, type TDatasetSpecInput } from "@/lib/ml/dataset";
import { db } from "../../db";

export interface CreateDatasetSpecOptions {
  userId: string;
  name: string;
  spec: TDatasetSpecInput;
}

/** Validate a dataset spec (symbols in the universe, known features), pin its feature-set hash and store it once per content hash. */
export async function createDatasetSpec(opts: CreateDatasetSpecOptions) {
  const parsed = parseDatasetSpec({ ...opts.spec, featureSetHash: featureSetHash(opts.spec.featureSet) });
  const names = featureNames(parsed.featureSet);
  const unknown = (parsed.features ?? []).filter((f) => !names.includes(f));
  if (unknown.length) throw new AppError("BAD_REQUEST", { userMessage: `Unknown features: ${unknown.join(", ")}` });
  const known = await db().select({ symbol: symbols.symbol }).from(symbols).where(inArray(symbols.symbol, parsed.universe));
  const missing = parsed.universe.filter((s) => !known.some((k) => k.symbol === s));
  if (missing.length) throw new AppError("BAD_REQUEST", { userMessage: `Not in the universe: ${missing.slice(0, 10).join(", ")}` });
  const hash = specHash(parsed);
  await db().insert(datasetSpecs).values({ name: opts.name, spec: parsed, specHash: hash, createdBy: opts.userId }).onConflictDoNothing({ target: datasetSpecs.specHash });
  const [row] = await db().select().from(datasetSpecs).where(eq(datasetSpecs.specHash, hash));
  return { id: row!.id, name: row!.name, specHash: hash, spec: parsed, createdAt: row!.createdAt };
}
