/**
 * In-memory model artifacts (the pure half of save/load; files and the database are the caller's):
 * a tfjs LayersModel ↔ { modelTopology, weightSpecs, weightData } with an exact round trip, and the fast
 * LSTM's flat parameters ↔ an ArrayBuffer.
 */
import type * as TF from "@tensorflow/tfjs";

export interface ModelArtifactsInMemory {
  modelTopology: object;
  weightSpecs: TF.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Serialises a LayersModel through tf.io.withSaveHandler (no file system). */
export async function modelToArtifacts(tf: typeof TF, model: TF.LayersModel): Promise<ModelArtifactsInMemory> {
  let captured: TF.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } };
    }),
  );
  const a = captured as TF.io.ModelArtifacts | null;
  if (!a || !a.modelTopology || !a.weightSpecs || a.weightData === undefined) throw new Error("model.save produced no artifacts");
  const wd = a.weightData;
  const weightData = Array.isArray(wd) ? tf.io.concatenateArrayBuffers(wd) : (wd as ArrayBuffer);
  return { modelTopology: a.modelTopology as object, weightSpecs: a.weightSpecs, weightData: weightData.slice(0) };
}

/** Rebuilds a LayersModel from artifacts (tf.io.fromMemory). */
export async function modelFromArtifacts(tf: typeof TF, a: ModelArtifactsInMemory): Promise<TF.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, weightData: a.weightData.slice(0) }));
}

/** Fast-LSTM parameters as bytes (float32 little-endian, as in memory). */
export function paramsToBuffer(params: Float32Array): ArrayBuffer {
  return params.slice().buffer as ArrayBuffer;
}

export function paramsFromBuffer(buf: ArrayBuffer): Float32Array {
  if (buf.byteLength % 4 !== 0) throw new RangeError(`buffer of ${buf.byteLength} bytes is not float32 data`);
  return new Float32Array(buf.slice(0));
}
