/**
 * ML benchmark (issue 7): LSTM(32) on windows of 60 × 16 features.
 *   - lstm_train_samples_per_s: full training loop (gather windows, hand-written BPTT on tfjs ops split over
 *     worker threads, gradient sum, clipping, Adam) over simulator windows, batch 1024;
 *   - inference_windows_per_s: batch prediction over the same windows (4096 per chunk, split over workers);
 *   - the same two figures on one thread, and a naive tfjs-layers model.fit for reference.
 * Progress to stderr, ONE JSON object as the last stdout line.
 */
import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "@/lib/ml/backend";
import { FastLstmEngine, ParallelFastLstm, ParallelFastLstmEngine } from "@/lib/ml/models/engines";
import { initFastLstmParams } from "@/lib/ml/models/fast-lstm";
import { simDataset } from "@/lib/ml/test-helpers";
import { train } from "@/lib/ml/train";

const quick = process.argv.includes("--quick");
const log = (s: string) => process.stderr.write(`${s}\n`);
const THREADS = Math.max(1, Math.min(os.availableParallelism(), 4));
const BATCH = 1024;
const U = 32;

const info = await initBackend({ log });
log("building dataset (simulator, 16 features, window 60)…");
const { ds } = simDataset({ symbols: quick ? 16 : 40, features: 16, window: 60, start: "2019-01-01", end: "2021-12-31" });
log(`${ds.n} samples`);
const trainN = Math.min(ds.n, quick ? 6 * BATCH : 16 * BATCH);
const idx = Int32Array.from({ length: trainN }, (_, i) => i);
const init = initFastLstmParams({ units: U, features: 16 }, 1);
const opts = { epochs: 1, batchSize: BATCH, learningRate: 1e-3, clipNorm: 1 };

async function measure(engine: FastLstmEngine | ParallelFastLstmEngine, label: string) {
  // warm-up: one batch
  await engine.lossAndGrads(init, idx.subarray(0, BATCH));
  const t0 = performance.now();
  await train(engine, init, { train: idx, val: new Int32Array(0), yVal: new Float32Array(0) }, opts);
  const trainSps = trainN / ((performance.now() - t0) / 1000);
  const pidx = idx.subarray(0, Math.min(trainN, quick ? 8192 : 16384));
  await engine.predict(init, pidx.subarray(0, 1024));
  const t1 = performance.now();
  await engine.predict(init, pidx);
  const inferWps = pidx.length / ((performance.now() - t1) / 1000);
  log(`${label}: train ${trainSps.toFixed(0)} samples/s, inference ${inferWps.toFixed(0)} windows/s`);
  return { trainSps, inferWps };
}

const pool = new ParallelFastLstm({ units: U, features: 16, window: 60 }, THREADS);
const workerBackends = await pool.ready;
const par = await measure(new ParallelFastLstmEngine(pool, ds), `${THREADS} threads`);
await pool.close();
const one = await measure(new FastLstmEngine(tf, ds, U), "1 thread");

log("naive tfjs-layers model.fit (reference)…");
const naiveN = quick ? 512 : 2048;
const model = tf.sequential({ layers: [tf.layers.lstm({ units: U, inputShape: [60, 16], recurrentActivation: "sigmoid" }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
const xs = tf.randomNormal([naiveN, 60, 16]);
const ys = tf.randomNormal([naiveN, 1]);
await model.fit(xs.slice([0, 0, 0], [256, 60, 16]), ys.slice([0, 0], [256, 1]), { epochs: 1, batchSize: 256, verbose: 0 });
const t2 = performance.now();
await model.fit(xs, ys, { epochs: 1, batchSize: 256, verbose: 0 });
const naiveSps = naiveN / ((performance.now() - t2) / 1000);
log(`naive model.fit: ${naiveSps.toFixed(0)} samples/s`);

const result = {
  backend: info.name,
  worker_backends: workerBackends,
  threads: THREADS,
  batch: BATCH,
  lstm_train_samples_per_s: Math.round(par.trainSps),
  inference_windows_per_s: Math.round(par.inferWps),
  lstm_train_samples_per_s_1thread: Math.round(one.trainSps),
  inference_windows_per_s_1thread: Math.round(one.inferWps),
  naive_fit_samples_per_s: Math.round(naiveSps),
  load_avg_1m: Number(os.loadavg()[0]!.toFixed(2)),
  quick,
};
console.log(JSON.stringify(result));
process.exit(0);
