import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  pgView,
  primaryKey,
  real,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { timestamps, tsz } from "./columns";

export const ASSET_CLASSES = ["stock", "crypto", "etf", "index"] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];
export const assetClass = pgEnum("asset_class", ASSET_CLASSES);

/** The universe. Loaded from the database everywhere; never hard-coded. */
export const symbols = pgTable(
  "symbols",
  {
    symbol: text().primaryKey(),
    name: text(),
    assetClass: assetClass().notNull().default("stock"),
    exchange: text(),
    currency: text().notNull().default("USD"),
    sector: text(),
    industry: text(),
    active: boolean().notNull().default(true),
    /** Vendor ids where they differ from `symbol`, e.g. { binance: "BTCUSDT" }. */
    providerIds: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Preferred history provider for backfills and updates. */
    provider: text().notNull().default("yahoo"),
    addedAt: tsz().notNull().defaultNow(),
    removedAt: tsz(),
    ...timestamps,
  },
  (t) => [index("symbols_active_idx").on(t.active, t.assetClass)],
);

/** The columns of every bar relation. ts = bar open, UTC. */
function barColumns() {
  return {
    symbol: text().notNull(),
    ts: tsz().notNull(),
    open: doublePrecision().notNull(),
    high: doublePrecision().notNull(),
    low: doublePrecision().notNull(),
    close: doublePrecision().notNull(),
    volume: doublePrecision().notNull(),
    vwap: doublePrecision(),
    trades: bigint({ mode: "number" }),
    /** Provider id, or "rollup" when built from the next lower timeframe. */
    source: text().notNull(),
  };
}

/**
 * One table per timeframe, PK (symbol, ts): the vendor's own bars. Above 1m, bars built from 1m live in
 * `bars_<tf>_rollup` (a table, or a continuous aggregate under TimescaleDB; migration 0011), and reads
 * go through the view `bars_<tf>_all` (the bar in `bars_<tf>` where there is one, else the rollup).
 */
function barsTable<N extends string>(name: N) {
  return pgTable(name, barColumns(), (t) => [primaryKey({ columns: [t.symbol, t.ts] })]);
}

export const bars1m = barsTable("bars_1m");
export const bars5m = barsTable("bars_5m");
export const bars15m = barsTable("bars_15m");
export const bars1h = barsTable("bars_1h");
export const bars4h = barsTable("bars_4h");
export const bars1d = barsTable("bars_1d");

/** Daily bars as every read sees them (created by migration 0011, not by drizzle-kit). */
export const bars1dAll = pgView("bars_1d_all", barColumns()).existing();

export const BAR_TABLES = {
  "1m": bars1m,
  "5m": bars5m,
  "15m": bars15m,
  "1h": bars1h,
  "4h": bars4h,
  "1d": bars1d,
} as const;

export const CORPORATE_ACTION_KINDS = ["split", "dividend", "spinoff", "adjustment"] as const;
export const corporateActionKind = pgEnum("corporate_action_kind", CORPORATE_ACTION_KINDS);

/** Splits (new shares per old), dividends (cash per share), spin-offs (price factor 0..1), vendor-reconciling adjustments (price factor). */
export const corporateActions = pgTable(
  "corporate_actions",
  {
    symbol: text().notNull(),
    ts: tsz().notNull(),
    kind: corporateActionKind().notNull(),
    value: doublePrecision().notNull(),
    /** Vendor id, or "inferred" when derived from a vendor's adjusted series. */
    source: text().notNull(),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.ts, t.kind] })],
);

/**
 * Backward adjustment as a step function: from `ts` (inclusive) until the next row of the symbol,
 * adjusted price = raw × priceFactor and adjusted volume = raw volume ÷ volumeFactor (splits only).
 * The latest segment has factors 1.
 */
export const adjustmentFactors = pgTable(
  "adjustment_factors",
  {
    symbol: text().notNull(),
    ts: tsz().notNull(),
    priceFactor: doublePrecision().notNull(),
    volumeFactor: doublePrecision().notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.ts] })],
);

export const INGESTION_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "cancelled"] as const;
export const ingestionStatus = pgEnum("ingestion_status", INGESTION_STATUSES);

export const ingestionRuns = pgTable(
  "ingestion_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    provider: text().notNull(),
    kind: text().notNull(), // backfill | update | repair | import | demo
    symbols: text().array().notNull(),
    timeframe: text().notNull(),
    rangeStart: tsz(),
    rangeEnd: tsz(),
    status: ingestionStatus().notNull().default("queued"),
    progress: real().notNull().default(0),
    rowsIn: bigint({ mode: "number" }).notNull().default(0),
    rowsOut: bigint({ mode: "number" }).notNull().default(0),
    rowsQuarantined: bigint({ mode: "number" }).notNull().default(0),
    requests: integer().notNull().default(0),
    /** Symbols fully done, for resumption. */
    doneSymbols: text().array().notNull().default(sql`'{}'::text[]`),
    error: text(),
    jobId: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: tsz().notNull().defaultNow(),
    startedAt: tsz(),
    finishedAt: tsz(),
    durationMs: integer(),
  },
  (t) => [index("ingestion_runs_created_idx").on(t.createdAt)],
);

export const DQ_SEVERITIES = ["info", "warning", "error"] as const;
export const dqSeverity = pgEnum("dq_severity", DQ_SEVERITIES);

/**
 * Data-quality findings. `quarantined` rows hold a bar that was NOT stored (values = the bar);
 * others annotate stored data (gaps, spikes, stale series).
 */
export const dataQualityIssues = pgTable(
  "data_quality_issues",
  {
    id: uuid().primaryKey().defaultRandom(),
    symbol: text().notNull(),
    timeframe: text().notNull(),
    ts: tsz().notNull(),
    rule: text().notNull(),
    severity: dqSeverity().notNull(),
    quarantined: boolean().notNull().default(false),
    message: text().notNull(),
    values: jsonb().$type<Record<string, unknown>>().notNull(),
    runId: uuid().references(() => ingestionRuns.id, { onDelete: "set null" }),
    detectedAt: tsz().notNull().defaultNow(),
    resolvedAt: tsz(),
    resolvedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    resolution: text(),
  },
  (t) => [
    uniqueIndex("dq_issue_key_idx").on(t.symbol, t.timeframe, t.ts, t.rule),
    index("dq_open_idx").on(t.resolvedAt, t.detectedAt),
  ],
);

export const BREAKER_STATES = ["closed", "open", "half-open"] as const;

export const providerState = pgTable("provider_state", {
  provider: text().primaryKey(),
  breaker: text().notNull().default("closed"),
  consecutiveFailures: integer().notNull().default(0),
  requests: bigint({ mode: "number" }).notNull().default(0),
  lastSuccessAt: tsz(),
  lastErrorAt: tsz(),
  lastError: text(),
  updatedAt: tsz().notNull().defaultNow(),
});
