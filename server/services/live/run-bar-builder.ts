import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { z } from "zod";
import { bucketStart, TIMEFRAMES, type Timeframe } from "@/lib/bars/timeframe";
import { calendarForAsset } from "@/lib/calendar";
import { CloseLatencyWindow, crossesMinute, streamIdMs } from "@/lib/live/close-latency";
import { LiveBarBuilder, type BuilderStep, type StoredBar, type SymbolSnapshot } from "@/lib/live/bar-builder";
import { db } from "../../db";
import { logger } from "../../logger";
import { startBarStoreThread, type BarStoreThread } from "./bar-store-thread";
import { createIdleScavenger } from "./idle-scavenge";
import { BAR_BUILDER_GROUP, liveKeys } from "./keys";
import { publishBarEvents } from "./publish-bar-events";
import { liveMetrics } from "./live-metrics";
import { closesOutboxKey, isReplaySource } from "./persist-bar-steps";
import { decodeEntry, type TickEntry } from "./tick-stream";

/**
 * The bar builder process loop for one tick-stream partition:
 *
 * 1. Take the partition's lease (one active builder per partition; a standby waits for it).
 * 2. Restore state: the snapshot hash (forming minutes, grace bars, clocks) + the day's stored 1m bars.
 * 3. Claim every pending entry of the group (a dead consumer's included) and replay them in id order,
 *    then read new entries ('>').
 * 4. Each batch: apply prints → publish bar events (per-symbol streams) at once → hand the step to the
 *    storage thread (bar-store-thread.ts), which stores bars (batched COPY upserts), records rejected
 *    prints, and only then, in one MULTI, saves the snapshot of the touched symbols and XACKs the batch.
 *
 * Crash anywhere: entries not yet acknowledged are still pending and the snapshot predates them, so a
 * restarted builder rebuilds exactly the same bars; stored bars are upserts keyed by (symbol, ts), so
 * nothing is duplicated.
 */
export interface RunBarBuilderOptions {
  /** Blocking connection (XREADGROUP BLOCK); its commands wait for the stream. */
  redis: Redis;
  /** Non-blocking connection for publishing, snapshot and acks. */
  commands: Redis;
  partition?: number;
  consumer?: string;
  signal: AbortSignal;
  graceMs?: number;
  maxFlatGapMs?: number;
  /** Entries per read (default 200). */
  count?: number;
  blockMs?: number;
  leaseMs?: number;
  /** Store bars in Postgres (default true; a benchmark of the stream path alone may turn it off). */
  persist?: boolean;
  /** Bars closed and stored: (timeframe, bucket) once per bucket (bar-close scans and alerts). */
  onBarsClosed?: (closes: { timeframe: Timeframe; ts: number }[]) => Promise<unknown>;
  /** Called once restored and about to read the stream (startup done: lease, state, storage thread). */
  onReady?: () => void;
  /** Called after each applied batch (tests, benchmarks). */
  onStep?: (step: BuilderStep, entries: number) => void;
  prefix?: string;
}

interface SymbolInfo {
  assetClass: string;
}

const LEASE_RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const LEASE_RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

async function loadSymbols(): Promise<Map<string, SymbolInfo>> {
  const rows = await db().$client<{ symbol: string; asset_class: string }[]>`select symbol, asset_class from symbols where active`;
  return new Map(rows.map((r) => [r.symbol, { assetClass: r.asset_class }]));
}

/**
 * The stored 1m bars each restored symbol's state needs: those of the day of its newest closed minute,
 * up to it (a state whose feed ended long ago, an old replay, loads its own last day only).
 */
export async function loadDayMinutes(snaps: readonly SymbolSnapshot[]): Promise<Map<string, StoredBar[]>> {
  const out = new Map<string, StoredBar[]>();
  const wanted = snaps.filter((s) => s.closedUntil > 0);
  if (wanted.length === 0) return out;
  const sql = db().$client;
  const rows = await sql<{ symbol: string; t: number; open: number; high: number; low: number; close: number; volume: number; vwap: number | null; trades: string | null; source: string }[]>`
    select b.symbol, (extract(epoch from b.ts) * 1000)::float8 as t, b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trades, b.source
    from unnest(${sql.array(wanted.map((s) => s.symbol))}::text[],
                ${sql.array(wanted.map((s) => new Date(bucketStart(s.closedUntil - 1, "1d")).toISOString()))}::timestamptz[],
                ${sql.array(wanted.map((s) => new Date(s.closedUntil).toISOString()))}::timestamptz[]) as w(symbol, lo, hi)
    join bars_1m b on b.symbol = w.symbol and b.ts >= w.lo and b.ts < w.hi
    order by b.symbol, b.ts`;
  for (const r of rows) {
    let a = out.get(r.symbol);
    if (!a) out.set(r.symbol, (a = []));
    a.push({ ts: r.t, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume, vwap: r.vwap ?? Number.NaN, trades: r.trades === null ? Number.NaN : Number(r.trades), flat: r.source.endsWith(":flat") });
  }
  return out;
}

/** Quiet time after a step before the idle collection (see the read loop). */
const IDLE_SCAVENGE_DELAY_MS = 20;
/**
 * After publishing a bucket close while caught up (a short read), the builder pauses this long before
 * its own follow-up work (snapshot, storage thread, Postgres): on a machine with few cores the readers of
 * the closed bars (the web's hub) are woken at that moment and would otherwise queue behind that work.
 * Once per closed minute of a caught-up source (a live feed: once a minute; a 1000× replay: 3% of its
 * time), never while catching up. Measured with bench/live in paired runs (alternate minutes with and
 * without it, same run; pauses of 2, 2, 5 and 2 ms): completion p50 0.46–0.8 ms lower in all four runs;
 * p99 12.7 → 10.0, 11.6 → 11.1, 17.0 → 11.0 and 15.1 → 17.2 ms (the tail is the machine's).
 */
const CLOSE_YIELD_MS = 2;

const round2 = (x: number) => Math.round(x * 100) / 100;

const ZCloses = z.array(z.object({ timeframe: z.enum(TIMEFRAMES), ts: z.number().int() }));

type XReadReply = [string, [string, string[]][]][] | null;

export async function runBarBuilder(opts: RunBarBuilderOptions): Promise<void> {
  const partition = opts.partition ?? 0;
  const keys = liveKeys(opts.prefix);
  const streamKey = keys.ticks(partition);
  const stateKey = keys.builderState(partition);
  const leaseKey = keys.builderLease(partition);
  const consumer = opts.consumer ?? `${hostname()}-${process.pid}`;
  const leaseMs = opts.leaseMs ?? 10_000;
  const count = opts.count ?? 200;
  const blockMs = opts.blockMs ?? 1_000;
  const persist = opts.persist !== false;
  const { redis, commands, signal } = opts;
  const log = logger.child({ component: "bar-builder", partition, consumer });
  const m = liveMetrics();

  // 1. Lease.
  while (!signal.aborted) {
    const ok = await commands.set(leaseKey, consumer, "PX", leaseMs, "NX");
    if (ok === "OK") break;
    await new Promise((r) => setTimeout(r, Math.min(1_000, leaseMs / 4)));
  }
  if (signal.aborted) return;
  const lost = new AbortController();
  const renew = setInterval(() => {
    commands
      .eval(LEASE_RENEW, 1, leaseKey, consumer, String(leaseMs))
      .then((r) => {
        if (r !== 1) {
          log.error("bar builder lease lost; stopping");
          lost.abort();
        }
      })
      .catch((err: Error) => log.warn({ err: err.message }, "lease renewal failed"));
  }, Math.max(200, leaseMs / 3));
  const stop = AbortSignal.any([signal, lost.signal]);
  let storeThread: BarStoreThread | undefined;

  try {
    const store = (storeThread = await startBarStoreThread({ persist, streamKey, stateKey }));
    await commands.xgroup("CREATE", streamKey, BAR_BUILDER_GROUP, "0", "MKSTREAM").catch((err: Error) => {
      if (!err.message.includes("BUSYGROUP")) throw err;
    });

    // 2. Restore.
    let symbols = await loadSymbols();
    let symbolsLoadedAt = Date.now();
    const builder = new LiveBarBuilder({ graceMs: opts.graceMs, maxFlatGapMs: opts.maxFlatGapMs });
    for (const [s, info] of symbols) builder.setSymbol({ symbol: s, calendar: calendarForAsset(info.assetClass) });
    const saved = await commands.hgetall(stateKey);
    const clocks = saved.__clocks ? (JSON.parse(saved.__clocks) as Record<string, number>) : {};
    const snaps: SymbolSnapshot[] = Object.entries(saved)
      .filter(([k]) => k !== "__clocks")
      .map(([, v]) => JSON.parse(v) as SymbolSnapshot);
    if (snaps.length > 0) {
      const minutes = await loadDayMinutes(snaps);
      // Clocks of sources no symbol follows any more (finished replays) are not carried on.
      const used = new Set(snaps.map((x) => x.source));
      for (const k of Object.keys(clocks)) if (!used.has(k)) delete clocks[k];
      builder.restore({ clocks, symbols: snaps }, (s) => minutes.get(s) ?? []);
      log.info({ symbols: snaps.length }, "bar builder state restored");
    }

    // 3. Claim everything pending (a dead builder's entries too), then our own backlog, then new entries.
    let cursor = "0-0";
    do {
      const r = (await commands.xautoclaim(streamKey, BAR_BUILDER_GROUP, consumer, 0, cursor, "COUNT", 1000, "JUSTID")) as [string, string[]];
      cursor = r[0];
    } while (cursor !== "0-0" && !stop.aborted);

    // Bucket closes go through an outbox (persist-bar-steps.ts): written with the acks, removed once
    // dispatched. What a dead builder left there (acknowledged, never dispatched) goes first; a close
    // dispatched twice is deduplicated by its jobs' ids. A failed dispatch stays for the next start.
    const outbox = closesOutboxKey(stateKey);
    const dispatchCloses = async (json: string) => {
      try {
        await opts.onBarsClosed!(ZCloses.parse(JSON.parse(json)));
        await commands.lrem(outbox, 1, json);
      } catch (err) {
        log.error({ err: (err as Error).message }, "bar-close dispatch failed; kept in the outbox for the next start");
      }
    };
    if (opts.onBarsClosed) for (const json of await commands.lrange(outbox, 0, -1)) await dispatchCloses(json);

    // Storage runs on its own thread, in step order; bar closes are dispatched once their bars are stored.
    let persistError: Error | null = null;
    let stored: Promise<void> = Promise.resolve();

    let processed = 0;
    let lastStatus = 0;
    // Bucket close → closed bars published, per source and close (the status panel's p50/p99).
    const closeLatency = new CloseLatencyWindow();
    const publishStatus = async (force = false) => {
      const now = Date.now();
      if (!force && now - lastStatus < 1_000) return;
      lastStatus = now;
      const pending = (await commands.xpending(streamKey, BAR_BUILDER_GROUP).catch(() => [0])) as [number];
      const close = closeLatency.summary();
      const status = {
        state: "running",
        consumer,
        partition,
        processedTicks: processed,
        pending: Number(pending[0] ?? 0),
        symbols: builder.symbols().length,
        clocks: builder.snapshot([]).clocks,
        ...(close ? { closeP50Ms: round2(close.p50), closeP99Ms: round2(close.p99), closeMaxMs: round2(close.max), closeSamples: close.samples } : {}),
        updatedAt: now,
      };
      await commands.hset(keys.status, "builder", JSON.stringify(status));
      m.builderPending.set({ partition: String(partition) }, status.pending);
    };

    /**
     * A source's close signal → its closed 1m bars published. Only for closes appended since the previous
     * read returned (those waited at most for the builder's previous step, which counts): an older
     * backlog — after a restart, a database outage — shows as pending entries, and would otherwise hold
     * the window's p99 at the outage's length for the next 240 closes. The append time is the stream
     * id's millisecond (Redis's clock, truncated: a sample may read up to 1 ms high; builder and Redis
     * need synchronised clocks if on different hosts).
     */
    const recordCloseLatency = (signals: Map<string, number>, events: BuilderStep["events"]) => {
      const now = performance.timeOrigin + performance.now();
      const closed = new Set<string>();
      for (const [sym, bars] of events) {
        if (!bars.some((b) => b.tf === "1m" && b.status === "closed")) continue;
        const src = builder.sourceOf(sym);
        if (src !== null) closed.add(src);
      }
      for (const [src, appendedAt] of signals) {
        if (!closed.has(src)) continue;
        const ms = now - appendedAt;
        closeLatency.add(ms);
        m.barClose.observe(Math.max(0, ms) / 1_000);
      }
    };

    /** `since`: when the previous read returned (wall ms; null while replaying pending entries): older closes are a backlog. */
    const handle = async (raw: [string, string[]][], caughtUp: boolean, since: number | null = null) => {
      const entries: TickEntry[] = [];
      const bad: string[] = [];
      for (const [id, fields] of raw) {
        try {
          entries.push(decodeEntry(id, fields));
        } catch (err) {
          bad.push(id);
          log.warn({ id, err: (err as Error).message }, "malformed tick entry skipped");
          m.malformedEntries.inc();
        }
      }
      // Unknown symbols: refresh the universe (at most every 5 s) before rejecting their prints.
      if (Date.now() - symbolsLoadedAt > 5_000 && entries.some((e) => e.ticks.some((t) => !builder.hasSymbol(t.symbol)))) {
        symbols = await loadSymbols();
        symbolsLoadedAt = Date.now();
        for (const [s, info] of symbols) if (!builder.hasSymbol(s)) builder.setSymbol({ symbol: s, calendar: calendarForAsset(info.assetClass) });
      }
      // Per source, when the first entry that passed a minute boundary was appended (its stream id).
      const closeSignals = new Map<string, number>();
      for (const e of entries) {
        const prev = builder.clock(e.source);
        builder.apply(e.source, e.ticks, e.clock, e.receivedAt);
        if (since === null || closeSignals.has(e.source) || !crossesMinute(prev, e.clock)) continue;
        const appendedAt = streamIdMs(e.id);
        if (appendedAt >= since - 1) closeSignals.set(e.source, appendedAt);
      }
      const step = builder.drain();
      processed += step.ticks;
      m.ticks.inc(step.ticks);
      // Publish first (the browser sees the bar now); persistence follows asynchronously.
      if (step.events.size > 0) {
        const clock = entries.reduce((a, e) => Math.max(a, e.clock), 0);
        const out: { key: string; payload: string }[] = [];
        for (const [sym, bars] of step.events) {
          if (bars.length > 0) out.push({ key: keys.bars(sym), payload: JSON.stringify({ symbol: sym, clock, receivedAt: step.receivedAt, bars }) });
        }
        const published = publishBarEvents(commands, out);
        // Counted while the events travel, not before they leave.
        for (const bars of step.events.values()) for (const b of bars) if (b.status !== "forming") m.bars.inc({ status: b.status, tf: b.tf });
        await published;
        if (caughtUp && closeSignals.size > 0) recordCloseLatency(closeSignals, step.events);
      }
      // Buckets closed in this step, once each (a bucket closes for all symbols of a source together; a
      // later close of the same bucket — a symbol closing late, another replay — is deduplicated by the
      // dispatched job's id while it exists, and re-running a scan on changed bars is right anyway).
      const closes: { timeframe: Timeframe; ts: number }[] = [];
      const seen = new Set<string>();
      for (const bars of step.events.values()) {
        for (const b of bars) {
          if (b.status !== "closed" || seen.has(`${b.tf}:${b.ts}`)) continue;
          seen.add(`${b.tf}:${b.ts}`);
          closes.push({ timeframe: b.tf, ts: b.ts });
        }
      }
      if (caughtUp && closes.length > 0) await new Promise((r) => setTimeout(r, CLOSE_YIELD_MS));
      for (const r of step.rejects) m.rejects.inc({ reason: r.reason });
      opts.onStep?.(step, raw.length);
      const assetClasses: Record<string, string> = {};
      for (const bySym of step.writes.values()) for (const sym of bySym.keys()) assetClasses[sym] ??= symbols.get(sym)?.assetClass ?? "stock";
      const replayed = Object.keys(assetClasses).filter((sym) => isReplaySource(builder.sourceOf(sym)));
      const closesJson = closes.length > 0 && opts.onBarsClosed ? JSON.stringify(closes) : undefined;
      const done = store.store({ writes: step.writes, rejects: step.rejects, snapshot: builder.snapshot(step.events.keys()), ackIds: [...entries.map((e) => e.id), ...bad], assetClasses, replayed, closes: closesJson });
      const before = stored;
      stored = done.then(
        async () => {
          await before;
          if (closesJson) await dispatchCloses(closesJson);
        },
        (err: Error) => {
          persistError ??= err;
        },
      );
      // Back-pressure: never run far ahead of the database.
      while (store.inFlight > 50 && !persistError) await store.next();
      if (persistError) throw persistError;
    };

    opts.onReady?.();
    let lastId = "0";
    while (!stop.aborted) {
      const r = (await redis.xreadgroup("GROUP", BAR_BUILDER_GROUP, consumer, "COUNT", count, "STREAMS", streamKey, lastId)) as XReadReply;
      const entries = r?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      lastId = entries[entries.length - 1]![0];
      await handle(entries, false);
    }
    log.info({ replayed: processed }, "pending entries replayed; reading new ticks");

    const scavenge = createIdleScavenger();
    // Entries appended before this moment are the backlog of a restart (see recordCloseLatency).
    let lastReturnAt = Date.now();
    let idleTimer: NodeJS.Timeout | undefined;
    while (!stop.aborted) {
      const r = (await redis.xreadgroup("GROUP", BAR_BUILDER_GROUP, consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", streamKey, ">")) as XReadReply;
      const since = lastReturnAt;
      lastReturnAt = Date.now();
      clearTimeout(idleTimer);
      const entries = r?.[0]?.[1] ?? [];
      const caughtUp = entries.length < count;
      if (entries.length > 0) await handle(entries, caughtUp, since);
      await publishStatus();
      // Caught up (a short read): if nothing comes for a while, collect the young generation then, rather
      // than in the middle of the next step. Not at once: the readers of the events just published, and
      // this step's storage, need the CPU first.
      if (caughtUp && scavenge) {
        idleTimer = setTimeout(() => {
          if (scavenge()) m.idleScavenges.inc();
        }, IDLE_SCAVENGE_DELAY_MS);
      }
    }
    clearTimeout(idleTimer);
    await stored;
    if (persistError) throw persistError;
    await publishStatus(true).catch(() => undefined);
  } finally {
    clearInterval(renew);
    await storeThread?.close().catch((err: Error) => log.warn({ err: err.message }, "bar store thread did not close cleanly"));
    await commands.eval(LEASE_RELEASE, 1, leaseKey, consumer).catch(() => undefined);
  }
}
