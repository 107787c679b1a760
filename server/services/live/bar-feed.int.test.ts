import { isTrackedEnvelope } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import type { LiveBar } from "@/lib/live/bar-event";
import { db, redis } from "../../db";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";
import { upsertSymbols } from "../market/upsert-symbols";
import { barFeedConnectionName, barFeedHub, closeBarFeedHub } from "./bar-feed";
import type { FeedBar } from "./bar-feed-merge";
import { streamLiveBars, type LiveBarsMessage } from "./bar-feed-stream";
import { BAR_EVENTS_MAXLEN, liveKeys } from "./keys";

const SYMS = ["LIVEFEED1", "LIVEFEED2", "LIVEFEED3", "LIVEFEED4", "LIVEFEED5", "LIVEFEED6", "LIVEFEED7"] as const;
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

let user: SeededUser;
const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });

function bar(tf: LiveBar["tf"], ts: number, close: number, status: LiveBar["status"] = "forming"): LiveBar {
  return { tf, ts, open: 100, high: Math.max(100, close), low: Math.min(100, close), close, volume: 5, vwap: close, trades: 3, status, flat: false };
}

/** What the builder does: one entry per step, field e = JSON BarEvent, capped. */
async function xadd(symbol: string, bars: LiveBar[], receivedAt: number | null = Date.now()): Promise<string> {
  const e = { symbol, clock: bars[0]?.ts ?? 0, receivedAt, bars };
  return (await redis().xadd(liveKeys().bars(symbol), "MAXLEN", "~", BAR_EVENTS_MAXLEN, "*", "e", JSON.stringify(e)))!;
}

async function insertBars(symbol: string, rows: { ts: number; close: number }[]) {
  const sql = db().$client;
  for (const r of rows) {
    await sql`insert into bars_1m (symbol, ts, open, high, low, close, volume, vwap, trades, source)
      values (${symbol}, ${new Date(r.ts).toISOString()}, 100, ${Math.max(100, r.close)}, ${Math.min(100, r.close)}, ${r.close}, 10, ${r.close}, 7, 'test')`;
  }
}

/** Pull the next value of an iterator within `ms` (fails the test otherwise). */
async function next<T>(it: AsyncIterator<T>, ms = 3_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const r = await Promise.race([
    it.next(),
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no message within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
  if (r.done) throw new Error("stream ended");
  return r.value;
}

/** Resolves with whether another value arrives within `ms` (the pending next() is kept for later). */
function quietFor<T>(it: AsyncIterator<T>, ms: number): { quiet: Promise<boolean>; pending: Promise<IteratorResult<T>> } {
  const pending = it.next();
  const quiet = Promise.race([pending.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), ms))]);
  return { quiet, pending };
}

function untrack(v: unknown): { id: string; data: LiveBarsMessage } {
  if (!isTrackedEnvelope<LiveBarsMessage>(v)) throw new Error("expected a tracked event");
  return { id: v[0], data: v[1] };
}

/** The client's view: apply messages, replace by ts. */
function apply(state: Map<number, FeedBar>, m: LiveBarsMessage) {
  if (m.kind === "snapshot") state.clear();
  for (const b of m.bars) state.set(b.ts, b);
}

beforeAll(async () => {
  user = await seedUser(db(), { role: "viewer" });
  await upsertSymbols(SYMS.map((symbol) => ({ symbol, name: `${symbol} test`, assetClass: "crypto" as const, provider: "binance" })));
});

afterAll(async () => {
  await redis().del(...SYMS.map((s) => liveKeys().bars(s)), liveKeys().status);
  await closeBarFeedHub();
  await db().$client.end({ timeout: 2 });
});

describe("bars.live (tRPC subscription over the bar-event streams)", () => {
  it("snapshot = stored bars + recent events (forming, closed-not-yet-written, updated), then live updates", async () => {
    const S = SYMS[0];
    await insertBars(S, [
      { ts: T0, close: 100 },
      { ts: T0 + MIN, close: 101 },
    ]);
    await xadd(S, [bar("1m", T0 + 2 * MIN, 102.5), bar("5m", T0, 102.5)]);
    await xadd(S, [bar("1m", T0 + 2 * MIN, 102, "closed"), bar("1m", T0 + 3 * MIN, 103)]);
    const lastId = await xadd(S, [bar("1m", T0 + MIN, 101.25, "updated"), bar("1m", T0 + 3 * MIN, 103.5)]);

    const ac = new AbortController();
    const sub = await createCaller(ctx(user), { signal: ac.signal }).bars.live({ symbol: S.toLowerCase(), timeframe: "1m" });
    const it = sub[Symbol.asyncIterator]();
    const snap = untrack(await next(it));
    expect(snap.id).toBe(lastId);
    expect(snap.data.kind).toBe("snapshot");
    expect(snap.data.bars.map((b) => [b.ts - T0, b.close, b.status])).toEqual([
      [0, 100, "closed"],
      [MIN, 101.25, "updated"],
      [2 * MIN, 102, "closed"],
      [3 * MIN, 103.5, "forming"],
    ]);

    const t0 = performance.now();
    const id1 = await xadd(S, [bar("1m", T0 + 3 * MIN, 104)]);
    const u1 = untrack(await next(it));
    expect(performance.now() - t0).toBeLessThan(150); // leading edge: no throttle delay
    expect(u1.id).toBe(id1);
    expect(u1.data).toMatchObject({ kind: "update", events: 1, bars: [{ ts: T0 + 3 * MIN, close: 104, status: "forming" }] });
    // Events of other timeframes only: nothing for a 1m subscriber.
    await xadd(S, [bar("5m", T0, 104.5)]);
    await new Promise((r) => setTimeout(r, 300));
    const id2 = await xadd(S, [bar("1m", T0 + 3 * MIN, 104.75)]);
    expect(untrack(await next(it)).id).toBe(id2);
    ac.abort();
    await expect(it.next()).resolves.toMatchObject({ done: true });
  });

  it("throttles per client: leading edge at once, a burst coalesced (latest per ts, closed bars kept) at the window end", async () => {
    const S = SYMS[1];
    const ac = new AbortController();
    const it = (await createCaller(ctx(user), { signal: ac.signal }).bars.live({ symbol: S, timeframe: "1m" }))[Symbol.asyncIterator]();
    const snap = untrack(await next(it));
    expect(snap.data).toMatchObject({ kind: "snapshot", bars: [] });
    expect(snap.id).toBe("0-0");

    await xadd(S, [bar("1m", T0, 1)]);
    const first = untrack(await next(it));
    const tFirst = performance.now();
    const burstIds: string[] = [];
    burstIds.push(await xadd(S, [bar("1m", T0, 2)]));
    burstIds.push(await xadd(S, [bar("1m", T0, 3, "closed"), bar("1m", T0 + MIN, 3)]));
    for (let i = 4; i <= 10; i++) burstIds.push(await xadd(S, [bar("1m", T0 + MIN, i)]));
    const second = untrack(await next(it));
    const gap = performance.now() - tFirst;
    expect(first.data).toMatchObject({ kind: "update", bars: [{ close: 1 }] });
    expect(gap).toBeGreaterThanOrEqual(200); // default LIVE_MAX_UPDATES_PER_S = 4 → 250 ms windows
    expect(second.id).toBe(burstIds.at(-1));
    expect(second.data).toMatchObject({
      kind: "update",
      events: 9,
      bars: [
        { ts: T0, close: 3, status: "closed" },
        { ts: T0 + MIN, close: 10, status: "forming" },
      ],
    });
    const { quiet } = quietFor(it, 400);
    expect(await quiet).toBe(true);
    ac.abort();
  });

  it("resumes after a disconnect from the last event id: no gap, no duplicate (unthrottled service and tracked tRPC)", async () => {
    const S = SYMS[2];
    const all: string[] = [];
    all.push(await xadd(S, [bar("1m", T0, 1)]));
    const received: { id: string; events: number }[] = [];
    const state = new Map<number, FeedBar>();
    const take = (m: { id: string; message: LiveBarsMessage }) => {
      apply(state, m.message);
      if (m.message.kind === "update") received.push({ id: m.id, events: m.message.events });
    };

    // Session 1 (service, unthrottled).
    const ac1 = new AbortController();
    const s1 = (await streamLiveBars({ symbol: S, timeframe: "1m", limit: 100, signal: ac1.signal, intervalMs: 0 }))[Symbol.asyncIterator]();
    const snap = await next(s1);
    expect(snap.id).toBe(all[0]);
    take(snap);
    for (let i = 2; i <= 5; i++) all.push(await xadd(S, [bar("1m", T0 + (i >> 1) * MIN, i)]));
    while (received.at(-1)?.id !== all.at(-1)) take(await next(s1));
    // A client view mid-way, to resume the tRPC subscription from below.
    const checkpoint = new Map(state);
    const checkpointId = received.at(-1)!.id;
    ac1.abort();
    await s1.return?.(undefined);

    // Disconnected: the builder goes on.
    for (let i = 6; i <= 12; i++) all.push(await xadd(S, [bar("1m", T0 + (i >> 1) * MIN, i, i % 2 ? "closed" : "forming")]));

    // Session 2 resumes (no snapshot) and also gets what comes after it reconnected.
    const ac2 = new AbortController();
    const s2 = (await streamLiveBars({ symbol: S, timeframe: "1m", limit: 100, lastEventId: checkpointId, signal: ac2.signal, intervalMs: 0 }))[Symbol.asyncIterator]();
    const firstResumed = await next(s2);
    expect(firstResumed.message.kind).toBe("update");
    take(firstResumed);
    all.push(await xadd(S, [bar("1m", T0 + 6 * MIN, 13)]));
    all.push(await xadd(S, [bar("1m", T0 + 7 * MIN, 14)]));
    while (received.at(-1)?.id !== all.at(-1)) take(await next(s2));
    ac2.abort();

    // Every entry after the snapshot exactly once: ids increase, each is a real entry, counts add up.
    const ids = received.map((r) => r.id);
    expect(ids.every((id) => all.includes(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map((id) => all.indexOf(id))).toEqual([...ids.map((id) => all.indexOf(id))].sort((a, b) => a - b));
    expect(received.reduce((n, r) => n + r.events, 0)).toBe(all.length - 1);
    expect([...state.values()].sort((a, b) => a.ts - b.ts).map((b) => [b.close, b.status])).toEqual([
      [1, "forming"],
      [3, "forming"],
      [5, "forming"],
      [7, "closed"],
      [9, "closed"],
      [11, "closed"],
      [13, "forming"],
      [14, "forming"],
    ]);

    // Through tRPC with tracked ids and the default throttle: resume from the checkpoint, end equal to a fresh snapshot.
    const ac3 = new AbortController();
    const t3 = (await createCaller(ctx(user), { signal: ac3.signal }).bars.live({ symbol: S, timeframe: "1m", lastEventId: checkpointId }))[Symbol.asyncIterator]();
    const view = checkpoint;
    let last = "";
    let events = 0;
    while (last !== all.at(-1)) {
      const m = untrack(await next(t3));
      expect(m.data.kind).toBe("update");
      if (m.data.kind === "update") events += m.data.events;
      apply(view, m.data);
      last = m.id;
    }
    ac3.abort();
    expect(events).toBe(all.length - 1 - all.indexOf(checkpointId));
    const ac4 = new AbortController();
    const fresh = untrack(await next((await createCaller(ctx(user), { signal: ac4.signal }).bars.live({ symbol: S, timeframe: "1m" }))[Symbol.asyncIterator]()));
    ac4.abort();
    expect([...view.values()].sort((a, b) => a.ts - b.ts)).toEqual(fresh.data.bars);
  });

  it("sends a fresh snapshot when the resume point was trimmed away; skips malformed entries", async () => {
    const S = SYMS[3];
    const key = liveKeys().bars(S);
    const old = await xadd(S, [bar("1m", T0, 1)]);
    await xadd(S, [bar("1m", T0, 2)]);
    await xadd(S, [bar("1m", T0, 3)]);
    await redis().xtrim(key, "MAXLEN", 1); // exact trim: `old` and the next entry are gone

    const ac = new AbortController();
    const it = (await streamLiveBars({ symbol: S, timeframe: "1m", limit: 10, lastEventId: old, signal: ac.signal, intervalMs: 0 }))[Symbol.asyncIterator]();
    const m = await next(it);
    expect(m.message).toMatchObject({ kind: "snapshot", reason: expect.stringMatching(/trimmed/), bars: [{ ts: T0, close: 3 }] });

    await redis().xadd(key, "*", "e", "{broken");
    await redis().xadd(key, "*", "e", JSON.stringify({ symbol: S, clock: 1, receivedAt: null, bars: [{ tf: "1m", ts: "x" }] }));
    const good = await xadd(S, [bar("1m", T0, 4)]);
    const u = await next(it);
    expect(u.id).toBe(good);
    expect(u.message).toMatchObject({ kind: "update", bars: [{ close: 4 }] });
    ac.abort();
  });

  it("a resume id newer than the stream gets a fresh snapshot; other subscribers of the symbol stay live", async () => {
    const S = SYMS[6];
    await xadd(S, [bar("1m", T0, 1)]);
    const acA = new AbortController();
    const acB = new AbortController();
    // Both open together, so the bogus resume id is the first follower of the symbol.
    const [a, b] = await Promise.all([
      streamLiveBars({ symbol: S, timeframe: "1m", limit: 10, lastEventId: "9999999999999-0", signal: acA.signal, intervalMs: 0 }),
      streamLiveBars({ symbol: S, timeframe: "1m", limit: 10, signal: acB.signal, intervalMs: 0 }),
    ]);
    const itA = a[Symbol.asyncIterator]();
    const itB = b[Symbol.asyncIterator]();
    const [mA, mB] = await Promise.all([next(itA), next(itB)]);
    expect(mA.message).toMatchObject({ kind: "snapshot", reason: expect.stringMatching(/newer than the stream/), bars: [{ ts: T0, close: 1 }] });
    expect(mB.message).toMatchObject({ kind: "snapshot", reason: null });
    const id = await xadd(S, [bar("1m", T0, 2)]);
    for (const it of [itA, itB]) expect(await next(it)).toMatchObject({ id, message: { kind: "update", bars: [{ close: 2 }] } });
    acA.abort();
    acB.abort();
  });

  it("fans out many subscribers over one blocking Redis connection", async () => {
    const S = SYMS[4];
    const clientsBefore = String(await redis().client("LIST")).split("\n").filter((l) => l.includes(`name=${barFeedConnectionName()} `)).length;
    const followersBefore = barFeedHub().stats().followers;
    expect(followersBefore).toBe(0); // earlier tests' subscriptions were released on abort
    const acs = Array.from({ length: 20 }, () => new AbortController());
    const its = await Promise.all(acs.map(async (ac, i) => (await createCaller(ctx(user), { signal: ac.signal }).bars.live({ symbol: i % 2 ? S : SYMS[5], timeframe: "1m" }))[Symbol.asyncIterator]()));
    for (const it of its) expect(untrack(await next(it)).data.kind).toBe("snapshot");
    const [idA, idB] = [await xadd(S, [bar("1m", T0, 7)]), await xadd(SYMS[5], [bar("1m", T0, 8)])];
    for (const [i, it] of its.entries()) {
      const m = untrack(await next(it));
      expect(m.id).toBe(i % 2 ? idA : idB);
    }
    expect(barFeedHub().stats()).toMatchObject({ followers: 20 });
    const clients = String(await redis().client("LIST")).split("\n").filter((l) => l.includes(`name=${barFeedConnectionName()} `)).length;
    expect(clients).toBe(1);
    expect(clientsBefore).toBeLessThanOrEqual(1);
    for (const ac of acs) ac.abort();
    await Promise.all(its.map((it) => it.next()));
    expect(barFeedHub().stats().followers).toBe(0);
  });

  it("rejects unknown symbols and bad input", async () => {
    const api = createCaller(ctx(user));
    await expect((async () => (await api.bars.live({ symbol: "NOPE1", timeframe: "1m" }))[Symbol.asyncIterator]().next())()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.bars.live({ symbol: "bad sym!", timeframe: "1m" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("live.status", () => {
  it("reads collector and builder status with staleness", async () => {
    const api = createCaller(ctx(user));
    await redis().del(liveKeys().status);
    expect(await api.live.status()).toMatchObject({ overall: "disconnected", collectors: [], builder: null });
    const now = Date.now();
    const status = {
      provider: "replay",
      state: "live",
      breaker: "closed",
      subscribed: 2,
      rejected: 0,
      lastMessageAt: now,
      lastTickAt: now,
      reconnects: 0,
      malformed: 0,
      duplicates: 0,
      lastError: null,
      updatedAt: now,
    };
    await redis().hset(liveKeys().status, "replay", JSON.stringify(status), "builder", JSON.stringify({ state: "running", updatedAt: now }));
    expect(await api.live.status()).toMatchObject({ overall: "live", collectors: [{ provider: "replay", effectiveState: "live", breaker: "closed" }] });
    await redis().hset(liveKeys().status, "replay", JSON.stringify({ ...status, updatedAt: now - 60_000 }));
    expect(await api.live.status()).toMatchObject({ overall: "disconnected", collectors: [{ effectiveState: "disconnected", stale: true }] });
  });
});
