import { index, pgTable, primaryKey, real, text } from "drizzle-orm/pg-core";
import { tsz } from "./columns";

/**
 * Feature values: one row per (feature set, timeframe, symbol, ts) holding the whole vector as real[]
 * in the feature set's fixed order (lib/features). Compact for 5,000 symbols × 10 years × 60+ features
 * (~12.5M rows of ~300 bytes), one index range scan per symbol, and a (set, timeframe, ts) index for
 * cross-sections. NaN (warm-up) is stored as NaN.
 */
export const featureValues = pgTable(
  "feature_values",
  {
    featureSet: text().notNull(),
    timeframe: text().notNull(),
    symbol: text().notNull(),
    ts: tsz().notNull(),
    values: real().array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.featureSet, t.timeframe, t.symbol, t.ts] }), index("feature_values_xs_idx").on(t.featureSet, t.timeframe, t.ts)],
);

/** The definition each stored vector was computed with: names in storage order and a hash of them + code version. */
export const featureSets = pgTable("feature_sets", {
  name: text().primaryKey(),
  hash: text().notNull(),
  names: text().array().notNull(),
  createdAt: tsz().notNull().defaultNow(),
});
