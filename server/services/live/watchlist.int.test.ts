import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import type { LiveBar } from "@/lib/live/bar-event";
import { db, redis } from "../../db";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";
import { upsertSymbols } from "../market/upsert-symbols";
import { closeBarFeedHub } from "./bar-feed";
import { BAR_EVENTS_MAXLEN, liveKeys } from "./keys";

const SYMS = ["LIVEWL1", "LIVEWL2", "LIVEWL3"] as const;
const DAY = 86_400_000;
const D0 = Date.UTC(2024, 0, 2);

let alice: SeededUser;
let bob: SeededUser;
const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });

function dayBar(ts: number, close: number): LiveBar {
  return { tf: "1d", ts, open: close, high: close, low: close, close, volume: 1, vwap: close, trades: 1, status: "forming", flat: false };
}

async function next<T>(it: AsyncIterator<T>, ms = 3_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const r = await Promise.race([it.next(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no message within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
  if (r.done) throw new Error("stream ended");
  return r.value;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([seedUser(db(), { role: "viewer" }), seedUser(db(), { role: "analyst" })]);
  await upsertSymbols(SYMS.map((symbol) => ({ symbol, name: `${symbol} Inc.`, provider: "yahoo" })));
  const sql = db().$client;
  // LIVEWL1: 40 daily closes 100..139.
  for (let i = 0; i < 40; i++) {
    await sql`insert into bars_1d (symbol, ts, open, high, low, close, volume, source)
      values ('LIVEWL1', ${new Date(D0 + i * DAY).toISOString()}, ${100 + i}, ${100 + i}, ${100 + i}, ${100 + i}, 1000, 'test')`;
  }
});

afterAll(async () => {
  await redis().del(...SYMS.map((s) => liveKeys().bars(s)));
  await closeBarFeedHub();
  await db().$client.end({ timeout: 2 });
});

describe("watchlist (through the tRPC router)", () => {
  it("is per user: each sees and changes only their own list; symbols must exist", async () => {
    const a = createCaller(ctx(alice));
    const b = createCaller(ctx(bob));
    expect(await a.watchlist.list()).toEqual([]);
    await a.watchlist.add({ symbol: "livewl1" });
    const listA = await a.watchlist.add({ symbol: "LIVEWL2" });
    expect(listA.map((w) => w.symbol)).toEqual(["LIVEWL1", "LIVEWL2"]);
    expect(await a.watchlist.add({ symbol: "LIVEWL1" })).toHaveLength(2); // idempotent
    expect(await b.watchlist.list()).toEqual([]);
    expect(await b.watchlist.snapshot()).toEqual({ rows: [] });
    // Bob removing Alice's symbol changes only Bob's (empty) list.
    expect(await b.watchlist.remove({ symbol: "LIVEWL1" })).toEqual([]);
    expect((await a.watchlist.list()).map((w) => w.symbol)).toEqual(["LIVEWL1", "LIVEWL2"]);
    await b.watchlist.add({ symbol: "LIVEWL3" });
    expect((await b.watchlist.list()).map((w) => w.symbol)).toEqual(["LIVEWL3"]);
    expect((await a.watchlist.list()).map((w) => w.symbol)).toEqual(["LIVEWL1", "LIVEWL2"]);
    await expect(a.watchlist.add({ symbol: "NOSUCH9" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(a.watchlist.add({ symbol: "bad sym!" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await a.watchlist.remove({ symbol: "LIVEWL2" })).map((w) => w.symbol)).toEqual(["LIVEWL1"]);
    await a.watchlist.add({ symbol: "LIVEWL2" });
  });

  it("snapshot: last price, change vs the previous daily close, sparkline; the forming day from the bar events", async () => {
    const a = createCaller(ctx(alice));
    const s1 = await a.watchlist.snapshot();
    const r1 = s1.rows.find((r) => r.symbol === "LIVEWL1")!;
    expect(r1).toMatchObject({ name: "LIVEWL1 Inc.", lastPrice: 139, prevClose: 138, lastTs: D0 + 39 * DAY, liveAt: null });
    expect(r1.changePct).toBeCloseTo((1 / 138) * 100, 10);
    expect(r1.spark).toHaveLength(30);
    expect(r1.spark.at(-1)).toBe(139);
    expect(s1.rows.find((r) => r.symbol === "LIVEWL2")).toMatchObject({ lastPrice: null, changePct: null, spark: [] });

    // The builder's forming daily bar of the next session.
    const key = liveKeys().bars("LIVEWL1");
    await redis().xadd(key, "MAXLEN", "~", BAR_EVENTS_MAXLEN, "*", "e", JSON.stringify({ symbol: "LIVEWL1", clock: D0 + 40 * DAY + 1, receivedAt: Date.now(), bars: [dayBar(D0 + 40 * DAY, 145.95)] }));
    const r2 = (await a.watchlist.snapshot()).rows.find((r) => r.symbol === "LIVEWL1")!;
    expect(r2).toMatchObject({ lastPrice: 145.95, prevClose: 139, lastTs: D0 + 40 * DAY, liveAt: D0 + 40 * DAY + 1 });
    expect(r2.changePct).toBeCloseTo(5, 10);
  });

  it("live: a snapshot of the caller's rows, then changed rows; other users' symbols are not streamed", async () => {
    const ac = new AbortController();
    const sub = await createCaller(ctx(alice), { signal: ac.signal }).watchlist.live({ symbols: ["LIVEWL1", "LIVEWL2", "LIVEWL3"] });
    const it = sub[Symbol.asyncIterator]();
    const snap = await next(it);
    expect(snap.kind).toBe("snapshot");
    expect(snap.rows.map((r) => r.symbol).sort()).toEqual(["LIVEWL1", "LIVEWL2"]); // LIVEWL3 is Bob's
    const key = liveKeys().bars("LIVEWL1");
    await redis().xadd(key, "*", "e", JSON.stringify({ symbol: "LIVEWL1", clock: D0 + 40 * DAY + 2, receivedAt: Date.now(), bars: [dayBar(D0 + 40 * DAY, 152.9)] }));
    const u = await next(it);
    expect(u).toMatchObject({ kind: "update", rows: [{ symbol: "LIVEWL1", lastPrice: 152.9, prevClose: 139 }] });
    expect(u.rows[0]!.changePct).toBeCloseTo(10, 10);
    ac.abort();
  });
});
