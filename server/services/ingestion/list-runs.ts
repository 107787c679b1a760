import { desc } from "drizzle-orm";
import { ingestionRuns } from "@/db/schema";
import { db } from "../../db";

/**
 * Seconds a running run still needs at its average pace since it started; null when it is not
 * running or has not progressed yet (nothing to extrapolate from).
 */
export function runEtaSeconds(run: { status: string; progress: number; startedAt: Date | null }, now: number): number | null {
  if (run.status !== "running" || !run.startedAt || !(run.progress > 0) || run.progress >= 1) return null;
  const elapsed = Math.max(0, (now - run.startedAt.getTime()) / 1000);
  return Math.round((elapsed * (1 - run.progress)) / run.progress);
}

export async function listIngestionRuns(opts: { limit: number; now?: number }) {
  const rows = await db().select().from(ingestionRuns).orderBy(desc(ingestionRuns.createdAt)).limit(opts.limit);
  const now = opts.now ?? Date.now();
  return rows.map((r) => ({ ...r, etaSeconds: runEtaSeconds(r, now) }));
}
