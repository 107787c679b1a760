import { describe, expect, it } from "vitest";
import { learningRate } from "./optim";
import { train, type Checkpoint, type GradientEngine } from "./train";
import { Rng } from "./util";

/** Linear model y = w·x + b in plain JS (cheap, deterministic engine for loop tests). */
function linearEngine(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float32Array(n * d).map(() => rng.normal());
  const wTrue = Array.from({ length: d }, (_, j) => (j % 2 ? 1 : -0.5));
  const y = Float32Array.from({ length: n }, (_, i) => wTrue.reduce((s, w, j) => s + w * X[i * d + j]!, 0.3) + 0.1 * rng.normal());
  const engine: GradientEngine = {
    paramCount: d + 1,
    lossAndGrads(p, idx) {
      const g = new Float32Array(d + 1);
      let sse = 0;
      for (const i of idx) {
        let e = p[d]! - y[i]!;
        for (let j = 0; j < d; j++) e += p[j]! * X[i * d + j]!;
        sse += e * e;
        for (let j = 0; j < d; j++) g[j]! += 2 * e * X[i * d + j]!;
        g[d]! += 2 * e;
      }
      return { sse, grads: g };
    },
    predict(p, idx) {
      return Float32Array.from(idx, (i) => {
        let s = p[d]!;
        for (let j = 0; j < d; j++) s += p[j]! * X[i * d + j]!;
        return s;
      });
    },
  };
  const trainIdx = Int32Array.from({ length: n * 0.8 }, (_, i) => i);
  const val = Int32Array.from({ length: n * 0.2 }, (_, i) => n * 0.8 + i);
  return { engine, data: { train: trainIdx, val, yVal: Float32Array.from(val, (i) => y[i]!) }, wTrue };
}

describe("train loop", () => {
  const { engine, data, wTrue } = linearEngine(1000, 4, 2);
  const init = new Float32Array(5);
  const opts = { epochs: 12, batchSize: 64, learningRate: 0.05, seed: 9, schedule: { kind: "cosine" as const, epochs: 12 } };

  it("converges, reports progress per epoch and is deterministic for a seed", async () => {
    const seen: number[] = [];
    const a = await train(engine, init, data, opts, { onEpoch: (p) => void seen.push(p.epoch) });
    expect(seen).toEqual([...Array(12).keys()]);
    a.params.subarray(0, 4).forEach((w, j) => expect(w).toBeCloseTo(wTrue[j]!, 1));
    expect(a.history.at(-1)!.valLoss).toBeLessThan(0.02);
    expect(a.history[0]!.etaMs).toBeGreaterThanOrEqual(0);
    const b = await train(engine, init, data, opts);
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });

  it("resuming from a checkpoint reproduces the uninterrupted run exactly", async () => {
    const full = await train(engine, init, data, opts);
    const ctrl = new AbortController();
    let saved: Checkpoint | null = null;
    const part = await train(engine, init, data, opts, {
      signal: ctrl.signal,
      onCheckpoint: (c) => {
        saved = structuredClone(c);
        if (c.state.epoch === 4) ctrl.abort();
      },
    });
    expect(part.stopped).toBe("aborted");
    expect(part.history).toHaveLength(5);
    const resumed = await train(engine, init, data, opts, { resumeFrom: saved! });
    expect(Array.from(resumed.params)).toEqual(Array.from(full.params));
    expect(resumed.history.map((h) => h.valLoss)).toEqual(full.history.map((h) => h.valLoss));
  });

  it("early stopping restores the best epoch", async () => {
    const r = await train(engine, init, data, { ...opts, epochs: 200, learningRate: 0.5, schedule: { kind: "constant" }, patience: 2, minDelta: 1e-3 });
    expect(r.stopped).toBe("early_stopping");
    expect(r.history.length).toBeLessThan(200);
    expect(r.bestValLoss).toBe(Math.min(...r.history.map((h) => h.valLoss)));
  });

  it("learning-rate schedules", () => {
    expect(learningRate(1, { kind: "step", every: 2, gamma: 0.5 }, 5)).toBe(0.25);
    expect(learningRate(1, { kind: "cosine", epochs: 10, warmup: 0, minFactor: 0 }, 10)).toBeCloseTo(0, 12);
    expect(learningRate(1, { kind: "cosine", epochs: 10, warmup: 1, minFactor: 0 }, 0)).toBe(0.5);
  });
});
