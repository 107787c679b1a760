import { createHmac } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { alertEvents, alertRules, webhookDeliveries } from "@/db/schema";
import { db } from "../../db";

/** HMAC-SHA256 over `${timestamp}.${body}`, hex: the receiver recomputes it with the rule's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export class WebhookHttpError extends Error {
  override name = "WebhookHttpError";
}

/**
 * Deliver one alert event to its rule's webhook: JSON body, `X-MSS-Timestamp` and
 * `X-MSS-Signature: sha256=<hex>` headers, 10 s timeout. Every attempt is logged on the delivery;
 * a non-2xx answer throws so BullMQ retries with exponential backoff.
 */
export async function deliverWebhook({ deliveryId, attempt }: { deliveryId: string; attempt: number }): Promise<{ status: number }> {
  const [row] = await db()
    .select({ d: webhookDeliveries, e: alertEvents, secret: alertRules.webhookSecret, ruleName: alertRules.name })
    .from(webhookDeliveries)
    .innerJoin(alertEvents, eq(alertEvents.id, webhookDeliveries.eventId))
    .innerJoin(alertRules, eq(alertRules.id, webhookDeliveries.ruleId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row) return { status: 0 }; // rule or event deleted meanwhile: nothing to deliver
  if (row.d.status === "succeeded") return { status: row.d.responseStatus ?? 200 };
  const body = JSON.stringify({
    type: "scan.hit",
    deliveryId,
    rule: { id: row.d.ruleId, name: row.ruleName },
    event: { id: row.e.id, symbol: row.e.symbol, barTs: row.e.barTs.toISOString(), message: row.e.message, values: row.e.values },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  let status = 0;
  let error: string | null = null;
  try {
    const res = await fetch(row.d.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-mss-timestamp": ts, "x-mss-signature": `sha256=${signWebhook(row.secret ?? "", ts, body)}`, "user-agent": "ml-stock-scanner-webhook/1" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  await db()
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      responseStatus: status || null,
      error,
      status: error ? (attempt >= 5 ? "failed" : "pending") : "succeeded",
      deliveredAt: error ? null : new Date(),
    })
    .where(eq(webhookDeliveries.id, deliveryId));
  if (error) throw new WebhookHttpError(`webhook delivery ${deliveryId} failed: ${error}`);
  return { status };
}
