import * as tf from "@tensorflow/tfjs";
import { modelArtifacts, type RunEvalSummary, type RunMetrics } from "@/db/schema";
import { AppError } from "@/lib/errors";
import {
  buildModel,
  compareWithBaselines,
  createLstmEngine,
  fitRidge,
  fitScalerOnTrain,
  gatherLastStep,
  gatherTargets,

  getFlatWeights,
  icByPeriod,
  initBackend,
  initFastLstmParams,
  LayersEngine,
  modelToArtifacts,
  momentum12_1,
  paramsToBuffer,
  parseDatasetSpec,
  periodsOf,
  pick,
  predictRidge,
  priceBaseline,
  reversal5,
  ridgeBaseline,
  ridgeToJSON,
  setFlatWeights,
  specHash,
  summarise,
  train,
  walkForwardSplits,
  withSource,
  type EvalReport,
  type GradientEngine,
  type WindowDataset,
} from "@/lib/ml";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { logger } from "../../logger";
import { buildDataset } from "./build-dataset";
import type { ModelInput } from "./load-predictor";
import { deleteCheckpoint, finishModelRun, getModelRun, loadCheckpoint, markModelRunStarted, recordModelRunEpoch, saveCheckpoint, setModelRunFields } from "./model-runs";
import { ZRunConfig } from "./training-config";

export interface TrainProgress {
  runId: string;
  stage: "dataset" | "training" | "evaluating" | "done";
  epoch?: number;
  epochs?: number;
  loss?: number;
  valLoss?: number;
  etaMs?: number;
  pct: number;
}

export interface TrainModelRunOptions {
  runId: string;
  jobId?: string;
  /** Aborted → the run ends "cancelled" (checked before every batch). */
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => Promise<void> | void;
}

const finiteOr = (x: number, d: number | null = null) => (Number.isFinite(x) ? x : d);

function summary(r: EvalReport, withPeriods: boolean): RunEvalSummary {
  const s = (x: EvalReport["ic"]) => ({ mean: finiteOr(x.mean, 0)!, std: finiteOr(x.std, 0)!, icir: finiteOr(x.icir, 0)!, t: finiteOr(x.t, 0)!, periods: x.periods });
  return {
    samples: r.samples,
    mse: finiteOr(r.mse, 0)!,
    directionalAccuracy: finiteOr(r.directionalAccuracy, 0)!,
    ic: s(r.ic),
    rankIc: s(r.rankIc),
    topMinusBottom: s(r.topMinusBottom),
    ...(withPeriods ? { perPeriod: { ts: r.perPeriod.ts, ic: r.perPeriod.ic.map((v) => finiteOr(v)), rankIc: r.perPeriod.rankIc.map((v) => finiteOr(v)) } } : {}),
  };
}

/** Lets timers and I/O (cancel polling, progress writes) run between batches: training is otherwise one long task. */
function yieldingEngine(e: GradientEngine): GradientEngine {
  return {
    paramCount: e.paramCount,
    lossAndGrads: async (p, idx) => {
      await new Promise<void>((r) => setImmediate(r));
      return e.lossAndGrads(p, idx);
    },
    predict: (p, idx) => e.predict(p, idx),
  };
}

/**
 * Train and evaluate one run (the train-model job's work; runs in a sandboxed worker thread): build the
 * dataset from the feature store, one walk-forward fold with purge and embargo, scaler fit on train only,
 * fit (closed-form ridge, or the shared training loop with early stopping, LR schedule, clipping, seeded
 * shuffles), checkpoint every epoch and resume from the last checkpoint when a killed job restarts,
 * then test-segment metrics with the 12-1 momentum, 5-day reversal and ridge baselines on the same samples.
 */
export async function trainModelRun(opts: TrainModelRunOptions): Promise<{ status: string; epochs: number; ic: number | null }> {
  const run = await getModelRun(opts.runId);
  if (!run) throw new AppError("NOT_FOUND", { message: `model run ${opts.runId} not found` });
  if (run.status === "completed" || run.status === "cancelled" || run.status === "failed") return { status: run.status, epochs: run.curves.length, ic: run.metrics?.model.ic.mean ?? null };
  if (run.cancelRequested) {
    await finishModelRun(run.id, "cancelled");
    return { status: "cancelled", epochs: 0, ic: null };
  }
  const cfg = ZRunConfig.parse({ model: run.params, train: run.trainOptions, split: run.split });
  const spec = parseDatasetSpec(run.datasetSpec as never);
  const backend = await initBackend({ log: (line) => logger.info({ runId: run.id }, line) });
  const checkpoint = cfg.model.kind === "ridge" ? null : await loadCheckpoint(run.id);
  await markModelRunStarted(run.id, { gitSha: serverEnv().GIT_SHA ?? null, backend: backend.name, jobId: opts.jobId, resumedFromEpoch: checkpoint ? checkpoint.state.epoch : null });
  const progress = (p: Omit<TrainProgress, "runId">) => opts.onProgress?.({ runId: run.id, ...p });
  await progress({ stage: "dataset", pct: 0 });

  const built = await buildDataset(spec);
  const ds = built.ds;
  if (ds.n === 0) throw new AppError("UNPROCESSABLE", { message: "empty dataset", userMessage: "The dataset has no samples (dates, warm-up or labels)." });
  const P = periodsOf(ds.ts).length;
  const testPeriods = Math.max(1, Math.round(P * cfg.split.testFraction));
  const valPeriods = cfg.model.kind === "ridge" ? 0 : Math.max(1, Math.round(P * cfg.split.valFraction));
  const embargo = Math.max(cfg.split.embargo ?? 0, ds.horizon);
  let fold;
  try {
    fold = walkForwardSplits(ds, { folds: 1, testPeriods, valPeriods, embargo, trainPeriods: cfg.split.trainPeriods, minTrainPeriods: 20 }).at(-1)!;
  } catch (err) {
    throw new AppError("UNPROCESSABLE", { message: String(err), userMessage: `Not enough history for the split (${P} periods).` });
  }
  if (fold.train.idx.length === 0 || fold.test.idx.length === 0) throw new AppError("UNPROCESSABLE", { userMessage: "The split leaves no train or test samples." });
  await setModelRunFields(run.id, { datasetHash: ds.hash });
  const scaler = fitScalerOnTrain(ds, fold.train.idx);
  const sds: WindowDataset = withSource(ds, scaler.transform(ds.source));
  const { train: trainIdx, val: valIdx, test: testIdx } = { train: fold.train.idx, val: fold.val.idx, test: fold.test.idx };
  const shape = { window: ds.window, features: ds.features };
  logger.info({ runId: run.id, samples: ds.n, train: trainIdx.length, val: valIdx.length, test: testIdx.length, ms: Math.round(built.ms), backend: backend.name }, "dataset built");

  let pred: Float32Array;
  let format: string;
  let modelJson: Record<string, unknown>;
  let weights: Buffer | null = null;
  let bestEpoch = -1;
  let stopped = "completed";
  let epochsRun = 0;
  const m = cfg.model;
  if (m.kind === "ridge") {
    await progress({ stage: "training", pct: 10 });
    const model = fitRidge(gatherLastStep(sds, trainIdx), gatherTargets(sds, trainIdx), ds.features, { lambda: m.lambda, fitIntercept: m.fitIntercept });
    pred = predictRidge(model, gatherLastStep(sds, testIdx));
    format = "ridge";
    modelJson = { window: ds.window, input: "last", ridge: ridgeToJSON(model) };
  } else {
    let engine: GradientEngine;
    let closeEngine: () => Promise<void> = async () => {};
    let init: Float32Array;
    let finish: (params: Float32Array) => Promise<void>;
    if (m.kind === "lstm" && m.layers === 1) {
      const fshape = { units: m.units, features: ds.features, window: ds.window };
      // The WebAssembly SIMD kernel (same parameter layout as FastLstm, tfjs fallback), one thread: one training per core.
      const lstm = await createLstmEngine(sds, m.units, { threads: 1 });
      closeEngine = () => lstm.close();
      engine = lstm;
      await setModelRunFields(run.id, { backend: `${lstm.backend} (tfjs ${backend.name})` });
      init = initFastLstmParams(fshape, cfg.train.seed);
      format = "fast-lstm";
      modelJson = { window: ds.window, shape: fshape };
      finish = async (params) => {
        weights = Buffer.from(paramsToBuffer(params));
      };
    } else {
      const input: ModelInput = m.kind === "mlp" ? (m.flattenWindow ? "flat" : "last") : "sequence";
      const model = buildModel(tf, m, shape, cfg.train.seed);
      engine = new LayersEngine(tf, model, sds, input);
      init = getFlatWeights(model);
      format = "layers";
      modelJson = { window: ds.window, input };
      finish = async (params) => {
        setFlatWeights(tf, model, params);
        const a = await modelToArtifacts(tf, model);
        modelJson = { ...modelJson, modelTopology: a.modelTopology, weightSpecs: a.weightSpecs };
        weights = Buffer.from(a.weightData);
      };
    }
    const yVal = gatherTargets(ds, valIdx);
    const valTs = pick(ds.ts, valIdx);
    const result = await train(
      yieldingEngine(engine),
      init,
      { train: trainIdx, val: valIdx, yVal },
      cfg.train,
      {
        signal: opts.signal,
        resumeFrom: checkpoint ?? undefined,
        valMetrics: (p) => ({ ic: summarise(icByPeriod(p, yVal, valTs).ic).mean }),
        onEpoch: async (p) => {
          await progress({ stage: "training", epoch: p.epoch, epochs: p.epochs, loss: p.loss, valLoss: p.valLoss, etaMs: p.etaMs, pct: Math.round(((p.epoch + 1) / p.epochs) * 90) });
        },
        onCheckpoint: async (c) => {
          await saveCheckpoint(run.id, c);
          await recordModelRunEpoch(run.id, c.state.history);
        },
      },
    );
    epochsRun = result.history.length;
    bestEpoch = result.bestEpoch;
    stopped = result.stopped;
    if (result.stopped === "aborted") {
      await finishModelRun(run.id, "cancelled");
      return { status: "cancelled", epochs: epochsRun, ic: null };
    }
    await progress({ stage: "evaluating", pct: 92 });
    pred = await engine.predict(result.params, testIdx);
    await closeEngine();
    await finish(result.params);
  }

  // Baselines on the same test samples; ridge on the same scaled decision-time rows.
  const cmp = compareWithBaselines(ds, testIdx, pred, {
    momentum12_1: priceBaseline(ds, testIdx, built.closes, momentum12_1),
    reversal5: priceBaseline(ds, testIdx, built.closes, reversal5),
    ridge: ridgeBaseline(sds, trainIdx, testIdx),
  });
  let s = 0;
  let ss = 0;
  for (const v of pred) {
    s += v;
    ss += v * v;
  }
  const mean = pred.length ? s / pred.length : 0;
  const std = pred.length ? Math.sqrt(Math.max(0, ss / pred.length - mean * mean)) : 0;
  const metrics: RunMetrics = {
    model: summary(cmp.model, true),
    baselines: Object.fromEntries(Object.entries(cmp.baselines).map(([k, r]) => [k, summary(r, true)])),
    lift: Object.fromEntries(Object.entries(cmp.lift).map(([k, v]) => [k, { ic: finiteOr(v.ic, 0)!, rankIc: finiteOr(v.rankIc, 0)! }])),
    split: {
      trainSamples: trainIdx.length,
      valSamples: valIdx.length,
      testSamples: testIdx.length,
      purged: fold.purged,
      train: [fold.train.from, fold.train.to],
      val: [finiteOr(fold.val.from, 0)!, finiteOr(fold.val.to, 0)!],
      test: [fold.test.from, finiteOr(fold.test.to, ds.ts[ds.n - 1]! + 1)!],
    },
    counts: { ...ds.counts, features: ds.features, symbols: ds.symbols.length },
    bestEpoch,
    stopped,
  };
  await db()
    .insert(modelArtifacts)
    .values({ runId: run.id, format, modelJson, weights, scaler: scaler.toJSON(), features: built.features, predStats: { mean, std } })
    .onConflictDoUpdate({ target: modelArtifacts.runId, set: { format, modelJson, weights, scaler: scaler.toJSON(), features: built.features, predStats: { mean, std } } });
  await finishModelRun(run.id, "completed", { metrics });
  await deleteCheckpoint(run.id);
  await progress({ stage: "done", pct: 100 });
  logger.info({ runId: run.id, specHash: specHash(spec), ic: metrics.model.ic.mean, epochs: epochsRun }, "model run completed");
  return { status: "completed", epochs: epochsRun, ic: metrics.model.ic.mean };
}

