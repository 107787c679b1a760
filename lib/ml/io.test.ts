import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "./backend";
import { modelFromArtifacts, modelToArtifacts, paramsFromBuffer, paramsToBuffer } from "./io";
import { buildModel, getFlatWeights, LayersEngine } from "./models/layers";
import { holdoutSplit } from "./splits";
import { simDataset } from "./test-helpers";
import { train } from "./train";
import { gatherTargets } from "./dataset";

beforeAll(async () => {
  await initBackend();
});

describe("model builders and io", () => {
  const shape = { window: 4, features: 3 };
  const x = tf.randomNormal([5, 4, 3], 0, 1, "float32", 7);

  for (const params of [{ kind: "mlp" as const, hidden: [8, 4], flattenWindow: true }, { kind: "lstm" as const, units: 5 }, { kind: "gru" as const, units: 5, layers: 2 }]) {
    it(`${params.kind}: seeded build, exact artifacts round trip`, async () => {
      const a = buildModel(tf, params, shape, 3);
      const b = buildModel(tf, params, shape, 3);
      expect(Array.from(getFlatWeights(a))).toEqual(Array.from(getFlatWeights(b)));
      const input = params.kind === "mlp" ? x.reshape([5, 12]) : x;
      const art = await modelToArtifacts(tf, a);
      const loaded = await modelFromArtifacts(tf, { modelTopology: JSON.parse(JSON.stringify(art.modelTopology)), weightSpecs: JSON.parse(JSON.stringify(art.weightSpecs)), weightData: art.weightData });
      expect(Array.from((loaded.predict(input) as ReturnType<typeof tf.tensor>).dataSync())).toEqual(Array.from((a.predict(input) as ReturnType<typeof tf.tensor>).dataSync()));
      const again = await modelToArtifacts(tf, loaded);
      expect(new Uint8Array(again.weightData)).toEqual(new Uint8Array(art.weightData));
      expect(again.weightSpecs).toEqual(art.weightSpecs);
      a.dispose();
      b.dispose();
      loaded.dispose();
    });
  }

  it("hyperparameters are validated", () => {
    expect(() => buildModel(tf, { kind: "lstm", units: 0 }, shape)).toThrow();
    expect(() => buildModel(tf, { kind: "mlp", hidden: [] }, shape)).toThrow();
  });

  it("fast-LSTM params ↔ buffer", () => {
    const p = Float32Array.from([1.5, -2, Math.PI, 1e-30]);
    expect(Array.from(paramsFromBuffer(paramsToBuffer(p)))).toEqual(Array.from(p));
  });

  it("GRU trains through the shared loop (LayersEngine) and improves the val loss", async () => {
    const { ds } = simDataset({ symbols: 20, plantedIC: 0.2, window: 3, features: 4, label: "cs_rank", end: "2020-12-31" });
    const f = holdoutSplit(ds, { valFraction: 0.2, testFraction: 0.1, embargo: 1 });
    const model = buildModel(tf, { kind: "gru", units: 4 }, ds, 2);
    const engine = new LayersEngine(tf, model, ds, "sequence");
    const r = await train(engine, getFlatWeights(model), { train: f.train.idx, val: f.val.idx, yVal: gatherTargets(ds, f.val.idx) }, { epochs: 3, batchSize: 256, learningRate: 1e-2 });
    expect(r.history).toHaveLength(3);
    expect(r.bestValLoss).toBeLessThan(r.history[0]!.valLoss + 1e-9);
    model.dispose();
  }, 30_000);
});
