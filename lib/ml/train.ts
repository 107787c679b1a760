/**
 * Training loop shared by every neural model: seeded shuffling, mini-batches, Adam in plain JS, gradient
 * clipping by global norm, learning-rate schedule, early stopping on the validation loss (restoring the best
 * parameters), progress per epoch (loss, val loss, metrics, ETA), cancellation via AbortSignal and
 * checkpoint/resume (parameters, Adam moments and loop state as ArrayBuffers + JSON).
 *
 * A model plugs in through `GradientEngine`: sum of squared errors and its gradient for a batch of sample
 * indices, and predictions. Engines may run on worker threads (models/parallel.ts).
 */
import { z } from "zod";
import { Adam, clipGlobalNorm, learningRate, ZLrSchedule } from "./optim";
import { Rng, shuffleInPlace } from "./util";

export interface GradientEngine {
  readonly paramCount: number;
  /** Sum over the batch of squared errors and its gradient w.r.t. params. */
  lossAndGrads(params: Float32Array, idx: Int32Array): Promise<{ sse: number; grads: Float32Array }> | { sse: number; grads: Float32Array };
  predict(params: Float32Array, idx: Int32Array): Promise<Float32Array> | Float32Array;
}

export const ZTrainOptions = z.object({
  epochs: z.number().int().min(1).max(10_000).default(20),
  batchSize: z.number().int().min(1).max(65_536).default(256),
  learningRate: z.number().gt(0).max(10).default(1e-3),
  schedule: ZLrSchedule.default({ kind: "constant" }),
  /** Max global gradient norm (of the mean-loss gradient); 0 disables clipping. */
  clipNorm: z.number().min(0).default(1),
  weightDecay: z.number().min(0).default(0),
  /** Epochs without a val-loss improvement (by more than minDelta) before stopping. */
  patience: z.number().int().min(1).default(5),
  minDelta: z.number().min(0).default(0),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
});
export type TTrainOptions = z.infer<typeof ZTrainOptions>;
export type TTrainOptionsInput = z.input<typeof ZTrainOptions>;

export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number;
  lr: number;
  /** Extra validation metrics from `valMetrics`. */
  metrics: Record<string, number>;
  samplesPerSecond: number;
  elapsedMs: number;
  /** Estimated remaining time for the planned epochs. */
  etaMs: number;
  best: boolean;
}

/** Everything needed to resume a run: binary parts as ArrayBuffers, the rest JSON. */
export interface Checkpoint {
  params: ArrayBuffer;
  best: ArrayBuffer;
  adamM: ArrayBuffer;
  adamV: ArrayBuffer;
  state: { epoch: number; adamStep: number; bestValLoss: number; bestEpoch: number; stale: number; history: EpochProgress[] };
}

export interface TrainResult {
  params: Float32Array;
  history: EpochProgress[];
  bestEpoch: number;
  bestValLoss: number;
  stopped: "completed" | "early_stopping" | "aborted";
}

export interface TrainHooks {
  onEpoch?: (p: EpochProgress) => void | Promise<void>;
  /** Called after each epoch with a resumable checkpoint. */
  onCheckpoint?: (c: Checkpoint) => void | Promise<void>;
  signal?: AbortSignal;
  resumeFrom?: Checkpoint;
  valMetrics?: (pred: Float32Array) => Record<string, number>;
  /** Injectable clock (tests); defaults to performance.now. */
  now?: () => number;
}

const copyBuf = (a: Float32Array): ArrayBuffer => a.slice().buffer as ArrayBuffer;

export async function train(
  engine: GradientEngine,
  init: Float32Array,
  data: { train: Int32Array; val: Int32Array; yVal: Float32Array },
  options: TTrainOptionsInput,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const o = ZTrainOptions.parse(options);
  const now = hooks.now ?? (() => performance.now());
  const P = engine.paramCount;
  if (init.length !== P) throw new RangeError(`init has ${init.length} params, engine ${P}`);
  const params = init.slice();
  let best = init.slice();
  const adam = new Adam(P);
  let history: EpochProgress[] = [];
  let start = 0;
  let bestValLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let stale = 0;
  const r = hooks.resumeFrom;
  if (r) {
    params.set(new Float32Array(r.params));
    best = new Float32Array(r.best.slice(0));
    adam.m.set(new Float32Array(r.adamM));
    adam.v.set(new Float32Array(r.adamV));
    adam.step = r.state.adamStep;
    start = r.state.epoch + 1;
    bestValLoss = r.state.bestValLoss;
    bestEpoch = r.state.bestEpoch;
    stale = r.state.stale;
    history = r.state.history.slice();
  }
  const order = data.train.slice();
  const t0 = now();
  let stopped: TrainResult["stopped"] = "completed";
  for (let epoch = start; epoch < o.epochs; epoch++) {
    if (hooks.signal?.aborted) {
      stopped = "aborted";
      break;
    }
    const te = now();
    const lr = learningRate(o.learningRate, o.schedule, epoch);
    // Shuffle is a pure function of (seed, epoch): resuming reproduces the same batches.
    order.set(data.train);
    shuffleInPlace(order, new Rng(o.seed, 0x7ea1, epoch));
    let sse = 0;
    for (let s = 0; s < order.length; s += o.batchSize) {
      if (hooks.signal?.aborted) break;
      const idx = order.subarray(s, Math.min(order.length, s + o.batchSize));
      const { sse: bs, grads } = await engine.lossAndGrads(params, idx);
      sse += bs;
      const inv = 1 / idx.length;
      for (let i = 0; i < P; i++) grads[i] = grads[i]! * inv;
      clipGlobalNorm(grads, o.clipNorm);
      adam.apply(params, grads, lr, o.weightDecay);
    }
    if (hooks.signal?.aborted) {
      stopped = "aborted";
      break;
    }
    const pred = data.val.length ? await engine.predict(params, data.val) : new Float32Array(0);
    let vs = 0;
    for (let i = 0; i < pred.length; i++) vs += (pred[i]! - data.yVal[i]!) ** 2;
    const valLoss = data.val.length ? vs / data.val.length : sse / order.length;
    const improved = valLoss < bestValLoss - o.minDelta;
    if (improved) {
      bestValLoss = valLoss;
      bestEpoch = epoch;
      best = params.slice();
      stale = 0;
    } else stale++;
    const done = epoch - start + 1;
    const elapsed = now() - t0;
    const p: EpochProgress = {
      epoch,
      epochs: o.epochs,
      loss: sse / order.length,
      valLoss,
      lr,
      metrics: hooks.valMetrics && pred.length ? hooks.valMetrics(pred) : {},
      samplesPerSecond: order.length / Math.max(1e-9, (now() - te) / 1000),
      elapsedMs: elapsed,
      etaMs: (elapsed / done) * (o.epochs - epoch - 1),
      best: improved,
    };
    history.push(p);
    await hooks.onEpoch?.(p);
    if (hooks.onCheckpoint) {
      await hooks.onCheckpoint({
        params: copyBuf(params),
        best: copyBuf(best),
        adamM: copyBuf(adam.m),
        adamV: copyBuf(adam.v),
        state: { epoch, adamStep: adam.step, bestValLoss, bestEpoch, stale, history: history.slice() },
      });
    }
    if (stale >= o.patience) {
      stopped = "early_stopping";
      break;
    }
  }
  return { params: bestEpoch >= 0 ? best : params, history, bestEpoch, bestValLoss, stopped };
}
