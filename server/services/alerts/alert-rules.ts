import { randomBytes } from "node:crypto";
import { CronExpressionParser, type CronExpression } from "cron-parser";
import { and, count, desc, eq } from "drizzle-orm";
import { alertRules, savedScans, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { QUEUES, jobId } from "../../queues/names";
import { getQueue } from "../../queues/producers";

const CRON_RE = /^(\*|[0-9,\-*/]+)( (\*|[0-9,\-*/]+)){4}$/;
const MINUTES_PER_DAY = 1440;

/** Schedule value for "on each bar close of the scan's timeframe" (driven by the live bar builder). */
export const BAR_CLOSE_SCHEDULE = "bar-close";
const SCHEDULE_ERROR = `Schedule must be a 5-field cron expression (UTC) or "${BAR_CLOSE_SCHEDULE}"`;

/**
 * Shortest time between two consecutive runs, in minutes. Every matching day runs at the same times
 * (hour × minute fields), so the gaps are those within a day plus last run → first run of the next day
 * (counted as if the next calendar day always matched: never longer than the real gap).
 */
function shortestGapMinutes(expr: CronExpression): number {
  const minutes = expr.fields.minute.values.map(Number);
  const times = expr.fields.hour.values.flatMap((h) => minutes.map((m) => Number(h) * 60 + m)).sort((a, b) => a - b);
  let gap = MINUTES_PER_DAY - times[times.length - 1]! + times[0]!;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]! - times[i - 1]!);
  return gap;
}

/**
 * Why a schedule cannot be saved, or null when it can: `bar-close`, or a 5-field UTC cron expression that
 * BullMQ's own parser (cron-parser) accepts, that has a next run, and whose consecutive runs are at
 * least `minIntervalMinutes` apart. Checked before anything is written, so the scheduler never refuses it.
 */
export function scheduleProblem(schedule: string, minIntervalMinutes = serverEnv().ALERT_MIN_INTERVAL_MINUTES): string | null {
  if (schedule === BAR_CLOSE_SCHEDULE) return null;
  if (!CRON_RE.test(schedule)) return SCHEDULE_ERROR;
  let expr: CronExpression;
  try {
    // The options BullMQ passes for our schedulers (tz UTC).
    expr = CronExpressionParser.parse(schedule, { tz: "UTC", currentDate: new Date() });
  } catch (err) {
    return `Invalid cron schedule "${schedule}": ${err instanceof Error ? err.message : String(err)}`;
  }
  try {
    expr.next();
  } catch {
    return `Cron schedule "${schedule}" never runs (no date matches it)`;
  }
  const gap = shortestGapMinutes(expr);
  if (gap < minIntervalMinutes) {
    return `Schedule "${schedule}" runs ${gap} minute${gap === 1 ? "" : "s"} apart; alert rules may run at most every ${minIntervalMinutes} minutes`;
  }
  return null;
}

function assertSchedule(schedule: string): void {
  const problem = scheduleProblem(schedule);
  if (problem) throw new AppError("BAD_REQUEST", { userMessage: problem });
}

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
  if (rule.active && rule.schedule !== BAR_CLOSE_SCHEDULE) assertSchedule(rule.schedule);
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

/** Remove the BullMQ job schedulers of rules that are gone (deleted with their saved scan, or their owner). */
export async function removeAlertRuleSchedules(ruleIds: readonly string[]): Promise<void> {
  const q = getQueue("runScan");
  for (const id of ruleIds) await q.removeJobScheduler(schedulerId(id));
}

/**
 * Create a rule on one of the caller's saved scans. A webhook gets a fresh signing secret, returned once.
 * The schedule is checked first; the row is written and scheduled in one transaction (a scheduler failure
 * leaves no rule behind), under a lock on the user that makes the ALERT_RULES_MAX count exact.
 */
export async function createAlertRule({ userId, input }: { userId: string; input: AlertRuleInput }) {
  assertSchedule(input.schedule);
  const max = serverEnv().ALERT_RULES_MAX;
  const webhookSecret = input.webhookUrl ? randomBytes(24).toString("base64url") : null;
  const row = await db().transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
    const [scan] = await tx.select({ id: savedScans.id }).from(savedScans).where(and(eq(savedScans.id, input.scanId), eq(savedScans.userId, userId)));
    if (!scan) throw new AppError("NOT_FOUND", { userMessage: "Saved scan not found" });
    const [owned] = await tx.select({ n: count() }).from(alertRules).where(eq(alertRules.userId, userId));
    if ((owned?.n ?? 0) >= max) {
      throw new AppError("BAD_REQUEST", { userMessage: `You have ${owned!.n} alert rules, the most allowed (ALERT_RULES_MAX = ${max}); delete one first` });
    }
    const [inserted] = await tx
      .insert(alertRules)
      .values({ userId, ...input, webhookUrl: input.webhookUrl ?? null, webhookSecret, emailEnabled: input.emailEnabled ?? false, emailTo: input.emailTo ?? null })
      .returning(publicColumns);
    await syncSchedule(inserted!);
    return inserted!;
  });
  return { ...row, webhookSecret };
}

/**
 * Change a rule. A new schedule is checked before anything is written; the update and the scheduler
 * change commit together, so a refused schedule keeps the old values and the old schedule. A rule that
 * stays active must have a schedule that passes today's checks (an older, now refused one must be changed
 * or the rule paused).
 */
export async function updateAlertRule({ userId, id, patch }: { userId: string; id: string; patch: Partial<Pick<AlertRuleInput, "name" | "schedule" | "cooldownMinutes" | "active" | "emailEnabled" | "emailTo">> }) {
  if (patch.schedule !== undefined) assertSchedule(patch.schedule);
  return db().transaction(async (tx) => {
    const [row] = await tx.update(alertRules).set(patch).where(and(eq(alertRules.id, id), eq(alertRules.userId, userId))).returning(publicColumns);
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "Alert rule not found" });
    await syncSchedule(row);
    return row;
  });
}

export async function deleteAlertRule({ userId, id }: { userId: string; id: string }) {
  return db().transaction(async (tx) => {
    const [row] = await tx.delete(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.userId, userId))).returning({ id: alertRules.id });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "Alert rule not found" });
    await removeAlertRuleSchedules([id]);
    return row;
  });
}

/** Queue one evaluation of the caller's rule now (the scheduled ones continue as before). */
export async function runAlertRuleNow({ userId, id }: { userId: string; id: string }) {
  const [rule] = await db().select({ id: alertRules.id }).from(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.userId, userId)));
  if (!rule) throw new AppError("NOT_FOUND", { userMessage: "Alert rule not found" });
  const job = await getQueue("runScan").add(QUEUES.runScan.name, { ruleId: rule.id }, { jobId: jobId("alert-rule-now", rule.id, Date.now()) });
  return { jobId: String(job.id) };
}
