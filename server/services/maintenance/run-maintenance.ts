import { and, isNotNull, lt, or } from "drizzle-orm";
import { auditLog, sessions } from "@/db/schema";
import { db } from "../../db";
import type { TMaintenanceJob, TMaintenanceResult } from "../../queues/names";

/** Housekeeping: drop long-expired or revoked sessions, and audit rows past retention. */
export async function runMaintenance(job: TMaintenanceJob, now = new Date()): Promise<TMaintenanceResult> {
  const cutoff = new Date(now.getTime() - job.olderThanDays * 86_400_000);
  switch (job.task) {
    case "purge-sessions": {
      const rows = await db()
        .delete(sessions)
        .where(or(lt(sessions.expiresAt, cutoff), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, cutoff))))
        .returning({ id: sessions.id });
      return { task: job.task, removed: rows.length };
    }
    case "purge-audit-log": {
      const rows = await db().delete(auditLog).where(lt(auditLog.ts, cutoff)).returning({ id: auditLog.id });
      return { task: job.task, removed: rows.length };
    }
  }
}
