import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { serverEnv } from "../../env";
import { logger } from "../../logger";
import { createRedis } from "../../redis";
import { redis } from "../../db";
import { compareStreamIds, isStreamId, parseEntries, ZERO_ID, type FeedEntry, type RawStreamEntry } from "./bar-feed-merge";
import { liveKeys } from "./keys";

/**
 * Per-process fan-out of the per-symbol bar-event streams (keys.ts `bars(symbol)`).
 *
 * ONE blocking XREAD connection reads the streams of the symbols that currently have local followers
 * and hands each batch of entries to them in memory, however many browsers follow a symbol.
 *
 * `follow(symbol, afterId)` delivers every entry with id > afterId exactly once, in order:
 * 1. the follower is registered first (hub entries that arrive meanwhile are buffered);
 * 2. it catches up with XRANGE (afterId, +] (paged) on the command connection;
 * 3. the buffer is drained, keeping only ids above the last delivered one; then it is live.
 * A symbol's shared cursor never comes from a client: a new group stays out of the XREAD until the
 * first catch-up (XINFO + XRANGE in one MULTI) gives it the stream's real last id; after that it is
 * always an id the hub has read. Every later catch-up runs after that MULTI on the same connection,
 * so 2 reaches at least the cursor and 1 + 2 cover everything after afterId (no gap); the id filter
 * removes the overlap (no duplicate). If entries after afterId were trimmed away (MAXLEN), the stream
 * was recreated or afterId is newer than anything the stream holds, `onReset` is called for that
 * follower only: the caller must start over from a fresh snapshot.
 */
export interface FollowHandlers {
  /** A batch of entries, ids ascending, all > the previous batch's. */
  onEntries: (entries: FeedEntry[]) => void;
  /** Entries after afterId are gone (trimmed, stream deleted): continuity is impossible. */
  onReset: (reason: string) => void;
}

interface Follower extends FollowHandlers {
  lastId: string;
  catchingUp: boolean;
  buffer: FeedEntry[];
  closed: boolean;
}

interface SymbolGroup {
  symbol: string;
  key: string;
  /** XREAD position: the stream's last id when the group was set up, then the last id read; null = not known yet (left out of the XREAD). */
  cursor: string | null;
  followers: Set<Follower>;
}

export interface BarFeedHubOptions {
  /** Command connection (XRANGE, XINFO, CLIENT UNBLOCK). */
  redis: Redis;
  /** Dedicated connection for the blocking XREAD (owned by the hub, closed by close()). */
  reader: Redis;
  keys?: ReturnType<typeof liveKeys>;
  /** Longest XREAD block (ms); new symbols interrupt it with CLIENT UNBLOCK. */
  blockMs?: number;
  /** Entries per XREAD / XRANGE page. */
  count?: number;
}

const log = () => logger.child({ mod: "bar-feed" });

export class BarFeedHub {
  private readonly groups = new Map<string, SymbolGroup>();
  private readonly keys: ReturnType<typeof liveKeys>;
  private readonly blockMs: number;
  private readonly count: number;
  private running = false;
  private closed = false;
  private inFlight = false;
  /** Set when the symbol set grew while an XREAD was blocked without it. */
  private dirty = false;
  private readerId: number | null = null;
  private wake: (() => void) | null = null;
  private loopDone: Promise<void> | null = null;

  constructor(private readonly opts: BarFeedHubOptions) {
    this.keys = opts.keys ?? liveKeys();
    this.blockMs = opts.blockMs ?? 5_000;
    this.count = opts.count ?? 500;
    opts.reader.on("ready", () => {
      this.readerId = null; // a reconnect gets a new client id
    });
  }

  /** Symbols with local followers, and how many. */
  stats(): { symbols: number; followers: number } {
    let followers = 0;
    for (const g of this.groups.values()) followers += g.followers.size;
    return { symbols: this.groups.size, followers };
  }

  /** Follow a symbol's events after `afterId` ("0-0" = from the start). Returns the unfollow function. */
  follow(symbol: string, afterId: string, handlers: FollowHandlers): () => void {
    if (this.closed) throw new Error("bar feed hub is closed");
    const f: Follower = { ...handlers, lastId: afterId, catchingUp: true, buffer: [], closed: false };
    let g = this.groups.get(symbol);
    if (!g) {
      // Joins the XREAD once its first catch-up has read the stream's last id (see catchUp).
      g = { symbol, key: this.keys.bars(symbol), cursor: null, followers: new Set() };
      this.groups.set(symbol, g);
      this.start();
    }
    g.followers.add(f);
    void this.catchUp(g, f);
    return () => {
      f.closed = true;
      f.buffer = [];
      const cur = this.groups.get(symbol);
      if (!cur) return;
      cur.followers.delete(f);
      if (cur.followers.size === 0) this.groups.delete(symbol); // dropped from the next XREAD
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.groups.clear();
    this.wake?.();
    await this.interrupt();
    this.opts.reader.disconnect();
    await this.loopDone;
  }

  private start(): void {
    if (this.running) {
      this.wake?.();
      return;
    }
    this.running = true;
    this.loopDone = this.loop().finally(() => {
      this.running = false;
    });
  }

  /** Make a blocked XREAD return now, so the next one includes new symbols. */
  private async interrupt(): Promise<void> {
    try {
      for (let attempt = 0; attempt < 50 && this.inFlight && this.dirty; attempt++) {
        // The id is read before each XREAD; asking the blocked reader itself would wait behind it.
        if (this.readerId === null) return;
        // 0 = the reader is not blocked yet (command in transit): retry shortly.
        if (Number(await this.opts.redis.client("UNBLOCK", this.readerId)) === 1) return;
        await sleep(2);
      }
    } catch (err) {
      log().debug({ err }, "bar feed: unblock failed (the XREAD times out instead)");
    }
  }

  private async loop(): Promise<void> {
    const reader = this.opts.reader;
    while (!this.closed) {
      const groups = [...this.groups.values()].filter((g): g is SymbolGroup & { cursor: string } => g.cursor !== null);
      if (groups.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      this.dirty = false;
      let res: [string, RawStreamEntry[]][] | null;
      try {
        this.inFlight = true;
        this.readerId ??= Number(await reader.client("ID"));
        res = (await reader.xread("COUNT", this.count, "BLOCK", this.blockMs, "STREAMS", ...groups.map((g) => g.key), ...groups.map((g) => g.cursor))) as
          | [string, RawStreamEntry[]][]
          | null;
      } catch (err) {
        if (this.closed) break;
        log().warn({ err }, "bar feed: XREAD failed; retrying");
        await sleep(500);
        continue;
      } finally {
        this.inFlight = false;
      }
      if (!res) continue;
      const byKey = new Map(groups.map((g) => [g.key, g]));
      for (const [key, raw] of res) {
        const g = byKey.get(key);
        if (!g || raw.length === 0) continue;
        g.cursor = raw[raw.length - 1]![0];
        const entries = parseEntries(raw, (id, reason) => log().warn({ key, id, reason }, "bar feed: skipped a malformed bar event"));
        if (entries.length === 0) continue;
        for (const f of g.followers) this.deliver(f, entries);
      }
    }
  }

  private deliver(f: Follower, entries: FeedEntry[]): void {
    if (f.closed) return;
    if (f.catchingUp) {
      f.buffer.push(...entries);
      return;
    }
    const fresh = entries.filter((e) => compareStreamIds(e.id, f.lastId) > 0);
    if (fresh.length === 0) return;
    f.lastId = fresh[fresh.length - 1]!.id;
    try {
      f.onEntries(fresh);
    } catch (err) {
      log().error({ err }, "bar feed: follower failed");
    }
  }

  private async catchUp(g: SymbolGroup, f: Follower): Promise<void> {
    const r = this.opts.redis;
    try {
      const first = await r
        .multi()
        .xinfo("STREAM", g.key)
        .xrange(g.key, `(${f.lastId}`, "+", "COUNT", this.count)
        .exec();
      const [infoErr, info] = first?.[0] ?? [null, null];
      const [rangeErr, range] = first?.[1] ?? [null, null];
      const noStream = infoErr !== null && /no such key/i.test(String(infoErr));
      if (g.cursor === null && (!infoErr || noStream)) this.setCursor(g, noStream ? ZERO_ID : lastGeneratedId(info as unknown[]));
      if (rangeErr) throw rangeErr;
      if (infoErr) {
        // No stream yet: nothing to catch up with, unless the client had seen entries of a stream that is gone.
        if (!noStream) throw infoErr;
        if (f.lastId !== ZERO_ID) return this.reset(f, "the bar event stream no longer exists");
      } else {
        const gap = gapReason(info as unknown[], f.lastId);
        if (gap) return this.reset(f, gap);
      }
      let page = range as RawStreamEntry[];
      while (!f.closed) {
        const entries = parseEntries(page, (id, reason) => log().warn({ key: g.key, id, reason }, "bar feed: skipped a malformed bar event"));
        const last = page[page.length - 1]?.[0];
        if (entries.length) {
          f.lastId = entries[entries.length - 1]!.id;
          f.onEntries(entries);
        }
        if (last) f.lastId = compareStreamIds(last, f.lastId) > 0 ? last : f.lastId;
        if (page.length < this.count || !last) break;
        page = (await r.xrange(g.key, `(${last}`, "+", "COUNT", this.count)) as RawStreamEntry[];
      }
    } catch (err) {
      if (f.closed) return;
      log().warn({ err, key: g.key }, "bar feed: catch-up failed");
      return this.reset(f, "catch-up failed");
    }
    if (f.closed) return;
    f.catchingUp = false;
    const buffered = f.buffer;
    f.buffer = [];
    if (buffered.length) this.deliver(f, buffered);
  }

  /** A new group's first position: the stream's last id read atomically with a catch-up, so it joins the XREAD without a gap. */
  private setCursor(g: SymbolGroup, id: string): void {
    g.cursor = id;
    if (this.groups.get(g.symbol) !== g) return; // unfollowed meanwhile
    this.dirty = true;
    this.start();
    void this.interrupt();
  }

  private reset(f: Follower, reason: string): void {
    if (f.closed) return;
    f.closed = true;
    f.buffer = [];
    f.onReset(reason);
  }
}

/**
 * Whether entries after `afterId` may have been removed (from XINFO STREAM): trimming (MAXLEN)
 * removes the oldest entries, so if the oldest entry still held is newer than afterId and anything
 * was ever removed, entries right after afterId may be gone (conservative: at worst an extra
 * snapshot, never a silent gap). XDEL shows in max-deleted-entry-id. Ids going backwards mean the
 * stream was deleted and recreated.
 */
function gapReason(info: unknown[], afterId: string): string | null {
  const field = (name: string) => {
    const i = info.indexOf(name);
    return i >= 0 ? info[i + 1] : undefined;
  };
  const lastGenerated = field("last-generated-id");
  if (typeof lastGenerated === "string" && compareStreamIds(afterId, lastGenerated) > 0) return "the last event id is newer than the stream (stream recreated or invalid id)";
  const maxDeleted = field("max-deleted-entry-id");
  if (typeof maxDeleted === "string" && compareStreamIds(maxDeleted, afterId) > 0) return "entries after the last event id were deleted";
  const length = Number(field("length") ?? 0);
  const added = Number(field("entries-added") ?? length);
  const firstEntry = field("first-entry") as RawStreamEntry | null | undefined;
  const firstId = (field("recorded-first-entry-id") as string | undefined) ?? firstEntry?.[0];
  if (added > length && typeof firstId === "string" && compareStreamIds(firstId, afterId) > 0) return "entries after the last event id were trimmed";
  return null;
}

/** The stream's last id (XINFO STREAM last-generated-id): every entry added later has a greater id. */
function lastGeneratedId(info: unknown[]): string {
  const i = info.indexOf("last-generated-id");
  const id = i >= 0 ? info[i + 1] : undefined;
  return typeof id === "string" && isStreamId(id) ? id : ZERO_ID;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const g = globalThis as unknown as { __mssBarFeedHub?: BarFeedHub };

/** The hub's blocking connection's client name: one per process (host and pid tell the web servers apart in CLIENT LIST). */
export const barFeedConnectionName = (): string => `mss-bar-feed-${hostname().replace(/\s+/g, "_")}-${process.pid}`;

/** The process-wide hub (created on first use; cached on globalThis for dev reloads). */
export function barFeedHub(): BarFeedHub {
  if (!g.__mssBarFeedHub) {
    const reader = createRedis(serverEnv().REDIS_URL, "worker", { connectionName: barFeedConnectionName() });
    reader.on("error", (err) => log().debug({ err }, "bar feed reader connection error"));
    g.__mssBarFeedHub = new BarFeedHub({ redis: redis(), reader });
  }
  return g.__mssBarFeedHub;
}

/** Close the process-wide hub (tests, shutdown). */
export async function closeBarFeedHub(): Promise<void> {
  const hub = g.__mssBarFeedHub;
  g.__mssBarFeedHub = undefined;
  await hub?.close();
}
