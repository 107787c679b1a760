import { serverEnv } from "../../env";
import { barFeedHub, type BarFeedHub } from "./bar-feed";
import { FeedQueue } from "./bar-feed-queue";
import { CoalescingThrottle, throttleIntervalMs } from "./bar-feed-throttle";
import { listWatchlist } from "./watchlist";
import { upsertDaily, type WatchlistQuote } from "./watchlist-quote";
import { getSymbolQuoteState, quoteOf, type SymbolQuoteState } from "./watchlist-snapshot";

export type WatchlistLiveMessage = { kind: "snapshot"; rows: WatchlistQuote[] } | { kind: "update"; rows: WatchlistQuote[] };

export interface StreamWatchlistOptions {
  userId: string;
  /** The symbols the client shows; only those also on the user's watchlist are streamed. */
  symbols: readonly string[];
  signal?: AbortSignal;
  intervalMs?: number;
  hub?: BarFeedHub;
}

/**
 * Live quotes of the user's watchlist over one subscription: a snapshot of every row, then changed
 * rows (throttled per client, coalesced per symbol). A reconnect starts again with a snapshot.
 */
export async function* streamWatchlist(opts: StreamWatchlistOptions): AsyncGenerator<WatchlistLiveMessage> {
  const hub = opts.hub ?? barFeedHub();
  const wanted = new Set(opts.symbols);
  const list = (await listWatchlist({ userId: opts.userId })).filter((w) => wanted.has(w.symbol));
  const states = new Map<string, SymbolQuoteState>();
  const q = new FeedQueue<WatchlistLiveMessage | { kind: "reset"; symbol: string }>();
  const throttle = new CoalescingThrottle<WatchlistQuote>({
    intervalMs: opts.intervalMs ?? throttleIntervalMs(serverEnv().LIVE_MAX_UPDATES_PER_S),
    key: (r) => r.symbol,
    onFlush: (f) => q.push({ kind: "update", rows: f.values }),
  });
  const unfollows = new Map<string, () => void>();
  const follow = (s: SymbolQuoteState) => {
    if (opts.signal?.aborted) return;
    unfollows.set(
      s.symbol,
      hub.follow(s.symbol, s.id, {
        onEntries: (entries) => {
          let changed = false;
          for (const e of entries) {
            for (const b of e.event.bars) {
              if (b.tf !== "1d") continue;
              s.points = upsertDaily(s.points, { ts: b.ts, close: b.close });
              changed = true;
            }
            s.liveAt = e.event.clock;
            s.id = e.id;
          }
          if (changed) throttle.push(s.id, [quoteOf(s)]);
        },
        onReset: () => q.push({ kind: "reset", symbol: s.symbol }),
      }),
    );
  };
  const cleanup = () => {
    for (const u of unfollows.values()) u();
    unfollows.clear();
    throttle.close();
    q.end();
  };
  // Release the hub followers as soon as the client goes away, even if this generator is never resumed.
  opts.signal?.addEventListener("abort", cleanup, { once: true });
  try {
    for (const s of await Promise.all(list.map((w) => getSymbolQuoteState(w.symbol, w.name)))) states.set(s.symbol, s);
    if (opts.signal?.aborted) return;
    yield { kind: "snapshot", rows: [...states.values()].map(quoteOf) };
    for (const s of states.values()) follow(s);
    for await (const m of q.drain(opts.signal)) {
      if (m.kind !== "reset") {
        yield m;
        continue;
      }
      // The symbol's stream lost continuity: rebuild its row from stored bars and recent events.
      unfollows.get(m.symbol)?.();
      const old = states.get(m.symbol);
      const s = await getSymbolQuoteState(m.symbol, old?.name ?? null);
      states.set(m.symbol, s);
      yield { kind: "update", rows: [quoteOf(s)] };
      follow(s);
    }
  } finally {
    opts.signal?.removeEventListener("abort", cleanup);
    cleanup();
  }
}
