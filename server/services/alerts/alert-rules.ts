import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { alertRules, savedScans } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { QUEUES, jobId } from "../../queues/names";
import { getQueue } from "../../queues/producers";

const CRON_RE = /^(\*|[0-9,\-*/]+)( (\*|[0-9,\-*/]+)){4}$/;

/** Schedule value for "on each bar close of the scan's timeframe" (driven by the live bar builder). */
export const BAR_CLOSE_SCHEDULE = "bar-close";
const SCHEDULE_ERROR = `Schedule must be a 5-field cron expression (UTC) or "${BAR_CLOSE_SCHEDULE}"`;
const validSchedule = (s: string) => s === BAR_CLOSE_SCHEDULE || CRON_RE.test(s);

export interface AlertRuleInput {
  name: string;
  scanId: string;
  schedule: string;
  webhookUrl?: string | null;
  cooldownMinutes: number;
  active: boolean;
  /** "Also e-mail me" (sent only when SMTP is configured). */
  emailEnabled?: boolean;
  /** Recipient; absent/null = the owner's own address. */
  emailTo?: string | null;
}

const schedulerId = (ruleId: string) => jobId("alert-rule", ruleId);

/**
 * Keep the rule's BullMQ job scheduler in step with the rule (active cron rule → upserted, else removed).
 * Bar-close rules have no scheduler: the live bar builder dispatches them (dispatch-bar-close.ts).
 */
async function syncSchedule(rule: { id: string; schedule: string; active: boolean }): Promise<void> {
  const q = getQueue("runScan");
  if (rule.active && rule.schedule !== BAR_CLOSE_SCHEDULE) {
    await q.upsertJobScheduler(schedulerId(rule.id), { pattern: rule.schedule, tz: "UTC" }, { name: QUEUES.runScan.name, data: { ruleId: rule.id } });
  } else {
    await q.removeJobScheduler(schedulerId(rule.id));
  }
}

const publicColumns = {
  id: alertRules.id,
  name: alertRules.name,
  scanId: alertRules.scanId,
  schedule: alertRules.schedule,
  webhookUrl: alertRules.webhookUrl,
  emailEnabled: alertRules.emailEnabled,
  emailTo: alertRules.emailTo,
  cooldownMinutes: alertRules.cooldownMinutes,
  active: alertRules.active,
  createdAt: alertRules.createdAt,
};

export async function listAlertRules({ userId }: { userId: string }) {
  return db().select(publicColumns).from(alertRules).where(eq(alertRules.userId, userId)).orderBy(desc(alertRules.createdAt));
}

/** Create a rule on one of the caller's saved scans. A webhook gets a fresh signing secret, returned once. */
export async function createAlertRule({ userId, input }: { userId: string; input: AlertRuleInput }) {
  if (!validSchedule(input.schedule)) throw new AppError("BAD_REQUEST", { userMessage: SCHEDULE_ERROR });
  const [scan] = await db().select({ id: savedScans.id }).from(savedScans).where(and(eq(savedScans.id, input.scanId), eq(savedScans.userId, userId)));
  if (!scan) throw new AppError("NOT_FOUND", { userMessage: "Saved scan not found" });
  const webhookSecret = input.webhookUrl ? randomBytes(24).toString("base64url") : null;
  const [row] = await db()
    .insert(alertRules)
    .values({ userId, ...input, webhookUrl: input.webhookUrl ?? null, webhookSecret, emailEnabled: input.emailEnabled ?? false, emailTo: input.emailTo ?? null })
    .returning(publicColumns);
  await syncSchedule(row!);
  return { ...row!, webhookSecret };
}

export async function updateAlertRule({ userId, id, patch }: { userId: string; id: string; patch: Partial<Pick<AlertRuleInput, "name" | "schedule" | "cooldownMinutes" | "active" | "emailEnabled" | "emailTo">> }) {
  if (patch.schedule !== undefined && !validSchedule(patch.schedule)) throw new AppError("BAD_REQUEST", { userMessage: SCHEDULE_ERROR });
  const [row] = await db().update(alertRules).set(patch).where(and(eq(alertRules.id, id), eq(alertRules.userId, userId))).returning(publicColumns);
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Alert rule not found" });
  await syncSchedule(row);
  return row;
}

export async function deleteAlertRule({ userId, id }: { userId: string; id: string }) {
  const [row] = await db().delete(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.userId, userId))).returning({ id: alertRules.id });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Alert rule not found" });
  await syncSchedule({ id, schedule: "", active: false });
  return row;
}

/** Queue one evaluation of the caller's rule now (the scheduled ones continue as before). */
export async function runAlertRuleNow({ userId, id }: { userId: string; id: string }) {
  const [rule] = await db().select({ id: alertRules.id }).from(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.userId, userId)));
  if (!rule) throw new AppError("NOT_FOUND", { userMessage: "Alert rule not found" });
  const job = await getQueue("runScan").add(QUEUES.runScan.name, { ruleId: rule.id }, { jobId: jobId("alert-rule-now", rule.id, Date.now()) });
  return { jobId: String(job.id) };
}
