import { auditLog } from "@/db/schema";
import { db } from "../../db";

export interface RecordAuditOptions {
  actorId: string | null;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

/** Append an audit row (who did what to what). Never store secrets in `detail`. */
export async function recordAudit(opts: RecordAuditOptions): Promise<void> {
  await db().insert(auditLog).values(opts);
}
