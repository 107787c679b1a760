import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser } from "@/db/seed";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { db } from "@/server/db";
import { getQueue } from "@/server/queues/producers";
import { barView } from "@/server/services/bars/rollup-bars";
import { startBackfill } from "@/server/services/ingestion/start-backfill";
import { upsertSymbols } from "@/server/services/market/upsert-symbols";
import { startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";

/**
 * End to end on real parts: a worker PROCESS backfills from the local fake Binance server into the real
 * Postgres through real BullMQ queues; we kill -9 it mid-backfill, start a new one, and check that every
 * bar arrived exactly once.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
let vendor: FakeVendor;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      QUEUE_PREFIX: prefix,
      WORKER_ROLE: "ingest",
      BINANCE_BASE_URL: vendor.url,
      PROVIDER_RPM: "600", // ~10 requests/s: slow enough to kill mid-run
      WORKER_LOCK_MS: "2000",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
    },
  });
  children.push(child);
  return child;
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  process.env.QUEUE_PREFIX = prefix;
  vendor = await startFakeVendor();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const q of ["ingestBars", "computeFeatures"] as const) {
    await getQueue(q).obliterate({ force: true });
    await getQueue(q).close();
  }
  await getQueue("maintenance").obliterate({ force: true }).catch(() => undefined);
  await getQueue("maintenance").close();
  await vendor.close();
  await db().$client.end({ timeout: 2 });
});

describe("backfill worker", () => {
  it("survives kill -9 mid-backfill: no missing and no duplicated bars after restart", async () => {
    const symbols = ["KILLA-USD", "KILLB-USD", "KILLC-USD"];
    const source = syntheticBars({ calendar: "CRYPTO", seed: 7 });
    for (const s of symbols) vendor.registerBars("binance", `${s.split("-")[0]}USDT`, "1m", source);
    await upsertSymbols(symbols.map((symbol) => ({ symbol, assetClass: "crypto", provider: "binance" })));
    const user = await seedUser(db(), { role: "analyst" });
    const start = new Date("2024-01-01T00:00:00Z");
    const end = new Date("2024-01-05T00:00:00Z"); // 4 days × 1440 = 5760 bars per symbol, 6 pages each
    const expected = source("x", "1m", start.getTime(), end.getTime()).map((b) => b.ts);

    let worker = startWorker();
    const { runId } = await startBackfill({ userId: user.id, symbols, provider: "binance", timeframe: "1m", start, end });

    // Kill it hard once some but not all bars are in.
    await waitFor(
      async () => {
        const [r] = await db().$client`select count(*)::int as n from bars_1m where symbol = any(${symbols})`;
        return r!.n > 2000 && r!.n < expected.length * symbols.length;
      },
      60_000,
      "the backfill to be under way",
    );
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    const [mid] = await db().$client`select status, progress from ingestion_runs where id = ${runId}`;
    expect(mid!.status).toBe("running");

    worker = startWorker();
    const done = await waitFor(
      async () => {
        const [r] = await db().$client`select status from ingestion_runs where id = ${runId}`;
        return r!.status !== "running" && r!.status !== "queued" ? r!.status : undefined;
      },
      90_000,
      "the run to finish after the restart",
    );
    expect(done).toBe("succeeded");

    for (const s of symbols) {
      const rows = await db().$client`select extract(epoch from ts) * 1000 as t from bars_1m where symbol = ${s} order by ts`;
      expect(rows.map((r) => Number(r.t))).toEqual(expected); // every bar, once, in order
    }
    // Higher timeframes were rolled up from the same bars.
    for (const tf of TIMEFRAMES.slice(1)) {
      const [r] = await db().$client.unsafe(`select count(*)::int as n from ${barView(tf)} where symbol = $1`, [symbols[0]!]);
      expect(r!.n).toBeGreaterThan(0);
    }
    const [run] = await db().$client`select progress, done_symbols from ingestion_runs where id = ${runId}`;
    expect(run!.progress).toBe(1);
    expect([...run!.done_symbols].sort()).toEqual([...symbols].sort());
    worker.kill("SIGTERM");
  }, 180_000);
});
