import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../backend";
import { Rng } from "../util";
import { FastLstm, fastLstmLayout, initFastLstmParams, referenceLstmSse } from "./fast-lstm";

beforeAll(async () => {
  await initBackend();
});

describe("FastLstm (hand-written BPTT)", () => {
  const shape = { units: 3, features: 2, window: 5 };
  const B = 4;
  const rng = new Rng(5);
  const x = new Float32Array(B * shape.window * shape.features).map(() => rng.normal());
  const y = new Float32Array(B).map(() => rng.normal());
  const params = initFastLstmParams(shape, 1).map((v) => v + 0.3 * rng.normal());

  it("forward matches a float64 reference", () => {
    const m = new FastLstm(tf, shape);
    const ref = referenceLstmSse(params, shape, x, y, B);
    const p = m.predict(params, x, B);
    p.forEach((v, b) => expect(v).toBeCloseTo(ref.pred[b]!, 4));
    expect(m.lossAndGrads(params, x, y, B).sse).toBeCloseTo(ref.sse, 3);
  });

  it("gradient matches central finite differences of the reference (every parameter)", () => {
    const m = new FastLstm(tf, shape);
    const { grads } = m.lossAndGrads(params, x, y, B);
    const p64 = Float64Array.from(params);
    const eps = 1e-5;
    const L = fastLstmLayout(shape);
    let maxRel = 0;
    for (let k = 0; k < L.size; k++) {
      const save = p64[k]!;
      p64[k] = save + eps;
      const up = referenceLstmSse(p64, shape, x, y, B).sse;
      p64[k] = save - eps;
      const dn = referenceLstmSse(p64, shape, x, y, B).sse;
      p64[k] = save;
      const num = (up - dn) / (2 * eps);
      const rel = Math.abs(num - grads[k]!) / Math.max(1e-2, Math.abs(num));
      maxRel = Math.max(maxRel, rel);
    }
    expect(maxRel).toBeLessThan(2e-3);
  });

  it("matches tfjs's own LSTM layer (weights mapped, gate order i,f,c,o → i,f,o,g)", () => {
    const U = shape.units, F = shape.features;
    const L = fastLstmLayout(shape);
    const layer = tf.sequential({ layers: [tf.layers.lstm({ units: U, recurrentActivation: "sigmoid", inputShape: [shape.window, F] }), tf.layers.dense({ units: 1 })] });
    const perm = [0, 1, 3, 2]; // keras gate k ← our gate perm[k]
    const kernel = new Float32Array(F * 4 * U);
    const rec = new Float32Array(U * 4 * U);
    const bias = new Float32Array(4 * U);
    for (let k = 0; k < 4; k++)
      for (let u = 0; u < U; u++) {
        const ours = perm[k]! * U + u;
        const theirs = k * U + u;
        for (let f = 0; f < F; f++) kernel[f * 4 * U + theirs] = params[L.wx + ours * F + f]!;
        for (let v = 0; v < U; v++) rec[v * 4 * U + theirs] = params[L.wh + ours * U + v]!;
        bias[theirs] = params[L.b + ours]!;
      }
    layer.layers[0]!.setWeights([tf.tensor2d(kernel, [F, 4 * U]), tf.tensor2d(rec, [U, 4 * U]), tf.tensor1d(bias)]);
    layer.layers[1]!.setWeights([tf.tensor2d(params.subarray(L.wo, L.bo), [U, 1]), tf.tensor1d([params[L.bo]!])]);
    const theirs = (layer.predict(tf.tensor3d(x, [B, shape.window, F])) as ReturnType<typeof tf.tensor2d>).dataSync();
    const ours = new FastLstm(tf, shape).predict(params, x, B);
    ours.forEach((v, b) => expect(v).toBeCloseTo(theirs[b]!, 4));
    layer.dispose();
  });
});
