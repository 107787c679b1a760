import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { tsz } from "./columns";
import { savedScans, scanRuns } from "./scans";

/**
 * An alert rule: new hits of one of the user's saved scans (a condition on a single symbol is a saved
 * scan with `universe symbols in (X)`), delivered in-app and optionally to a signed webhook.
 */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    scanId: uuid()
      .notNull()
      .references(() => savedScans.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** Cron (UTC) on which the scan runs for this rule. */
    schedule: text().notNull().default("45 22 * * 1-5"),
    webhookUrl: text(),
    /** HMAC-SHA256 key for the X-MSS-Signature header (never logged, never in job data). */
    webhookSecret: text(),
    /** "Also e-mail me": one e-mail per evaluation listing the new hits (only when SMTP is configured). */
    emailEnabled: boolean().notNull().default(false),
    /** E-mail recipient; null = the rule owner's own address. */
    emailTo: text(),
    /** A symbol alerts at most once per cooldown window. */
    cooldownMinutes: integer().notNull().default(60),
    active: boolean().notNull().default(true),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [index("alert_rules_user_idx").on(t.userId)],
);

export const alertEvents = pgTable(
  "alert_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    ruleId: uuid()
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    scanRunId: uuid().references(() => scanRuns.id, { onDelete: "set null" }),
    symbol: text().notNull(),
    /** The bar the scan ran on: one event per rule, symbol and bar (dedupe). */
    barTs: tsz().notNull(),
    message: text().notNull(),
    values: jsonb().$type<Record<string, number | null>>().notNull(),
    createdAt: tsz().notNull().defaultNow(),
    readAt: tsz(),
  },
  (t) => [uniqueIndex("alert_events_dedupe_idx").on(t.ruleId, t.symbol, t.barTs), index("alert_events_inbox_idx").on(t.userId, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    eventId: uuid()
      .notNull()
      .references(() => alertEvents.id, { onDelete: "cascade" }),
    ruleId: uuid()
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text().notNull(),
    status: text().notNull().default("pending"), // pending | succeeded | failed
    attempts: integer().notNull().default(0),
    responseStatus: integer(),
    error: text(),
    createdAt: tsz().notNull().defaultNow(),
    deliveredAt: tsz(),
  },
  (t) => [index("webhook_deliveries_user_idx").on(t.userId, t.createdAt)],
);

/**
 * One e-mail per alert evaluation batch (the events it lists are `eventIds`). The recipient is resolved
 * when the batch is queued; the job carries only this row's id.
 */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    ruleId: uuid()
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    scanRunId: uuid().references(() => scanRuns.id, { onDelete: "set null" }),
    eventIds: uuid().array().notNull(),
    recipient: text().notNull(),
    status: text().notNull().default("pending"), // pending | succeeded | failed
    attempts: integer().notNull().default(0),
    /** Last SMTP error, scrubbed of credentials. */
    error: text(),
    messageId: text(),
    createdAt: tsz().notNull().defaultNow(),
    deliveredAt: tsz(),
  },
  (t) => [index("email_deliveries_user_idx").on(t.userId, t.createdAt)],
);
