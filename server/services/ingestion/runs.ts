import { eq, sql } from "drizzle-orm";
import { ingestionRuns } from "@/db/schema";
import { db } from "../../db";

export type IngestionRun = typeof ingestionRuns.$inferSelect;

export async function createIngestionRun(v: {
  provider: string;
  kind: "backfill" | "update" | "repair" | "import" | "demo";
  symbols: string[];
  timeframe: string;
  rangeStart?: Date | null;
  rangeEnd?: Date | null;
  createdBy?: string | null;
}): Promise<IngestionRun> {
  const [row] = await db().insert(ingestionRuns).values(v).returning();
  if (!row) throw new Error("ingestion run insert returned nothing");
  return row;
}

export async function getIngestionRun(id: string): Promise<IngestionRun | null> {
  const [row] = await db().select().from(ingestionRuns).where(eq(ingestionRuns.id, id));
  return row ?? null;
}

export async function markRunStarted(id: string, jobId?: string): Promise<void> {
  await db()
    .update(ingestionRuns)
    .set({ status: "running", startedAt: sql`coalesce(${ingestionRuns.startedAt}, now())`, ...(jobId ? { jobId } : {}) })
    .where(eq(ingestionRuns.id, id));
}

/** Add counters and mark a symbol done (resumption skips done symbols). */
export async function recordRunProgress(
  id: string,
  delta: { rowsIn: number; rowsOut: number; rowsQuarantined: number; requests?: number; doneSymbol?: string; progress: number },
): Promise<void> {
  await db()
    .update(ingestionRuns)
    .set({
      rowsIn: sql`${ingestionRuns.rowsIn} + ${delta.rowsIn}`,
      rowsOut: sql`${ingestionRuns.rowsOut} + ${delta.rowsOut}`,
      rowsQuarantined: sql`${ingestionRuns.rowsQuarantined} + ${delta.rowsQuarantined}`,
      requests: sql`${ingestionRuns.requests} + ${delta.requests ?? 0}`,
      progress: delta.progress,
      ...(delta.doneSymbol ? { doneSymbols: sql`array_append(${ingestionRuns.doneSymbols}, ${delta.doneSymbol}::text)` } : {}),
    })
    .where(eq(ingestionRuns.id, id));
}

export async function finishRun(id: string, status: "succeeded" | "partial" | "failed" | "cancelled", error?: string): Promise<void> {
  await db()
    .update(ingestionRuns)
    .set({
      status,
      error: error?.slice(0, 2000) ?? null,
      finishedAt: sql`now()`,
      durationMs: sql`(extract(epoch from now() - coalesce(${ingestionRuns.startedAt}, ${ingestionRuns.createdAt})) * 1000)::int`,
      ...(status === "succeeded" ? { progress: 1 } : {}),
    })
    .where(eq(ingestionRuns.id, id));
}
