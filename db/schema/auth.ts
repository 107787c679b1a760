import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, uniqueIndex, uuid, jsonb } from "drizzle-orm/pg-core";
import { timestamps, tsz } from "./columns";

export const USER_ROLES = ["admin", "analyst", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const userRole = pgEnum("user_role", USER_ROLES);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text(),
    passwordHash: text().notNull(),
    role: userRole().notNull().default("analyst"),
    disabledAt: tsz(),
    lastLoginAt: tsz(),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`)],
);

/** Server-side record of every login; the JWT carries its id so logout and disabling revoke it. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: tsz().notNull().defaultNow(),
    expiresAt: tsz().notNull(),
    revokedAt: tsz(),
    userAgent: text(),
    ip: text(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Personal API tokens: only a SHA-256 of the secret is stored; the prefix identifies it in lists. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    createdAt: tsz().notNull().defaultNow(),
    lastUsedAt: tsz(),
    expiresAt: tsz(),
    revokedAt: tsz(),
  },
  (t) => [uniqueIndex("api_tokens_hash_idx").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid().primaryKey().defaultRandom(),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    action: text().notNull(),
    target: text(),
    detail: jsonb().$type<Record<string, unknown>>(),
    ts: tsz().notNull().defaultNow(),
  },
  (t) => [index("audit_log_ts_idx").on(t.ts)],
);
