import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createPolygonLiveCollector } from "@/server/providers/live";
import { createRedis } from "@/server/redis";
import { setSymbolActive } from "@/server/services/market/set-symbol-active";
import { upsertSymbols } from "@/server/services/market/upsert-symbols";
import { startFakeLive, type FakeLive } from "@/test/fake-live/server";
import { FAST_LIVE } from "@/test/fake-live/testing";
import { seedUser } from "@/db/seed";
import { liveKeys } from "./keys";
import { runCollectors } from "./run-collectors";
import { decodeEntry } from "./tick-stream";

/**
 * The collector supervisor on real Postgres/Redis against the local fake Polygon WebSocket: the
 * universe table drives subscriptions (a new symbol is subscribed on the open connection, a deactivated
 * one unsubscribed, no restart), prints land in the tick stream, status lands in the status hash.
 */
async function waitFor<T>(cond: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let fake: FakeLive;
let redis: Redis;
beforeAll(async () => {
  fake = await startFakeLive();
  redis = createRedis(process.env.REDIS_URL!, "worker");
});
afterAll(async () => {
  redis.disconnect();
  await fake.close();
  await db().$client.end({ timeout: 2 });
});

describe("collector supervisor", () => {
  it("subscribes the universe, follows its changes without reconnecting, and appends prints to the tick stream", async () => {
    const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
    const keys = liveKeys(prefix);
    await upsertSymbols(["COLA", "COLB"].map((symbol) => ({ symbol, assetClass: "stock", provider: "polygon" })));
    const polygon = createPolygonLiveCollector({ baseUrl: fake.url, apiKey: fake.keys.polygon.apiKey, ...FAST_LIVE, staleAfterMs: 60_000 });
    const ac = new AbortController();
    const run = runCollectors({ commands: redis, signal: ac.signal, vendors: { polygon }, replay: false, universeEveryMs: 100, controlEveryMs: 50, prefix });
    const subs = () => fake.open("polygon")[0]?.subscriptions ?? new Set<string>();
    await waitFor(() => subs().has("COLA") && subs().has("COLB"), "universe subscribed");

    const ts = Date.now();
    fake.pushTrades("polygon", [
      { symbol: "COLA", price: 10.5, size: 100, ts, id: 1 },
      { symbol: "COLB", price: 20.25, size: 5, ts: ts + 1, id: 2 },
    ]);
    const ticks = await waitFor(async () => {
      const entries = await redis.xrange(keys.ticks(0), "-", "+");
      const all = entries.map(([id, f]) => decodeEntry(id, f)).flatMap((e) => e.ticks);
      return all.length >= 2 ? all : undefined;
    }, "prints in the tick stream");
    expect(ticks).toEqual([
      { symbol: "COLA", ts, price: 10.5, size: 100, id: "4:1" },
      { symbol: "COLB", ts: ts + 1, price: 20.25, size: 5, id: "4:2" },
    ]);
    const status = JSON.parse((await redis.hget(keys.status, "polygon"))!);
    expect(status).toMatchObject({ provider: "polygon", state: "live", breaker: "closed" });
    expect(status.updatedAt).toBeGreaterThan(ts - 5_000);

    // A new symbol in the universe is subscribed on the same connection; a deactivated one is dropped.
    await upsertSymbols([{ symbol: "COLC", assetClass: "stock", provider: "polygon" }]);
    const admin = await seedUser(db(), { role: "admin" });
    await setSymbolActive({ actorId: admin.id, symbol: "COLB", active: false });
    await waitFor(() => subs().has("COLC") && !subs().has("COLB"), "subscriptions follow the universe");
    expect(fake.connections("polygon").length).toBe(1);

    ac.abort();
    await run;
    const stopped = JSON.parse((await redis.hget(keys.status, "polygon"))!);
    expect(stopped.state).toBe("stopped");
  }, 30_000);
});
