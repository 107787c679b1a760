/**
 * tfjs-layers builders for MLP, LSTM and GRU with zod-validated hyperparameters, seeded initialisers, and a
 * GradientEngine adapter so they train with the shared loop (train.ts): the trainer owns a flat parameter
 * vector, the adapter writes it into the model's variables, computes the SSE gradient with
 * tf.variableGrads and flattens it. The fast path for LSTM is models/fast-lstm.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { z } from "zod";
import type { WindowDataset } from "../dataset";
import { gatherLastStep, gatherTargets, gatherWindows } from "../dataset";
import type { GradientEngine } from "../train";
import { ZRidgeParams } from "./ridge";

export const ZMlpParams = z.object({
  kind: z.literal("mlp"),
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([64, 32]),
  activation: z.enum(["relu", "tanh", "elu"]).default("relu"),
  /** Use the whole window flattened (true) or only the decision-time row (false). */
  flattenWindow: z.boolean().default(false),
});
export const ZRnnParams = z.object({
  kind: z.enum(["lstm", "gru"]),
  units: z.number().int().min(1).max(1024).default(32),
  layers: z.number().int().min(1).max(4).default(1),
});
export const ZModelParams = z.discriminatedUnion("kind", [ZMlpParams, ZRnnParams.extend({ kind: z.literal("lstm") }), ZRnnParams.extend({ kind: z.literal("gru") }), ZRidgeParams.extend({ kind: z.literal("ridge") })]);
export type TModelParams = z.infer<typeof ZModelParams>;
export type TModelParamsInput = z.input<typeof ZModelParams>;

/** Builds an uncompiled model: input [window, features] (RNN / flattened MLP) or [features] (MLP), one linear output. */
export function buildModel(tf: typeof TF, paramsInput: TModelParamsInput, shape: { window: number; features: number }, seed = 1): TF.LayersModel {
  const p = ZModelParams.parse(paramsInput);
  let k = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed * 1000 + k++ });
  const model = tf.sequential();
  if (p.kind === "ridge") throw new RangeError("ridge is closed-form (models/ridge.ts), not a tfjs model");
  if (p.kind === "mlp") {
    const inputShape = p.flattenWindow ? [shape.window * shape.features] : [shape.features];
    p.hidden.forEach((u, i) => model.add(tf.layers.dense({ units: u, activation: p.activation, kernelInitializer: init(), ...(i === 0 ? { inputShape } : {}) })));
  } else {
    for (let i = 0; i < p.layers; i++) {
      const cfg = {
        units: p.units,
        returnSequences: i < p.layers - 1,
        kernelInitializer: init(),
        recurrentInitializer: init(),
        ...(i === 0 ? { inputShape: [shape.window, shape.features] } : {}),
      };
      model.add(p.kind === "lstm" ? tf.layers.lstm({ ...cfg, recurrentActivation: "sigmoid" }) : tf.layers.gru({ ...cfg, recurrentActivation: "sigmoid" }));
    }
  }
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init() }));
  return model;
}

/** Flat copy of a model's trainable weights (in model.trainableWeights order). */
export function getFlatWeights(model: TF.LayersModel): Float32Array {
  const ws = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const out = new Float32Array(ws.reduce((s, w) => s + w.length, 0));
  let o = 0;
  for (const w of ws) {
    out.set(w, o);
    o += w.length;
  }
  return out;
}

export function setFlatWeights(tf: typeof TF, model: TF.LayersModel, flat: Float32Array): void {
  let o = 0;
  for (const w of model.trainableWeights) {
    const v = w.read() as TF.Variable;
    const n = v.size;
    v.assign(tf.tensor(flat.subarray(o, o + n), v.shape));
    o += n;
  }
  if (o !== flat.length) throw new RangeError(`flat has ${flat.length} values, model ${o}`);
}

/** GradientEngine over a tfjs-layers model (MLP on rows or windows, LSTM/GRU on windows). */
export class LayersEngine implements GradientEngine {
  readonly paramCount: number;
  private readonly vars: TF.Variable[];
  constructor(
    private readonly tf: typeof TF,
    readonly model: TF.LayersModel,
    readonly ds: WindowDataset,
    readonly input: "last" | "flat" | "sequence",
    readonly predictChunk = 2048,
  ) {
    this.vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
    this.paramCount = this.vars.reduce((s, v) => s + v.size, 0);
  }

  private x(idx: ArrayLike<number>): TF.Tensor {
    const { window: W, features: F } = this.ds;
    if (this.input === "last") return this.tf.tensor2d(gatherLastStep(this.ds, idx), [idx.length, F]);
    const w = gatherWindows(this.ds, idx);
    return this.input === "flat" ? this.tf.tensor2d(w, [idx.length, W * F]) : this.tf.tensor3d(w, [idx.length, W, F]);
  }

  lossAndGrads(params: Float32Array, idx: Int32Array) {
    const tf = this.tf;
    setFlatWeights(tf, this.model, params);
    const x = this.x(idx);
    const y = tf.tensor2d(gatherTargets(this.ds, idx), [idx.length, 1]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.squaredDifference(this.model.apply(x, { training: true }) as TF.Tensor, y)) as TF.Scalar, this.vars);
    const flat = new Float32Array(this.paramCount);
    let o = 0;
    for (const v of this.vars) {
      const g = grads[v.name]!.dataSync() as Float32Array;
      flat.set(g, o);
      o += g.length;
    }
    const sse = value.dataSync()[0]!;
    tf.dispose([x, y, value, ...Object.values(grads)]);
    return { sse, grads: flat };
  }

  predict(params: Float32Array, idx: Int32Array): Float32Array {
    setFlatWeights(this.tf, this.model, params);
    const out = new Float32Array(idx.length);
    for (let s = 0; s < idx.length; s += this.predictChunk) {
      const part = idx.subarray(s, Math.min(idx.length, s + this.predictChunk));
      const x = this.x(part);
      const p = this.model.predict(x) as TF.Tensor;
      out.set(p.dataSync() as Float32Array, s);
      this.tf.dispose([x, p]);
    }
    return out;
  }
}
