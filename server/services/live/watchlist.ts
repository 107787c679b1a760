import { and, asc, eq, sql } from "drizzle-orm";
import { symbols, watchlistItems } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";

/** Most symbols on one user's watchlist (one live subscription serves them all). */
export const MAX_WATCHLIST = 50;

export interface WatchlistEntry {
  symbol: string;
  name: string | null;
  addedAt: Date;
}

/** The user's watchlist, in display order. Only ever the caller's own rows. */
export async function listWatchlist(opts: { userId: string }): Promise<WatchlistEntry[]> {
  return db()
    .select({ symbol: watchlistItems.symbol, name: symbols.name, addedAt: watchlistItems.createdAt })
    .from(watchlistItems)
    .innerJoin(symbols, eq(symbols.symbol, watchlistItems.symbol))
    .where(eq(watchlistItems.userId, opts.userId))
    .orderBy(asc(watchlistItems.position), asc(watchlistItems.createdAt));
}

/** Add a symbol of the universe at the end of the user's watchlist (adding it twice is a no-op). */
export async function addToWatchlist(opts: { userId: string; symbol: string }): Promise<WatchlistEntry[]> {
  const [known] = await db().select({ symbol: symbols.symbol }).from(symbols).where(eq(symbols.symbol, opts.symbol));
  if (!known) throw new AppError("NOT_FOUND", { userMessage: `${opts.symbol} is not in the universe` });
  await db().transaction(async (tx) => {
    // One writer per user at a time, so the count check and the position are consistent.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`watchlist:${opts.userId}`}))`);
    const [agg] = await tx
      .select({ n: sql<number>`count(*)::int`, maxPos: sql<number>`coalesce(max(${watchlistItems.position}), -1)::int` })
      .from(watchlistItems)
      .where(eq(watchlistItems.userId, opts.userId));
    const [exists] = await tx
      .select({ symbol: watchlistItems.symbol })
      .from(watchlistItems)
      .where(and(eq(watchlistItems.userId, opts.userId), eq(watchlistItems.symbol, opts.symbol)));
    if (exists) return;
    if ((agg?.n ?? 0) >= MAX_WATCHLIST) throw new AppError("CONFLICT", { userMessage: `A watchlist holds at most ${MAX_WATCHLIST} symbols` });
    await tx.insert(watchlistItems).values({ userId: opts.userId, symbol: opts.symbol, position: (agg?.maxPos ?? -1) + 1 });
  });
  return listWatchlist({ userId: opts.userId });
}

/** Remove a symbol from the user's watchlist (only the caller's own row; absent is a no-op). */
export async function removeFromWatchlist(opts: { userId: string; symbol: string }): Promise<WatchlistEntry[]> {
  await db()
    .delete(watchlistItems)
    .where(and(eq(watchlistItems.userId, opts.userId), eq(watchlistItems.symbol, opts.symbol)));
  return listWatchlist({ userId: opts.userId });
}
