import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { seedUser } from "@/db/seed";
import { sessionOf } from "@/lib/calendar";
import { createRunScanWorker } from "@/workers/run-scan.worker";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { getQueue } from "../../queues/producers";
import { createRedis } from "../../redis";
import { createCaller } from "../../root";
import { handleBarsClosed } from "./handle-bars-closed";
import { upsertSymbols } from "../market/upsert-symbols";
import { liveKeys } from "./keys";
import { runBarBuilder } from "./run-bar-builder";
import { TickWriter } from "./tick-stream";

/**
 * "On bar close" alert rules: prints → bar builder → 1m bars stored → the bucket's close dispatches the
 * rule's scan (run-scan worker) → in-app alert events for the new hits, once per bar; the daily bar's
 * close queues the feature store's refresh from that day.
 */
const clients: Redis[] = [];
const client = () => {
  const r = createRedis(serverEnv().REDIS_URL, "worker");
  clients.push(r);
  return r;
};

afterAll(async () => {
  for (const q of ["runScan", "computeFeatures"] as const) {
    await getQueue(q).obliterate({ force: true });
    await getQueue(q).close();
  }
  for (const r of clients) r.disconnect();
  await db().$client.end({ timeout: 2 });
});

describe("bar-close alert rules", () => {
  it("run their 1m scan when the live builder closes a minute, and alert once per new hit", async () => {
    const user = await seedUser(db(), { role: "analyst" });
    const caller = createCaller({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
    await upsertSymbols(["BCLA", "BCLB"].map((symbol) => ({ symbol, assetClass: "stock" as const, provider: "csv" })));
    const scan = await caller.scan.saved.create({ name: "1m up", text: "timeframe 1m universe symbols in (BCLA, BCLB) where close > open" });
    const rule = await caller.alerts.rules.create({ name: "Minute up", scanId: scan.id, schedule: "bar-close", cooldownMinutes: 0 });
    expect(rule.schedule).toBe("bar-close");
    expect(await getQueue("runScan").getJobScheduler(`alert-rule-${rule.id}`)).toBeUndefined();

    const worker = createRunScanWorker({ connection: client(), prefix: serverEnv().QUEUE_PREFIX, lockMs: 30_000 });
    const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
    const ac = new AbortController();
    const builder = runBarBuilder({ redis: client(), commands: client(), signal: ac.signal, prefix, blockMs: 100, onBarsClosed: handleBarsClosed });
    const writer = new TickWriter({ redis: client(), key: liveKeys(prefix).ticks(0) });
    const open = sessionOf("NYSE", Date.parse("2025-06-12T00:00:00Z"))!.open;
    // Minute 1: BCLA up, BCLB down. Minute 2: both up (BCLB becomes a new hit).
    writer.push("v", [
      { symbol: "BCLA", ts: open + 1_000, price: 10, size: 1 },
      { symbol: "BCLA", ts: open + 50_000, price: 11, size: 1 },
      { symbol: "BCLB", ts: open + 1_000, price: 20, size: 1 },
      { symbol: "BCLB", ts: open + 50_000, price: 19, size: 1 },
    ], open + 50_000);
    writer.push("v", [], open + 60_000);
    await writer.flush();
    const inbox = () => caller.alerts.inbox.list({});
    await expect.poll(async () => (await inbox()).map((e) => e.symbol).sort(), { timeout: 20_000, interval: 200 }).toEqual(["BCLA"]);
    writer.push("v", [
      { symbol: "BCLA", ts: open + 61_000, price: 11, size: 1 },
      { symbol: "BCLA", ts: open + 110_000, price: 12, size: 1 },
      { symbol: "BCLB", ts: open + 61_000, price: 19, size: 1 },
      { symbol: "BCLB", ts: open + 110_000, price: 21, size: 1 },
    ], open + 110_000);
    writer.push("v", [], open + 120_000);
    await writer.flush();
    await expect.poll(async () => (await inbox()).map((e) => e.symbol).sort(), { timeout: 20_000, interval: 200 }).toEqual(["BCLA", "BCLB"]);
    const events = await inbox();
    expect(events.find((e) => e.symbol === "BCLB")!.barTs.getTime()).toBe(open + 60_000);

    // The session's end closes the daily bar: the feature store is refreshed from that day on.
    writer.push("v", [], sessionOf("NYSE", open)!.close);
    await writer.flush();
    const day = Date.parse("2025-06-12T00:00:00Z");
    await expect.poll(async () => (await getQueue("computeFeatures").getJob(`compute-features-live-core-v1-1d-${day}`))?.data, { timeout: 20_000, interval: 200 }).toEqual({ featureSet: "core-v1", timeframe: "1d", from: day });
    ac.abort();
    await builder;
    await worker.close();
  }, 60_000);
});
