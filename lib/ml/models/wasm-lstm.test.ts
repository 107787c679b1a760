import { afterAll, describe, expect, it } from "vitest";
import { gatherTargets } from "../dataset";
import { WASM_LSTM_BACKEND } from "../kernels/lstm-kernel";
import { simDataset } from "../test-helpers";
import { train } from "../train";
import { createLstmEngine, ParallelWasmLstm, ParallelWasmLstmEngine, WasmLstmEngine } from "./engines";
import { initFastLstmParams } from "./fast-lstm";

const { ds } = simDataset({ symbols: 12, features: 6, window: 8, start: "2020-01-01", end: "2020-12-31", label: "cs_rank" });
const U = 8;
const n = Math.min(ds.n, 1200);
const trainIdx = Int32Array.from({ length: Math.floor(n * 0.8) }, (_, i) => i);
const valIdx = Int32Array.from({ length: n - trainIdx.length }, (_, i) => trainIdx.length + i);
const data = { train: trainIdx, val: valIdx, yVal: gatherTargets(ds, valIdx) };
const opts = { epochs: 3, batchSize: 64, learningRate: 5e-3, patience: 10, seed: 4 };
const init = initFastLstmParams({ units: U, features: ds.features }, 2);

describe("WebAssembly LSTM engines", () => {
  const pool = new ParallelWasmLstm({ units: U, features: ds.features, window: ds.window }, 2);
  afterAll(() => pool.close());

  it("training reduces the loss and is bit-identical for the same seed", async () => {
    const engine = await WasmLstmEngine.create(ds, U);
    const a = await train(engine, init, data, opts);
    const b = await train(engine, init, data, opts);
    expect(a.history.at(-1)!.loss).toBeLessThan(a.history[0]!.loss);
    expect(a.history.at(-1)!.valLoss).toBeLessThan(a.history[0]!.valLoss);
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
    expect(b.history.map((h) => h.valLoss)).toEqual(a.history.map((h) => h.valLoss));
  });

  it("2 worker threads give the single-thread gradient (up to summation order) and predictions", async () => {
    const one = await WasmLstmEngine.create(ds, U);
    const par = new ParallelWasmLstmEngine(pool, ds);
    expect(await pool.ready).toEqual([WASM_LSTM_BACKEND, WASM_LSTM_BACKEND]);
    const idx = trainIdx.subarray(0, 101);
    const g1 = one.lossAndGrads(init, idx);
    const g2 = await par.lossAndGrads(init, idx);
    expect(g2.sse).toBeCloseTo(g1.sse, 4);
    g2.grads.forEach((v, i) => expect(v).toBeCloseTo(g1.grads[i]!, 4));
    expect(Array.from(await par.predict(init, valIdx))).toEqual(Array.from(await one.predict(init, valIdx)));
    // training through the pool is deterministic too
    const r1 = await train(par, init, data, { ...opts, epochs: 1 });
    const r2 = await train(par, init, data, { ...opts, epochs: 1 });
    expect(Array.from(r2.params)).toEqual(Array.from(r1.params));
  });

  it("createLstmEngine picks the kernel (and falls back to tfjs on request)", async () => {
    const e = await createLstmEngine(ds, U, { threads: 1 });
    expect(e.backend).toBe(WASM_LSTM_BACKEND);
    const t = await createLstmEngine(ds, U, { threads: 1, kind: "tfjs" });
    expect(t.backend).toMatch(/^tfjs-/);
    const idx = trainIdx.subarray(0, 16);
    const [a, b] = [await e.predict(init, idx), await t.predict(init, idx)];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
    await Promise.all([e.close(), t.close()]);
  });
});
