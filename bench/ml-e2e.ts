/**
 * End to end on the bundled real data (issue 7 closing note): load the 59 US large caps (daily, 2011–2021),
 * compute the core-v1 feature store, then train and evaluate through the same services the train-model
 * job runs (dataset from the store, walk-forward split with purge/embargo, train-only scaler, test-segment
 * metrics with the baselines on the same samples). Prints wall times, test IC / rank IC and baseline ICs.
 * `npm run bench -- ml-e2e [--quick]` (--quick: ridge + a 6-epoch MLP only, under a minute).
 */
import { benchDatabase, log } from "./_db";

const quick = process.argv.includes("--quick");
const { cleanup } = await benchDatabase();
// A private queue namespace: nothing here may touch a running app's queues.
process.env.QUEUE_PREFIX = `bench-ml-e2e-${Date.now().toString(36)}`;
const { db } = await import("@/server/db");
const { seedUser } = await import("@/db/seed");
const { loadBundledData } = await import("@/server/services/market/load-bundled-data");
const { computeFeatureStore } = await import("@/server/services/features/compute-feature-store");
const { createDatasetSpec } = await import("@/server/services/models/create-dataset-spec");
const { startTraining } = await import("@/server/services/models/start-training");
const { trainModelRun } = await import("@/server/services/models/train-model-run");
const { getModelRunDetail } = await import("@/server/services/models/get-model-run-detail");
const { getQueue } = await import("@/server/queues/producers");

const out: Record<string, unknown> = {};
try {
  const t0 = performance.now();
  const user = await seedUser(db(), { role: "analyst" });
  const loaded = await loadBundledData();
  out.symbols = loaded.symbols;
  out.load_s = +((performance.now() - t0) / 1000).toFixed(1);
  const t1 = performance.now();
  const fs = await computeFeatureStore({ featureSet: "core-v1", timeframe: "1d" });
  out.features_s = +((performance.now() - t1) / 1000).toFixed(1);
  out.feature_rows = fs.rows;
  const universe = (await db().$client`select symbol from symbols where active and symbol not like 'SIM%' order by symbol`).map((r) => r.symbol as string);
  const base = { universe, timeframe: "1d" as const, from: "2012-01-01", to: "2021-04-01", featureSet: "core-v1", label: { kind: "cs_rank" as const, horizon: 5 } };
  const lstmFeatures = ["ROC1", "ROC5", "ROC20", "ROC60", "STD20", "NATR14", "ZMA20", "RSI14", "MACDH", "BBP20", "VZ20", "CORR20", "HIGH252", "LOW252", "CSRANK_ROC20", "CSRANK_VOL20"];
  const rowSpec = await createDatasetSpec({ userId: user.id, name: "e2e-rows", spec: { ...base, window: 1 } });
  const seqSpec = await createDatasetSpec({ userId: user.id, name: "e2e-seq", spec: { ...base, features: lstmFeatures, window: 60 } });
  const configs = [
    { name: "ridge", spec: rowSpec.id, config: { model: { kind: "ridge" as const, lambda: 1e-2 } } },
    { name: "mlp", spec: rowSpec.id, config: { model: { kind: "mlp" as const, hidden: [64, 32] }, train: { epochs: quick ? 6 : 15, batchSize: 256, learningRate: 1e-3, patience: 4, seed: 1 } } },
    ...(quick ? [] : [{ name: "lstm", spec: seqSpec.id, config: { model: { kind: "lstm" as const, units: 32 }, train: { epochs: 8, batchSize: 256, learningRate: 1e-3, patience: 3, seed: 1 } } }]),
  ];
  const runs: Record<string, unknown> = {};
  for (const c of configs) {
    const t = performance.now();
    const { runId } = await startTraining({ userId: user.id, modelName: `e2e-${c.name}`, datasetSpecId: c.spec, config: c.config });
    await trainModelRun({ runId, onProgress: (p) => {
        if (p.stage === "training" && p.epoch !== undefined) log(`${c.name} epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss?.toFixed(5)} val ${p.valLoss?.toFixed(5)}`);
      },
    });
    const d = await getModelRunDetail(runId);
    const m = d.fullMetrics!;
    runs[c.name] = {
      wall_s: +((performance.now() - t) / 1000).toFixed(1),
      backend: d.backend,
      epochs: d.curves.length,
      train_samples: m.split.trainSamples,
      test_samples: m.split.testSamples,
      test_periods: m.model.ic.periods,
      test_from: new Date(m.split.test[0]).toISOString().slice(0, 10),
      ic: +m.model.ic.mean.toFixed(4),
      ic_t: +m.model.ic.t.toFixed(2),
      rank_ic: +m.model.rankIc.mean.toFixed(4),
      icir: +m.model.ic.icir.toFixed(3),
      dir_acc: +m.model.directionalAccuracy.toFixed(4),
      top_minus_bottom: +m.model.topMinusBottom.mean.toFixed(5),
      baselines: Object.fromEntries(Object.entries(m.baselines).map(([k, v]) => [k, { ic: +v.ic.mean.toFixed(4), ic_t: +v.ic.t.toFixed(2), rank_ic: +v.rankIc.mean.toFixed(4) }])),
    };
    log(JSON.stringify(runs[c.name]));
  }
  out.runs = runs;
  out.total_s = +((performance.now() - t0) / 1000).toFixed(1);
  await getQueue("trainModel").obliterate({ force: true });
  await getQueue("trainModel").close();
} finally {
  await db().$client.end({ timeout: 2 });
  await cleanup();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
