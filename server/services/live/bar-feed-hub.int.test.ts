import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { LiveBar } from "@/lib/live/bar-event";
import { serverEnv } from "../../env";
import { BarFeedHub, type FollowHandlers } from "./bar-feed";
import { liveKeys } from "./keys";

const keys = liveKeys(`${serverEnv().QUEUE_PREFIX}-hub`);
const MIN = 60_000;
const FUTURE_ID = "9999999999999-0";

const cmd = new Redis(serverEnv().REDIS_URL);
const hubs: BarFeedHub[] = [];
const used = new Set<string>();

function hub(): BarFeedHub {
  const h = new BarFeedHub({ redis: new Redis(serverEnv().REDIS_URL), reader: new Redis(serverEnv().REDIS_URL), keys, blockMs: 500 });
  hubs.push(h);
  return h;
}

async function xadd(symbol: string, close: number): Promise<string> {
  used.add(symbol);
  const bar: LiveBar = { tf: "1m", ts: close * MIN, open: 1, high: close, low: 1, close, volume: 1, vwap: null, trades: 1, status: "forming", flat: false };
  return (await cmd.xadd(keys.bars(symbol), "*", "e", JSON.stringify({ symbol, clock: bar.ts, receivedAt: null, bars: [bar] })))!;
}

/** A follower that records what it gets. */
function recorder(): FollowHandlers & { ids: string[]; resets: string[] } {
  const r = {
    ids: [] as string[],
    resets: [] as string[],
    onEntries: (es: { id: string }[]) => r.ids.push(...es.map((e) => e.id)),
    onReset: (reason: string) => r.resets.push(reason),
  };
  return r;
}

async function until(cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

afterAll(async () => {
  if (used.size) await cmd.del(...[...used].map((s) => keys.bars(s)));
  cmd.disconnect();
});

describe("BarFeedHub: a client's resume id never moves the shared read position", () => {
  it("a future lastEventId resets only that follower; the other followers of the symbol stay live", async () => {
    const S = "HUBPOISON1";
    await xadd(S, 1);
    const last = await xadd(S, 2);
    const h = hub();
    const bad = recorder();
    const good = recorder();
    // Both join in the same tick: the bad one creates the symbol's group.
    h.follow(S, FUTURE_ID, bad);
    h.follow(S, last, good);
    await until(() => bad.resets.length > 0);
    // The bad follower is never unfollowed here: even so, the group reads from the stream's real end.
    const fresh = await xadd(S, 3);
    await until(() => good.ids.includes(fresh));
    expect(good.ids).toEqual([fresh]);
    expect(good.resets).toEqual([]);
    expect(bad.ids).toEqual([]);
    expect(bad.resets).toEqual([expect.stringMatching(/newer than the stream/)]);
  });

  it("a future lastEventId on a symbol whose group already runs changes nothing for the others", async () => {
    const S = "HUBPOISON2";
    const first = await xadd(S, 1);
    const h = hub();
    const good = recorder();
    h.follow(S, first, good);
    const second = await xadd(S, 2);
    await until(() => good.ids.includes(second));
    const bad = recorder();
    h.follow(S, FUTURE_ID, bad);
    await until(() => bad.resets.length > 0);
    const third = await xadd(S, 3);
    await until(() => good.ids.includes(third));
    expect(good.ids).toEqual([second, third]);
  });

  it("a future lastEventId on a symbol without a stream is reset; followers from 0-0 get the first entries", async () => {
    const S = "HUBPOISON3";
    const h = hub();
    const bad = recorder();
    const good = recorder();
    h.follow(S, FUTURE_ID, bad);
    h.follow(S, "0-0", good);
    await until(() => bad.resets.length > 0);
    expect(bad.resets[0]).toMatch(/no longer exists/);
    const a = await xadd(S, 1);
    const b = await xadd(S, 2);
    await until(() => good.ids.includes(b));
    expect(good.ids).toEqual([a, b]);
  });

  it("a resumer that creates the group gets its catch-up, then live entries, with no gap or duplicate", async () => {
    const S = "HUBRESUME1";
    const ids = [await xadd(S, 1), await xadd(S, 2), await xadd(S, 3)];
    const h = hub();
    const r = recorder();
    h.follow(S, ids[0]!, r);
    await until(() => r.ids.length === 2);
    ids.push(await xadd(S, 4), await xadd(S, 5));
    await until(() => r.ids.length === 4);
    expect(r.ids).toEqual(ids.slice(1));
    expect(r.resets).toEqual([]);
  });
});
