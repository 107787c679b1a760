import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { timestamps, tsz } from "./columns";

/** A user's saved scan: the text form is the source of truth; the AST is stored validated. */
export const savedScans = pgTable(
  "saved_scans",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    text: text().notNull(),
    ast: jsonb().$type<unknown>().notNull(),
    timeframe: text().notNull().default("1d"),
    /** Incremented on every edit; runs record the version they ran. */
    version: integer().notNull().default(1),
    /** Read-only share link: a random token (null = not shared). Revoking clears it; a new link gets a new token. */
    shareToken: text(),
    sharedAt: tsz(),
    ...timestamps,
  },
  (t) => [index("saved_scans_user_idx").on(t.userId), uniqueIndex("saved_scans_share_token_idx").on(t.shareToken)],
);

export interface ScanResultRow {
  symbol: string;
  sortKey: number | null;
  values: Record<string, number | null>;
  /** Last closes up to the scan bar, for a sparkline. */
  spark?: number[];
  /** Open time (epoch ms) of the symbol's bar the scan read: its newest, which may be older than the run's asOf (a symbol that stopped updating). Absent in runs stored before it was recorded. */
  barTs?: number;
}

/** Every run of a scan (saved or ad hoc) with its results; new hits = matches not in the previous run. */
export const scanRuns = pgTable(
  "scan_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    scanId: uuid().references(() => savedScans.id, { onDelete: "cascade" }),
    scanVersion: integer(),
    text: text().notNull(),
    timeframe: text().notNull(),
    asOf: tsz(),
    universe: integer().notNull(),
    matches: integer().notNull(),
    durationMs: integer().notNull(),
    source: text().notNull(), // "cache" | "postgres"
    results: jsonb().$type<ScanResultRow[]>().notNull(),
    newHits: text().array().notNull(),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [index("scan_runs_user_idx").on(t.userId, t.createdAt), index("scan_runs_scan_idx").on(t.scanId, t.createdAt)],
);
