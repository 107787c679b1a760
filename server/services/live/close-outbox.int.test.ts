import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timeframe } from "@/lib/bars/timeframe";
import { sessionOf } from "@/lib/calendar";
import { db } from "@/server/db";
import { upsertSymbols } from "@/server/services/market/upsert-symbols";
import { groupDrained, redisClients, until } from "@/test/live-builder";
import { liveKeys } from "./keys";
import { closesOutboxKey } from "./persist-bar-steps";
import { runBarBuilder } from "./run-bar-builder";
import { TickWriter } from "./tick-stream";

/**
 * Bucket closes reach their dispatch (bar-close alerts, live features) even when the builder acknowledged
 * their entries and then could not dispatch: they wait in the outbox, written with the acks.
 */
// Earlier than the other live tests' days (their scans read the universe's newest 1m bar).
const SESSION = sessionOf("NYSE", Date.parse("2025-06-09T00:00:00Z"))!;
const SYMBOL = "OBX001";
const { client, closeAll } = redisClients();
type Close = { timeframe: Timeframe; ts: number };

beforeAll(async () => {
  await upsertSymbols([{ symbol: SYMBOL, assetClass: "stock", provider: "csv" }]);
});

afterAll(async () => {
  closeAll();
  await db().$client.end({ timeout: 2 });
});

describe("bar-close outbox", () => {
  it("keeps closes whose dispatch failed after their entries were acknowledged, and dispatches them on the next start", async () => {
    const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
    const keys = liveKeys(prefix);
    const cmd = client();
    const writer = new TickWriter({ redis: cmd, key: keys.ticks(0) });
    const outbox = closesOutboxKey(keys.builderState(0));
    const drained = () => groupDrained(cmd, keys.ticks(0));

    // First builder: the dispatch target is down (every call fails).
    const ac1 = new AbortController();
    let failed = 0;
    const first = runBarBuilder({ redis: client(), commands: client(), signal: ac1.signal, prefix, blockMs: 100, onBarsClosed: async () => {
      failed++;
      throw new Error("queue unavailable");
    } });
    for (let m = 0; m < 6; m++) {
      const t = SESSION.open + m * 60_000;
      writer.push("feed", [{ symbol: SYMBOL, ts: t + 1_000, price: 100 + m, size: 10 }], t + 30_000);
    }
    writer.push("feed", [], SESSION.open + 6 * 60_000, null);
    await writer.flush();
    await until(drained, "the first builder to acknowledge everything", 500);
    await until(async () => failed > 0 && (await cmd.llen(outbox)) > 0, "a failed dispatch", 500);
    ac1.abort();
    await first;
    const kept = (await cmd.lrange(outbox, 0, -1)).flatMap((j) => JSON.parse(j) as Close[]);
    expect(kept.filter((c) => c.timeframe === "1m").map((c) => (c.ts - SESSION.open) / 60_000)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(kept).toContainEqual({ timeframe: "5m", ts: SESSION.open });

    // Second builder, dispatch working: it sends the kept closes before reading anything new, and empties the outbox.
    const got: Close[] = [];
    const ac2 = new AbortController();
    const second = runBarBuilder({ redis: client(), commands: client(), signal: ac2.signal, prefix, blockMs: 100, onBarsClosed: async (c) => void got.push(...c) });
    await until(async () => got.length >= kept.length, "the kept closes to be dispatched", 500);
    expect(got).toEqual(kept);
    await until(async () => (await cmd.llen(outbox)) === 0, "the outbox to empty", 500);
    // New closes go through it too and leave nothing behind.
    const t = SESSION.open + 6 * 60_000;
    writer.push("feed", [{ symbol: SYMBOL, ts: t + 1_000, price: 99, size: 5 }], t + 60_000);
    await writer.flush();
    await until(async () => got.some((c) => c.timeframe === "1m" && c.ts === t), "the new close", 500);
    await until(async () => (await cmd.llen(outbox)) === 0, "the outbox to empty again", 500);
    ac2.abort();
    await second;
  });
});
