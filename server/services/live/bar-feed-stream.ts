import { eq } from "drizzle-orm";
import { symbols } from "@/db/schema";
import type { Timeframe } from "@/lib/bars/timeframe";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { logger } from "../../logger";
import { barFeedHub, type BarFeedHub } from "./bar-feed";
import { barsOf, isStreamId, sortBars, type FeedBar } from "./bar-feed-merge";
import { FeedQueue } from "./bar-feed-queue";
import { getLiveBarsSnapshot } from "./bar-feed-snapshot";
import { CoalescingThrottle, throttleIntervalMs } from "./bar-feed-throttle";

export interface LiveBarsSnapshotMessage {
  kind: "snapshot";
  symbol: string;
  timeframe: Timeframe;
  bars: FeedBar[];
  adjustable: boolean;
  clock: number | null;
  receivedAt: number | null;
  /** Why a snapshot was sent again mid-stream (trimmed resume point…); null for the first one. */
  reason: string | null;
}

export interface LiveBarsUpdateMessage {
  kind: "update";
  /** Changed bars (latest version per ts), ascending ts. */
  bars: FeedBar[];
  /** Source clock of the newest event included. */
  clock: number;
  /** Newest / oldest collector receive time (epoch ms) among the events included; null for clock-only steps. */
  receivedAt: number | null;
  oldestReceivedAt: number | null;
  /** Stream entries (with bars of this timeframe) coalesced into this message. */
  events: number;
}

export type LiveBarsMessage = LiveBarsSnapshotMessage | LiveBarsUpdateMessage;

export interface StreamLiveBarsOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Resume after this stream entry id (no snapshot); absent → snapshot first. */
  lastEventId?: string | null;
  limit: number;
  adjusted?: boolean;
  signal?: AbortSignal;
  /** Throttle window (ms); default from LIVE_MAX_UPDATES_PER_S. */
  intervalMs?: number;
  hub?: BarFeedHub;
}

/** `gen` counts snapshots: items of an older generation (queued before a re-snapshot) are dropped. */
type Item = { type: "message"; gen: number; id: string; message: LiveBarsMessage } | { type: "reset"; reason: string };

export type LiveBarsStream = AsyncGenerator<{ id: string; message: LiveBarsMessage }>;

/**
 * A browser's live bars of (symbol, timeframe): a snapshot (unless resuming), then throttled updates,
 * each with the stream entry id to resume after. Ends when `signal` aborts.
 *
 * The symbol is checked before the stream is returned: an AppError thrown here reaches the tRPC
 * error middleware (NOT_FOUND, which the SSE client does not retry), while one thrown inside the
 * generator would only reach the client as a retryable INTERNAL_SERVER_ERROR.
 */
export async function streamLiveBars(opts: StreamLiveBarsOptions): Promise<LiveBarsStream> {
  const [known] = await db().select({ symbol: symbols.symbol }).from(symbols).where(eq(symbols.symbol, opts.symbol));
  if (!known) throw new AppError("NOT_FOUND", { userMessage: `${opts.symbol} is not in the universe` });
  return liveBars(opts);
}

async function* liveBars(opts: StreamLiveBarsOptions): LiveBarsStream {
  const hub = opts.hub ?? barFeedHub();
  const intervalMs = opts.intervalMs ?? throttleIntervalMs(serverEnv().LIVE_MAX_UPDATES_PER_S);
  const q = new FeedQueue<Item>();
  let gen = 0;
  let meta = { clock: 0, newest: null as number | null, oldest: null as number | null };
  const throttle = new CoalescingThrottle<FeedBar>({
    intervalMs,
    key: (b) => b.ts,
    onFlush: (f) => {
      const message: LiveBarsUpdateMessage = {
        kind: "update",
        bars: sortBars(f.values),
        clock: meta.clock,
        receivedAt: meta.newest,
        oldestReceivedAt: meta.oldest,
        events: f.pushes,
      };
      meta = { clock: 0, newest: null, oldest: null };
      q.push({ type: "message", gen, id: f.id, message });
    },
  });
  let unfollow: () => void = () => {};
  const follow = (afterId: string) => {
    if (opts.signal?.aborted) return;
    unfollow = hub.follow(opts.symbol, afterId, {
      onEntries: (entries) => {
        const bars: FeedBar[] = [];
        let lastId: string | null = null;
        let count = 0;
        for (const e of entries) {
          const b = barsOf(e.event, opts.timeframe);
          if (b.length === 0) continue;
          bars.push(...b);
          lastId = e.id;
          count++;
          meta.clock = e.event.clock;
          const r = e.event.receivedAt;
          if (r !== null) {
            meta.newest = meta.newest === null ? r : Math.max(meta.newest, r);
            meta.oldest = meta.oldest === null ? r : Math.min(meta.oldest, r);
          }
        }
        if (lastId !== null) throttle.push(lastId, bars, count);
      },
      onReset: (reason) => q.push({ type: "reset", reason }),
    });
  };
  const snapshot = async (reason: string | null) => {
    const s = await getLiveBarsSnapshot({ symbol: opts.symbol, timeframe: opts.timeframe, limit: opts.limit, adjusted: opts.adjusted });
    const message: LiveBarsSnapshotMessage = { kind: "snapshot", symbol: opts.symbol, timeframe: opts.timeframe, reason, ...s };
    return { id: s.id, message };
  };

  // Release the hub follower as soon as the client goes away, even if this generator is never resumed.
  const cleanup = () => {
    unfollow();
    throttle.close();
    q.end();
  };
  opts.signal?.addEventListener("abort", cleanup, { once: true });
  try {
    const resumeFrom = opts.lastEventId && isStreamId(opts.lastEventId) ? opts.lastEventId : null;
    if (resumeFrom) follow(resumeFrom);
    else {
      const first = await snapshot(null);
      if (opts.signal?.aborted) return;
      yield first;
      follow(first.id);
    }
    for await (const item of q.drain(opts.signal)) {
      if (item.type === "message") {
        if (item.gen === gen) yield { id: item.id, message: item.message };
        continue;
      }
      // Continuity is impossible (trimmed or recreated stream): start over from a fresh snapshot.
      logger.info({ symbol: opts.symbol, reason: item.reason }, "live bars: resending a snapshot");
      unfollow();
      gen++;
      throttle.reset();
      meta = { clock: 0, newest: null, oldest: null };
      const again = await snapshot(item.reason);
      if (opts.signal?.aborted) return;
      yield again;
      follow(again.id);
    }
  } finally {
    opts.signal?.removeEventListener("abort", cleanup);
    cleanup();
  }
}
