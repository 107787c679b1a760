import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db, redis } from "../../db";
import { getQueue } from "../../queues/producers";
import { computeFeatureStore } from "../features/compute-feature-store";
import { loadBundledData } from "../market/load-bundled-data";
import { runScan } from "../scans/run-scan";
import { cancelTraining } from "./cancel-training";
import { createDatasetSpec } from "./create-dataset-spec";
import { getModelRunDetail } from "./get-model-run-detail";
import { getSymbolPredictions } from "./get-symbol-predictions";
import { listRegistry } from "./list-registry";
import { getModelRun } from "./model-runs";
import { predictBatch } from "./predict-batch";
import { rollbackModel } from "./rollback-model";
import { setModelStage } from "./set-model-stage";
import { startTraining } from "./start-training";
import { trainModelRun, type TrainProgress } from "./train-model-run";

// Symbols no other integration test file loads (files share one database).
const SYMS = ["ADBE", "AMD", "AMGN", "AVGO", "BA", "BAC", "CAT", "HON"];
let user: SeededUser;
let specId: string;

beforeAll(async () => {
  user = await seedUser(db(), { role: "analyst" });
  await loadBundledData({ symbols: SYMS });
  await computeFeatureStore({ featureSet: "core-v1", timeframe: "1d" });
  const spec = await createDatasetSpec({
    userId: user.id,
    name: "int-8",
    spec: { universe: SYMS, timeframe: "1d", from: "2014-01-01", to: "2021-01-01", featureSet: "core-v1", label: { kind: "forward_return", horizon: 5 }, window: 1 },
  });
  specId = spec.id;
}, 120_000);

afterAll(async () => {
  // Leave nothing in production: other files expect ml_score to be unavailable.
  await db().$client`update model_versions set stage = 'archived' where stage = 'production'`;
  await getQueue("trainModel").obliterate({ force: true });
  await getQueue("predictBatch").obliterate({ force: true });
  await redis().del(`${process.env.QUEUE_PREFIX}:features:core-v1:1d`, `${process.env.QUEUE_PREFIX}:features:core-v1:1d:meta`);
  await db().$client.end({ timeout: 2 });
});

const MLP = { model: { kind: "mlp" as const, hidden: [16] }, train: { epochs: 4, batchSize: 256, learningRate: 3e-3, patience: 10, seed: 7 } };

describe("model lifecycle (real Postgres + Redis, in-process training)", () => {
  it("dedupes dataset specs by content hash and rejects unknown symbols", async () => {
    const again = await createDatasetSpec({
      userId: user.id,
      name: "same",
      spec: { universe: SYMS, timeframe: "1d", from: "2014-01-01", to: "2021-01-01", featureSet: "core-v1", label: { kind: "forward_return", horizon: 5 }, window: 1 },
    });
    expect(again.id).toBe(specId);
    await expect(createDatasetSpec({ userId: user.id, name: "x", spec: { universe: ["NOPE1"], timeframe: "1d", from: "2014-01-01", to: "2021-01-01", featureSet: "core-v1", label: { kind: "forward_return", horizon: 5 } } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("trains ridge and an MLP with per-epoch curves, test metrics and baselines on the same segment", async () => {
    const ridge = await startTraining({ userId: user.id, modelName: "int-alpha", datasetSpecId: specId, config: { model: { kind: "ridge", lambda: 1e-2 } } });
    expect((await getModelRun(ridge.runId))!.status).toBe("queued");
    expect(await trainModelRun({ runId: ridge.runId })).toMatchObject({ status: "completed" });
    const r = await getModelRunDetail(ridge.runId);
    expect(r.status).toBe("completed");
    expect(r.datasetHash).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(r.fullMetrics!.baselines).sort()).toEqual(["momentum12_1", "reversal5", "ridge"]);
    for (const b of Object.values(r.fullMetrics!.baselines)) expect(b.samples).toBe(r.fullMetrics!.model.samples);
    expect(r.fullMetrics!.split.testSamples).toBe(r.fullMetrics!.model.samples);
    // Purge/embargo: the last train label window ends before the test segment starts.
    expect(r.fullMetrics!.split.train[1]).toBeLessThanOrEqual(r.fullMetrics!.split.test[0]);
    expect(r.artifacts).toMatchObject({ format: "ridge" });

    const progress: TrainProgress[] = [];
    const mlp = await startTraining({ userId: user.id, modelName: "int-alpha", datasetSpecId: specId, config: MLP });
    await trainModelRun({ runId: mlp.runId, onProgress: (p) => void progress.push(p) });
    const m = await getModelRunDetail(mlp.runId);
    expect(m.status).toBe("completed");
    expect(m.curves.map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
    expect(m.curves.every((c) => Number.isFinite(c.loss) && Number.isFinite(c.valLoss))).toBe(true);
    expect(progress.filter((p) => p.stage === "training").map((p) => p.epoch)).toEqual([0, 1, 2, 3]);
    expect(m.backend).toMatch(/wasm|cpu|tensorflow/);
    expect(m.fullMetrics!.model.perPeriod!.ts.length).toBe(m.fullMetrics!.model.ic.periods + m.fullMetrics!.model.perPeriod!.ic.filter((x) => x === null).length);
    expect(m.artifacts).toMatchObject({ format: "layers" });
  }, 60_000);

  it("resumes a crashed run from its last checkpoint to the same result as an uninterrupted one", async () => {
    const whole = await startTraining({ userId: user.id, modelName: "int-resume", datasetSpecId: specId, config: MLP });
    await trainModelRun({ runId: whole.runId });
    const crashed = await startTraining({ userId: user.id, modelName: "int-resume", datasetSpecId: specId, config: MLP });
    await expect(
      trainModelRun({
        runId: crashed.runId,
        onProgress: (p) => {
          if (p.stage === "training" && p.epoch === 2) throw new Error("simulated crash");
        },
      }),
    ).rejects.toThrow("simulated crash");
    expect((await getModelRun(crashed.runId))!.status).toBe("running");
    await trainModelRun({ runId: crashed.runId });
    const a = await getModelRunDetail(whole.runId);
    const b = await getModelRunDetail(crashed.runId);
    expect(b.resumedFromEpoch).toBe(1);
    expect(b.curves.map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
    expect(b.curves.map((c) => c.loss)).toEqual(a.curves.map((c) => c.loss));
    expect(b.fullMetrics!.model.ic.mean).toBe(a.fullMetrics!.model.ic.mean);
  }, 60_000);

  it("cancels a queued run at once and a running one before its next batch", async () => {
    const queued = await startTraining({ userId: user.id, modelName: "int-cancel", datasetSpecId: specId, config: MLP });
    expect(await cancelTraining({ userId: user.id, runId: queued.runId })).toEqual({ status: "cancelled" });
    expect(await getQueue("trainModel").getJob(queued.jobId)).toBeUndefined();

    const running = await startTraining({ userId: user.id, modelName: "int-cancel", datasetSpecId: specId, config: { ...MLP, train: { ...MLP.train, epochs: 50 } } });
    const ac = new AbortController();
    const r = await trainModelRun({ runId: running.runId, signal: ac.signal, onProgress: (p) => void (p.stage === "training" && p.epoch === 1 && ac.abort()) });
    expect(r.status).toBe("cancelled");
    const row = await getModelRun(running.runId);
    expect(row!.status).toBe("cancelled");
    expect(row!.curves.length).toBe(2);
  }, 60_000);

  it("promotes, archives the previous production version, rolls back with audit rows, and feeds ml_score to the scanner", async () => {
    const runs = (await db().$client`select id from model_runs where model_name = 'int-alpha' and status = 'completed' order by created_at`).map((x) => x.id as string);
    expect(runs.length).toBe(2);
    const v1 = await setModelStage({ actorId: user.id, runId: runs[0]!, stage: "production", reason: "first" });
    const v2 = await setModelStage({ actorId: user.id, runId: runs[1]!, stage: "production", reason: "better IC" });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    let reg = await listRegistry();
    const stages = () => Object.fromEntries(reg.versions.filter((v) => v.modelName === "int-alpha").map((v) => [v.version, v.stage]));
    expect(stages()).toEqual({ 1: "archived", 2: "production" });
    const back = await rollbackModel({ actorId: user.id, modelName: "int-alpha", reason: "regression" });
    expect(back).toMatchObject({ from: 2, to: 1 });
    reg = await listRegistry();
    expect(stages()).toEqual({ 1: "production", 2: "archived" });
    const audit = reg.audit.filter((a) => a.modelName === "int-alpha");
    expect(audit.length).toBe(5); // none→prod v1, prod→archived v1, none→prod v2, prod→archived v2, archived→prod v1
    expect(audit[0]).toMatchObject({ actor: user.email, to: expect.stringMatching(/production|archived/), reason: "rollback: regression" });
    await expect(setModelStage({ actorId: user.id, runId: (await startTraining({ userId: user.id, modelName: "x", datasetSpecId: specId, config: MLP })).runId, stage: "staging", reason: "r" })).rejects.toMatchObject({ code: "CONFLICT" });

    const out = await predictBatch({ bars: 20, symbols: SYMS });
    expect(out.rows).toBe(SYMS.length * 20);
    const p = await getSymbolPredictions({ symbol: "AMD", limit: 20 });
    expect(p.version).toMatchObject({ modelName: "int-alpha", version: 1 });
    expect(p.points).toHaveLength(20);
    expect(p.points.every((x) => x.confidence >= 0 && x.confidence < 1)).toBe(true);

    const scan = await runScan({ userId: user.id, text: `universe symbols in (${SYMS.join(", ")}) where ml_score > -1000 sort by ml_score desc` });
    expect(scan.total).toBe(SYMS.length);
    const amd = scan.results.find((x) => x.symbol === "AMD")!;
    expect(amd.sortKey).toBeCloseTo(p.points[p.points.length - 1]!.score, 6);
  }, 60_000);
});
