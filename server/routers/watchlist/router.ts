import { z } from "zod";
import { addToWatchlist, listWatchlist, removeFromWatchlist } from "../../services/live/watchlist";
import { streamWatchlist } from "../../services/live/watchlist-live";
import { getWatchlistSnapshot } from "../../services/live/watchlist-snapshot";
import { authedProcedure, router } from "../../trpc";
import { ZSymbolCode } from "../market/symbols";

const ZWatchlistEntry = z.object({ symbol: z.string(), name: z.string().nullable(), addedAt: z.date() });

export const ZWatchlistQuote = z.object({
  symbol: z.string(),
  name: z.string().nullable(),
  lastPrice: z.number().nullable(),
  lastTs: z.number().nullable(),
  prevClose: z.number().nullable(),
  changePct: z.number().nullable(),
  spark: z.array(z.number()),
  liveAt: z.number().nullable(),
});

const ZWatchlistLiveMessage = z.object({ kind: z.enum(["snapshot", "update"]), rows: z.array(ZWatchlistQuote) });

export const watchlistRouter = router({
  list: authedProcedure.output(z.array(ZWatchlistEntry)).query(({ ctx }) => listWatchlist({ userId: ctx.user.id })),
  add: authedProcedure
    .input(z.object({ symbol: ZSymbolCode }))
    .output(z.array(ZWatchlistEntry))
    .mutation(({ ctx, input }) => addToWatchlist({ userId: ctx.user.id, symbol: input.symbol })),
  remove: authedProcedure
    .input(z.object({ symbol: ZSymbolCode }))
    .output(z.array(ZWatchlistEntry))
    .mutation(({ ctx, input }) => removeFromWatchlist({ userId: ctx.user.id, symbol: input.symbol })),
  /** Last price, change % vs the previous daily close and a sparkline of recent daily closes per symbol. */
  snapshot: authedProcedure.output(z.object({ rows: z.array(ZWatchlistQuote) })).query(({ ctx }) => getWatchlistSnapshot({ userId: ctx.user.id })),
  /** Live quotes of the given watchlist symbols (only the caller's own): a snapshot, then changed rows. */
  live: authedProcedure.input(z.object({ symbols: z.array(ZSymbolCode).max(50) })).subscription(async function* ({ ctx, input, signal }) {
    for await (const m of streamWatchlist({ userId: ctx.user.id, symbols: input.symbols, signal })) yield ZWatchlistLiveMessage.parse(m);
  }),
});
