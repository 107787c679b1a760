import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser } from "@/db/seed";
import { db, redis } from "@/server/db";
import { getQueue } from "@/server/queues/producers";
import { computeFeatureStore } from "@/server/services/features/compute-feature-store";
import { loadBundledData } from "@/server/services/market/load-bundled-data";
import { cancelTraining } from "@/server/services/models/cancel-training";
import { createDatasetSpec } from "@/server/services/models/create-dataset-spec";
import { startTraining } from "@/server/services/models/start-training";

/**
 * The train-model queue on real parts: an ml worker PROCESS trains in a sandboxed worker thread; we
 * kill -9 it mid-training, start a new one, and check that the run resumed from its last checkpoint
 * (no epoch lost or repeated); a running training is cancelled through the Redis flag.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
const children: ChildProcess[] = [];
// Symbols no other integration test file loads (files share one database).
const SYMS = ["LLY", "LOW", "MA", "MMM", "MRK", "MU"];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, QUEUE_PREFIX: prefix, WORKER_ROLE: "ml", WORKER_LOCK_MS: "2000", LOG_LEVEL: "warn", NODE_ENV: "production" },
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

const runRow = async (id: string) => (await db().$client`select status, curves, resumed_from_epoch, error, metrics is not null as has_metrics from model_runs where id = ${id}`)[0]!;

let specId: string;
let userId: string;

beforeAll(async () => {
  process.env.QUEUE_PREFIX = prefix;
  userId = (await seedUser(db(), { role: "analyst" })).id;
  await loadBundledData({ symbols: SYMS });
  await computeFeatureStore({ featureSet: "core-v1", timeframe: "1d" });
  specId = (
    await createDatasetSpec({
      userId,
      name: "worker-lstm",
      spec: { universe: SYMS, timeframe: "1d", from: "2015-01-01", to: "2021-01-01", featureSet: "core-v1", features: ["ROC5", "ROC20", "RSI14", "MA20"], label: { kind: "forward_return", horizon: 5 }, window: 20 },
    })
  ).id;
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const q of ["trainModel", "predictBatch", "computeFeatures"] as const) {
    await getQueue(q).obliterate({ force: true }).catch(() => undefined);
    await getQueue(q).close();
  }
  await redis().del(`${process.env.QUEUE_PREFIX}:features:core-v1:1d`, `${process.env.QUEUE_PREFIX}:features:core-v1:1d:meta`);
  await db().$client.end({ timeout: 2 });
});

describe("train-model worker", () => {
  it("survives kill -9 mid-training: the restarted job resumes from the last checkpoint", async () => {
    const { runId } = await startTraining({
      userId,
      modelName: "worker-lstm",
      datasetSpecId: specId,
      config: { model: { kind: "lstm", units: 16 }, train: { epochs: 8, batchSize: 64, learningRate: 3e-3, patience: 20, seed: 3 } },
    });
    let worker = startWorker();
    await waitFor(async () => (await runRow(runId)).curves.length >= 2, 60_000, "two epochs");
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    const mid = await runRow(runId);
    expect(mid.status).toBe("running");
    const doneBefore = mid.curves.length as number;
    expect(doneBefore).toBeLessThan(8);

    worker = startWorker();
    const row = await waitFor(
      async () => {
        const r = await runRow(runId);
        return r.status !== "running" && r.status !== "queued" ? r : undefined;
      },
      90_000,
      "the run to finish after the restart",
    );
    expect(row.error).toBeNull();
    expect(row.status).toBe("completed");
    expect(row.has_metrics).toBe(true);
    expect(row.resumed_from_epoch).toBeGreaterThanOrEqual(doneBefore - 1);
    expect((row.curves as { epoch: number }[]).map((c) => c.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    // Cancel while running: the flag stops it before its next batch.
    const long = await startTraining({
      userId,
      modelName: "worker-lstm",
      datasetSpecId: specId,
      config: { model: { kind: "lstm", units: 16 }, train: { epochs: 200, batchSize: 64, seed: 3, patience: 500 } },
    });
    await waitFor(async () => (await runRow(long.runId)).curves.length >= 1, 60_000, "the long run to start");
    await cancelTraining({ userId, runId: long.runId });
    await waitFor(async () => (await runRow(long.runId)).status === "cancelled", 10_000, "the cancel");
    worker.kill("SIGTERM");
  }, 180_000);
});
