import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { alertEvents, alertRules, emailDeliveries, users, webhookDeliveries } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { childLogger } from "../../logger";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { runScan } from "../scans/run-scan";
import { removeAlertRuleSchedules } from "./alert-rules";
import { publishAlerts } from "./alert-stream";
import { EMAIL_JOB_OPTIONS } from "./deliver-email";
import { emailConfig } from "./email-transport";

const log = childLogger("alerts");

export interface RunAlertRuleResult {
  matches: number;
  events: number;
  /** Set when the rule was not evaluated: it is paused, or its owner's account is disabled. */
  skipped?: "inactive" | "owner-disabled";
}

/**
 * A scheduled evaluation of one alert rule: run its saved scan, turn the scan's NEW hits into alert
 * events — at most one per (rule, symbol, bar) and none for a symbol that alerted within the cooldown —
 * and queue one signed webhook delivery per event, plus one e-mail listing all of them ("also e-mail me").
 * A paused rule, or one whose owner is disabled, is skipped (the job's result says why; the rule keeps its
 * schedule, so re-enabling the owner resumes it). A rule that no longer exists loses its leftover scheduler.
 */
export async function runAlertRule({ ruleId, now = new Date() }: { ruleId: string; now?: Date }): Promise<RunAlertRuleResult> {
  const [found] = await db()
    .select({ rule: alertRules, ownerDisabledAt: users.disabledAt })
    .from(alertRules)
    .innerJoin(users, eq(users.id, alertRules.userId))
    .where(eq(alertRules.id, ruleId));
  if (!found) {
    // Deleted (with its scan or owner) while a scheduler still fired for it.
    await removeAlertRuleSchedules([ruleId]);
    throw new AppError("NOT_FOUND", { message: `alert rule ${ruleId} not found` });
  }
  const rule = found.rule;
  if (!rule.active) return { matches: 0, events: 0, skipped: "inactive" };
  if (found.ownerDisabledAt) {
    log.info({ ruleId, userId: rule.userId }, "alert rule skipped: owner disabled");
    return { matches: 0, events: 0, skipped: "owner-disabled" };
  }
  const run = await runScan({ userId: rule.userId, scanId: rule.scanId });
  if (run.newHits.length === 0 || run.asOf === null) return { matches: run.total, events: 0 };
  const since = new Date(now.getTime() - rule.cooldownMinutes * 60_000);
  const recent = await db()
    .select({ symbol: alertEvents.symbol })
    .from(alertEvents)
    .where(and(eq(alertEvents.ruleId, rule.id), inArray(alertEvents.symbol, run.newHits), gt(alertEvents.createdAt, since)));
  const cooling = new Set(recent.map((r) => r.symbol));
  const byRow = new Map(run.results.map((r) => [r.symbol, r]));
  // Each hit at its own bar (a symbol's newest bar can be older than the run's asOf, the universe's newest).
  const barOf = (symbol: string) => new Date(byRow.get(symbol)?.barTs ?? run.asOf!);
  const fresh = run.newHits.filter((s) => !cooling.has(s));
  if (fresh.length === 0) return { matches: run.total, events: 0 };
  const events = await db()
    .insert(alertEvents)
    .values(
      fresh.map((symbol) => ({
        ruleId: rule.id,
        userId: rule.userId,
        scanRunId: run.runId,
        symbol,
        barTs: barOf(symbol),
        message: `${symbol} matched "${rule.name}"`,
        values: byRow.get(symbol)?.values ?? {},
      })),
    )
    .onConflictDoNothing()
    .returning({ id: alertEvents.id, symbol: alertEvents.symbol });
  await publishAlerts(
    rule.userId,
    events.map((e) => ({ id: e.id, ruleName: rule.name, symbol: e.symbol, barTs: barOf(e.symbol).getTime(), message: `${e.symbol} matched "${rule.name}"` })),
  );
  if (rule.webhookUrl && events.length > 0) {
    const deliveries = await db()
      .insert(webhookDeliveries)
      .values(events.map((e) => ({ eventId: e.id, ruleId: rule.id, userId: rule.userId, url: rule.webhookUrl! })))
      .returning({ id: webhookDeliveries.id });
    for (const d of deliveries) {
      await enqueue("deliverWebhook", { deliveryId: d.id }, { jobId: jobId("webhook", d.id), attempts: 5, backoff: { type: "exponential", delay: 1_000 } });
    }
  }
  if (rule.emailEnabled && events.length > 0 && emailConfig().enabled) {
    const [owner] = await db().select({ email: users.email }).from(users).where(eq(users.id, rule.userId));
    const [d] = await db()
      .insert(emailDeliveries)
      .values({ ruleId: rule.id, userId: rule.userId, scanRunId: run.runId, eventIds: events.map((e) => e.id), recipient: rule.emailTo ?? owner!.email })
      .returning({ id: emailDeliveries.id });
    await enqueue("deliverEmail", { deliveryId: d!.id }, { jobId: jobId("email", d!.id), ...EMAIL_JOB_OPTIONS });
  }
  return { matches: run.total, events: events.length };
}

export async function countUnread(userId: string): Promise<number> {
  const [r] = await db().select({ n: sql<number>`count(*)::int` }).from(alertEvents).where(and(eq(alertEvents.userId, userId), sql`${alertEvents.readAt} is null`));
  return r?.n ?? 0;
}
