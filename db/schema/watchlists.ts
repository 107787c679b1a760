import { index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { tsz } from "./columns";
import { symbols } from "./market";

/** The symbols on a user's live watchlist (dashboard tile), in the order they were added. */
export const watchlistItems = pgTable(
  "watchlist_items",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    symbol: text()
      .notNull()
      .references(() => symbols.symbol, { onDelete: "cascade", onUpdate: "cascade" }),
    /** Display order (ascending); new symbols go last. */
    position: integer().notNull().default(0),
    createdAt: tsz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.symbol] }), index("watchlist_items_user_idx").on(t.userId, t.position)],
);
