import { createHmac } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { alertEvents, alertRules, webhookDeliveries } from "@/db/schema";
import { isIP, type BlockList } from "node:net";
import { isForbiddenAddress, parseCidrList } from "@/lib/net/address-policy";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { OutboundRefusedError, postOutbound } from "../net/post-outbound";

/** HMAC-SHA256 over `${timestamp}.${body}`, hex: the receiver recomputes it with the rule's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export class WebhookHttpError extends Error {
  override name = "WebhookHttpError";
}

/** The webhook's address is internal: the delivery is failed at once, retrying cannot help. */
export class WebhookRefusedError extends Error {
  override name = "WebhookRefusedError";
}

let allowed: { list: string | undefined; set: BlockList | undefined } | undefined;
/**
 * Why a webhook URL is refused when a rule is saved, or null: an internal address written as such (an
 * IP literal, localhost). A name is judged where it is called (postOutbound), since what it resolves
 * to can change.
 */
export function webhookUrlProblem(url: string): string | null {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const internal = isIP(host) ? isForbiddenAddress(host, webhookAllowList()) : host === "localhost" || host.endsWith(".localhost");
  return internal ? `${host} is an internal address; webhooks go to public hosts (WEBHOOK_ALLOW_NETWORKS can allow internal ones)` : null;
}

/** WEBHOOK_ALLOW_NETWORKS, parsed once per value. */
export function webhookAllowList(): BlockList | undefined {
  const list = serverEnv().WEBHOOK_ALLOW_NETWORKS;
  if (!allowed || allowed.list !== list) allowed = { list, set: list ? parseCidrList(list) : undefined };
  return allowed.set;
}

/**
 * Deliver one alert event to its rule's webhook: JSON body, `X-MSS-Timestamp` and
 * `X-MSS-Signature: sha256=<hex>` headers, 10 s timeout, redirects not followed. Every attempt is
 * logged on the delivery; a non-2xx answer throws so BullMQ retries with exponential backoff. An
 * internal address (this host, private networks, cloud metadata; see post-outbound.ts) unless
 * WEBHOOK_ALLOW_NETWORKS names it fails the delivery at once (WebhookRefusedError).
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
  let refused = false;
  try {
    const res = await postOutbound(row.d.url, {
      headers: { "content-type": "application/json", "x-mss-timestamp": ts, "x-mss-signature": `sha256=${signWebhook(row.secret ?? "", ts, body)}`, "user-agent": "ml-stock-scanner-webhook/1" },
      body,
      timeoutMs: 10_000,
      allow: webhookAllowList(),
    });
    status = res.status;
    if (status < 200 || status > 299) error = `HTTP ${status}`;
  } catch (err) {
    refused = err instanceof OutboundRefusedError;
    error = err instanceof Error ? err.message : String(err);
  }
  await db()
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      responseStatus: status || null,
      error,
      status: error ? (attempt >= 5 || refused ? "failed" : "pending") : "succeeded",
      deliveredAt: error ? null : new Date(),
    })
    .where(eq(webhookDeliveries.id, deliveryId));
  if (refused) throw new WebhookRefusedError(`webhook delivery ${deliveryId}: ${error}`);
  if (error) throw new WebhookHttpError(`webhook delivery ${deliveryId} failed: ${error}`);
  return { status };
}
