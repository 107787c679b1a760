import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { alertEvents, alertRules, emailDeliveries, savedScans } from "@/db/schema";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { emailConfig, getMailTransport, scrubSmtpSecrets } from "./email-transport";

/** Retry policy of `deliver-email` jobs: 4 attempts, 1 s · 2 s · 4 s apart. */
export const EMAIL_JOB_OPTIONS = { attempts: 4, backoff: { type: "exponential" as const, delay: 1_000 } };

export class EmailDeliveryError extends Error {
  override name = "EmailDeliveryError";
  constructor(
    message: string,
    /** Retrying cannot help (5xx answer, bad address, e-mail disabled): the job fails at once. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface AlertEmailHit {
  symbol: string;
  barTs: Date;
  values: Record<string, number | null>;
}

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, " ").trim();
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const num = (v: number | null) => (v === null ? "—" : String(+v.toFixed(4)));
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Subject, text and HTML of one alert e-mail listing a batch of new hits. */
export function renderAlertEmail(opts: { ruleName: string; scanName: string; timeframe: string; hits: AlertEmailHit[]; appUrl?: string }) {
  const { hits } = opts;
  const rule = oneLine(opts.ruleName);
  const n = hits.length;
  const symbols = hits.slice(0, 5).map((h) => h.symbol);
  const subject = `${rule}: ${n} new hit${n === 1 ? "" : "s"} (${symbols.join(", ")}${n > 5 ? ", ..." : ""})`;
  const bar = hits[0] ? utc(hits[0].barTs) : "—";
  const lines = hits.map((h) => `  ${h.symbol.padEnd(10)} ${Object.entries(h.values).map(([k, v]) => `${k}=${num(v)}`).join("  ")}`);
  const inbox = opts.appUrl ? `${opts.appUrl.replace(/\/$/, "")}/alerts` : null;
  const footer = 'You receive this because the rule has "also e-mail me" turned on; change it on the Alerts page.';
  const text = [
    `Alert rule "${rule}" (saved scan "${oneLine(opts.scanName)}", ${opts.timeframe}) has ${n} new hit${n === 1 ? "" : "s"} on the bar of ${bar}:`,
    "",
    ...lines,
    "",
    ...(inbox ? [`Inbox: ${inbox}`] : []),
    footer,
    "",
  ].join("\n");
  const rows = hits
    .map((h) => `<tr><td style="padding:2px 8px;font-family:monospace">${esc(h.symbol)}</td><td style="padding:2px 8px;font-family:monospace">${esc(Object.entries(h.values).map(([k, v]) => `${k}=${num(v)}`).join("  "))}</td></tr>`)
    .join("");
  const html = [
    `<p>Alert rule <strong>${esc(rule)}</strong> (saved scan “${esc(oneLine(opts.scanName))}”, ${esc(opts.timeframe)}) has ${n} new hit${n === 1 ? "" : "s"} on the bar of ${esc(bar)}:</p>`,
    `<table style="border-collapse:collapse">${rows}</table>`,
    inbox ? `<p><a href="${esc(inbox)}">Open the inbox</a></p>` : "",
    `<p style="color:#666;font-size:12px">${esc(footer)}</p>`,
  ].join("\n");
  return { subject, text, html };
}

/** SMTP failures that retrying cannot fix: a 5xx answer, or an envelope/message nodemailer itself rejected. */
function isPermanent(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === "number") return e.responseCode >= 500;
  return e.code === "EENVELOPE" || e.code === "EMESSAGE";
}

/**
 * Send one alert e-mail (a batch of events of one rule evaluation) to the recipient stored on the
 * delivery. Every attempt is recorded on the delivery with a credential-free error; a transient failure
 * throws so BullMQ retries with backoff, the last attempt or a permanent failure marks it failed.
 */
export async function deliverEmail({ deliveryId, attempt, maxAttempts }: { deliveryId: string; attempt: number; maxAttempts: number }): Promise<{ status: string; messageId?: string }> {
  const [row] = await db()
    .select({ d: emailDeliveries, ruleName: alertRules.name, scanName: savedScans.name, timeframe: savedScans.timeframe })
    .from(emailDeliveries)
    .innerJoin(alertRules, eq(alertRules.id, emailDeliveries.ruleId))
    .innerJoin(savedScans, eq(savedScans.id, alertRules.scanId))
    .where(eq(emailDeliveries.id, deliveryId));
  if (!row) return { status: "skipped" }; // rule deleted meanwhile: nothing to deliver
  if (row.d.status === "succeeded") return { status: "succeeded", messageId: row.d.messageId ?? undefined };
  const cfg = emailConfig();
  let error: string | null = null;
  let permanent = false;
  let messageId: string | null = null;
  if (!cfg.enabled) {
    error = "e-mail delivery is not configured (SMTP_URL is not set)";
    permanent = true;
  } else {
    const hits = await db()
      .select({ symbol: alertEvents.symbol, barTs: alertEvents.barTs, values: alertEvents.values })
      .from(alertEvents)
      .where(and(eq(alertEvents.userId, row.d.userId), inArray(alertEvents.id, row.d.eventIds)))
      .orderBy(asc(alertEvents.symbol));
    const mail = renderAlertEmail({ ruleName: row.ruleName, scanName: row.scanName, timeframe: row.timeframe, hits, appUrl: serverEnv().APP_URL });
    try {
      const info = (await getMailTransport(cfg.url).sendMail({
        from: cfg.from,
        to: row.d.recipient,
        ...mail,
        headers: { "X-MSS-Rule": row.d.ruleId, "X-MSS-Delivery": deliveryId },
      })) as { messageId?: string };
      messageId = info.messageId ?? null;
    } catch (err) {
      error = scrubSmtpSecrets(err instanceof Error ? err.message : String(err), cfg.url).slice(0, 500);
      permanent = isPermanent(err);
    }
  }
  const failed = error !== null && (permanent || attempt >= maxAttempts);
  await db()
    .update(emailDeliveries)
    .set({
      attempts: sql`${emailDeliveries.attempts} + 1`,
      error,
      messageId,
      status: error === null ? "succeeded" : failed ? "failed" : "pending",
      deliveredAt: error === null ? new Date() : null,
    })
    .where(eq(emailDeliveries.id, deliveryId));
  if (error !== null) throw new EmailDeliveryError(`email delivery ${deliveryId} failed: ${error}`, permanent);
  return { status: "succeeded", messageId: messageId ?? undefined };
}
