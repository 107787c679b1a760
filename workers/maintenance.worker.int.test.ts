import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "@/db/schema";
import { seedUser } from "@/db/seed";
import { db } from "@/server/db";
import { serverEnv } from "@/server/env";
import { DEFAULT_JOB_OPTIONS } from "@/server/queues/names";
import { createRedis } from "@/server/redis";
import { createMaintenanceWorker } from "./maintenance.worker";

// Each test run gets its own prefix (a private test-<uuid> namespace), removed afterwards.
const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
const connection = createRedis(serverEnv().REDIS_URL, "worker");
const queue = new Queue("maintenance", { connection, prefix, defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, backoff: { type: "fixed", delay: 10 } } });
const events = new QueueEvents("maintenance", { connection: createRedis(serverEnv().REDIS_URL, "worker"), prefix });
const worker = createMaintenanceWorker({ connection, prefix, lockMs: 30_000 });

beforeAll(async () => {
  await events.waitUntilReady();
});

afterAll(async () => {
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await db().$client.end({ timeout: 2 });
});

describe("maintenance worker (real BullMQ + Redis + Postgres)", () => {
  it("purges expired and long-revoked sessions, keeps live ones", async () => {
    const u = await seedUser(db());
    const old = new Date(Date.now() - 30 * 86_400_000);
    const [live, expired, revoked] = await db()
      .insert(sessions)
      .values([
        { userId: u.id, expiresAt: new Date(Date.now() + 86_400_000) },
        { userId: u.id, expiresAt: old },
        { userId: u.id, expiresAt: new Date(Date.now() + 86_400_000), revokedAt: old },
      ])
      .returning({ id: sessions.id });
    const job = await queue.add("maintenance", { task: "purge-sessions", olderThanDays: 7 });
    const result = (await job.waitUntilFinished(events, 15_000)) as { task: string; removed: number };
    expect(result.task).toBe("purge-sessions");
    expect(result.removed).toBeGreaterThanOrEqual(2);
    const left = new Set((await db().select({ id: sessions.id }).from(sessions)).map((r) => r.id));
    expect(left.has(live!.id)).toBe(true);
    expect(left.has(expired!.id)).toBe(false);
    expect(left.has(revoked!.id)).toBe(false);
  });

  it("update-universe creates one update run per online provider from the symbols' last bars", async () => {
    const { upsertSymbols } = await import("@/server/services/market/upsert-symbols");
    const { writeBars } = await import("@/server/services/bars/write-bars");
    const { columnsFromBars } = await import("@/lib/bars/columns");
    await upsertSymbols([
      { symbol: "UPD1", provider: "sim" },
      { symbol: "UPD2", provider: "csv" },
    ]);
    const day = Date.UTC(2026, 10, 16);
    await writeBars({ timeframe: "1d", source: "sim", now: day + 86_400_000 * 10, batches: [{ symbol: "UPD1", bars: columnsFromBars([{ ts: day, open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: 1, trades: 1 }]) }] });
    const job = await queue.add("maintenance", { task: "update-universe", timeframe: "1d", maxLookbackDays: 30 });
    const result = (await job.waitUntilFinished(events, 15_000)) as { runs: number };
    expect(result.runs).toBeGreaterThanOrEqual(1);
    const runs = await db().$client`select provider, kind, symbols, (extract(epoch from range_start) * 1000)::float8 as start from ingestion_runs where kind = 'update'`;
    const sim = runs.find((r) => r.provider === "sim");
    expect(sim?.symbols).toContain("UPD1");
    expect(sim?.start).toBe(day); // from the last stored bar
    expect(runs.some((r) => r.provider === "csv")).toBe(false); // nothing to fetch for imported data
    const { getQueue } = await import("@/server/queues/producers");
    for (const q of ["ingestBars", "computeFeatures"] as const) {
      await getQueue(q).obliterate({ force: true });
      await getQueue(q).close();
    }
  });

  it("fails a bad payload once, without retries (UnrecoverableError)", async () => {
    const job = await queue.add("maintenance", { task: "format-disk" });
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/invalid payload/);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(await failed?.isFailed()).toBe(true);
  });
});
