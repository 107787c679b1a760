import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionOf } from "@/lib/calendar";
import { db } from "@/server/db";
import { upsertSymbols } from "@/server/services/market/upsert-symbols";
import { groupDrained, redisClients, until } from "@/test/live-builder";
import { liveKeys } from "./keys";
import { runBarBuilder } from "./run-bar-builder";
import { TickWriter } from "./tick-stream";

/**
 * The builder's own bar-close timing (status closeP50Ms/closeP99Ms/closeSamples): it counts the closes
 * it was there for, and not the backlog it finds after a restart (which would otherwise show as a
 * close "latency" as long as the outage).
 */
// A day before the other live tests' (their scans read the universe's newest 1m bar).
const SESSION = sessionOf("NYSE", Date.parse("2025-06-10T00:00:00Z"))!;
const SYMBOLS = ["CLT001", "CLT002"];
const { client, closeAll } = redisClients();

beforeAll(async () => {
  await upsertSymbols(SYMBOLS.map((symbol) => ({ symbol, assetClass: "stock", provider: "csv" })));
});

afterAll(async () => {
  closeAll();
  await db().$client.end({ timeout: 2 });
});

describe("bar builder close timing", () => {
  it("times the closes it waited for, and leaves a restart's backlog out", async () => {
    const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
    const keys = liveKeys(prefix);
    const cmd = client();
    const writer = new TickWriter({ redis: cmd, key: keys.ticks(0) });
    /** Minute m: a print per symbol, then the clock entry that closes it. */
    const minute = async (m: number) => {
      const t = SESSION.open + m * 60_000;
      writer.push("feed", SYMBOLS.map((symbol, i) => ({ symbol, ts: t + 1_000 + i, price: 100 + m, size: 10 })), t + 30_000);
      writer.push("feed", [], t + 60_000, null);
      await writer.flush();
    };
    const status = async () => JSON.parse((await cmd.hget(keys.status, "builder")) ?? "{}") as Record<string, number>;
    /** A builder that reads what is already in the stream, then is there for each of `minutes`' closes. */
    const builderDuring = async (minutes: number[]) => {
      const ac = new AbortController();
      const run = runBarBuilder({ redis: client(), commands: client(), signal: ac.signal, prefix, blockMs: 100 });
      await until(() => groupDrained(cmd, keys.ticks(0)), "the builder to catch up");
      for (const m of minutes) {
        await minute(m);
        await until(() => groupDrained(cmd, keys.ticks(0)), `minute ${m}`);
      }
      ac.abort();
      await run;
    };

    // A builder that is there for every close: each is timed.
    await builderDuring([0, 1, 2, 3]);
    const first = await status();
    expect(first.closeSamples).toBe(3); // the first clock entry starts the feed's clock; minutes 1..3 close on it
    expect(first.closeMaxMs).toBeLessThan(1_000);

    // Closes appended while no builder runs: a backlog, 1.5 s old when the next builder reads it.
    for (let m = 4; m < 7; m++) await minute(m);
    await new Promise((r) => setTimeout(r, 1_500));
    await builderDuring([7, 8]);
    const second = await status();
    expect(second.closeSamples).toBe(2); // minutes 7 and 8, not the backlog's 4..6
    expect(second.closeMaxMs).toBeLessThan(1_000);
    expect(second.closeP99Ms).toBeGreaterThanOrEqual(second.closeP50Ms!);
    // The backlog's bars were built all the same.
    const stored = await db().$client<{ n: string }[]>`select count(*)::text as n from bars_1m where symbol = ${SYMBOLS[0]!} and ts >= ${new Date(SESSION.open).toISOString()}::timestamptz and ts < ${new Date(SESSION.open + 9 * 60_000).toISOString()}::timestamptz`;
    expect(Number(stored[0]!.n)).toBe(9);
  }, 60_000);
});
