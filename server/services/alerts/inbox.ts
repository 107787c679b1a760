import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { alertEvents, alertRules, emailDeliveries, webhookDeliveries } from "@/db/schema";
import { db } from "../../db";

export async function listInbox({ userId, unreadOnly, limit }: { userId: string; unreadOnly: boolean; limit: number }) {
  return db()
    .select({
      id: alertEvents.id,
      ruleId: alertEvents.ruleId,
      ruleName: alertRules.name,
      symbol: alertEvents.symbol,
      barTs: alertEvents.barTs,
      message: alertEvents.message,
      values: alertEvents.values,
      createdAt: alertEvents.createdAt,
      readAt: alertEvents.readAt,
    })
    .from(alertEvents)
    .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
    .where(unreadOnly ? and(eq(alertEvents.userId, userId), isNull(alertEvents.readAt)) : eq(alertEvents.userId, userId))
    .orderBy(desc(alertEvents.createdAt))
    .limit(limit);
}

/** Mark the caller's events read (the given ids, or all). */
export async function markRead({ userId, ids }: { userId: string; ids?: string[] }) {
  const rows = await db()
    .update(alertEvents)
    .set({ readAt: new Date() })
    .where(and(eq(alertEvents.userId, userId), isNull(alertEvents.readAt), ...(ids ? [inArray(alertEvents.id, ids)] : [])))
    .returning({ id: alertEvents.id });
  return { marked: rows.length };
}

export async function listDeliveries({ userId, limit }: { userId: string; limit: number }) {
  return db()
    .select({
      id: webhookDeliveries.id,
      ruleId: webhookDeliveries.ruleId,
      url: webhookDeliveries.url,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      responseStatus: webhookDeliveries.responseStatus,
      error: webhookDeliveries.error,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      symbol: alertEvents.symbol,
    })
    .from(webhookDeliveries)
    .innerJoin(alertEvents, eq(alertEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.userId, userId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
}

/** The caller's alert e-mails (one per evaluation batch), newest first. */
export async function listEmailDeliveries({ userId, limit }: { userId: string; limit: number }) {
  const rows = await db()
    .select({
      id: emailDeliveries.id,
      ruleId: emailDeliveries.ruleId,
      ruleName: alertRules.name,
      recipient: emailDeliveries.recipient,
      eventIds: emailDeliveries.eventIds,
      status: emailDeliveries.status,
      attempts: emailDeliveries.attempts,
      error: emailDeliveries.error,
      createdAt: emailDeliveries.createdAt,
      deliveredAt: emailDeliveries.deliveredAt,
    })
    .from(emailDeliveries)
    .innerJoin(alertRules, eq(alertRules.id, emailDeliveries.ruleId))
    .where(eq(emailDeliveries.userId, userId))
    .orderBy(desc(emailDeliveries.createdAt))
    .limit(limit);
  return rows.map(({ eventIds, ...r }) => ({ ...r, hits: eventIds.length }));
}
