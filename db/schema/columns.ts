import { timestamp } from "drizzle-orm/pg-core";

/** Every time column is timestamptz (UTC). */
export const tsz = () => timestamp({ withTimezone: true, mode: "date" });

export const timestamps = {
  createdAt: tsz().notNull().defaultNow(),
  updatedAt: tsz()
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};
