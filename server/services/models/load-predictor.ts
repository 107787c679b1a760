import * as tf from "@tensorflow/tfjs";
import { eq } from "drizzle-orm";
import { modelArtifacts } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { FastLstm, initBackend, modelFromArtifacts, paramsFromBuffer, predictRidge, ridgeFromJSON, StandardScaler, ZFastLstmShape } from "@/lib/ml";
import { db } from "../../db";

/** How a model reads a sample: its decision-time row, the window flattened, or the window as a sequence. */
export type ModelInput = "last" | "flat" | "sequence";

export interface Predictor {
  format: string;
  window: number;
  features: string[];
  scaler: StandardScaler;
  predStats: { mean: number; std: number };
  /** x: B windows × window × features, already scaled (time-major per sample). */
  predict(x: Float32Array, B: number): Promise<Float32Array>;
  dispose(): void;
}

function lastRows(x: Float32Array, B: number, W: number, F: number): Float32Array {
  const out = new Float32Array(B * F);
  for (let b = 0; b < B; b++) out.set(x.subarray((b * W + W - 1) * F, (b * W + W) * F), b * F);
  return out;
}

/** Rebuilds a trained run's model from its stored artifacts (exact weights) with its train-fitted scaler. */
export async function loadPredictor(runId: string): Promise<Predictor> {
  const [a] = await db().select().from(modelArtifacts).where(eq(modelArtifacts.runId, runId));
  if (!a) throw new AppError("NOT_FOUND", { message: `no artifacts for run ${runId}`, userMessage: "This run has no trained model." });
  const scaler = StandardScaler.fromJSON(a.scaler);
  const F = a.features.length;
  const json = a.modelJson as { window: number; input?: ModelInput; [k: string]: unknown };
  const W = json.window;
  const base = { format: a.format, window: W, features: a.features, scaler, predStats: a.predStats };
  if (a.format === "ridge") {
    const m = ridgeFromJSON(json.ridge);
    return { ...base, predict: async (x, B) => predictRidge(m, lastRows(x, B, W, F)), dispose: () => undefined };
  }
  await initBackend();
  const weights = a.weights ? (a.weights.buffer.slice(a.weights.byteOffset, a.weights.byteOffset + a.weights.byteLength) as ArrayBuffer) : new ArrayBuffer(0);
  if (a.format === "fast-lstm") {
    const shape = ZFastLstmShape.parse(json.shape);
    const model = new FastLstm(tf, shape);
    const params = paramsFromBuffer(weights);
    return { ...base, predict: async (x, B) => (B === 0 ? new Float32Array(0) : await model.predict(params, x, B)), dispose: () => undefined };
  }
  if (a.format === "layers") {
    const model = await modelFromArtifacts(tf, { modelTopology: json.modelTopology as object, weightSpecs: json.weightSpecs as tf.io.WeightsManifestEntry[], weightData: weights });
    const input = json.input ?? "sequence";
    return {
      ...base,
      predict: async (x, B) => {
        if (B === 0) return new Float32Array(0);
        const t = input === "last" ? tf.tensor2d(lastRows(x, B, W, F), [B, F]) : input === "flat" ? tf.tensor2d(x, [B, W * F]) : tf.tensor3d(x, [B, W, F]);
        const p = model.predict(t) as tf.Tensor;
        const out = new Float32Array(await p.data());
        tf.dispose([t, p]);
        return out;
      },
      dispose: () => model.dispose(),
    };
  }
  throw new AppError("INTERNAL", { message: `unknown model format ${a.format}` });
}
