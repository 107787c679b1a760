import { and, isNotNull, lt, or } from "drizzle-orm";
import { auditLog, sessions } from "@/db/schema";
import { db } from "../../db";
import type { TMaintenanceJob, TMaintenanceResult } from "../../queues/names";
import { updateUniverse } from "../ingestion/update-universe";

/** Housekeeping (sessions, audit retention) and the daily universe update. */
export async function runMaintenance(job: TMaintenanceJob, now = new Date()): Promise<TMaintenanceResult> {
  const cutoff = (days: number) => new Date(now.getTime() - days * 86_400_000);
  switch (job.task) {
    case "purge-sessions": {
      const rows = await db()
        .delete(sessions)
        .where(or(lt(sessions.expiresAt, cutoff(job.olderThanDays)), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, cutoff(job.olderThanDays)))))
        .returning({ id: sessions.id });
      return { task: job.task, removed: rows.length };
    }
    case "update-universe": {
      const runs = await updateUniverse({ timeframe: job.timeframe, maxLookbackDays: job.maxLookbackDays, now });
      return { task: job.task, removed: 0, runs: runs.length };
    }
    case "purge-audit-log": {
      const rows = await db().delete(auditLog).where(lt(auditLog.ts, cutoff(job.olderThanDays))).returning({ id: auditLog.id });
      return { task: job.task, removed: rows.length };
    }
  }
}
