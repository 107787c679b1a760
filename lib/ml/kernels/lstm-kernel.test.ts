import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../backend";
import { FastLstm, fastLstmLayout, initFastLstmParams, referenceLstmSse, type TFastLstmShape } from "../models/fast-lstm";
import { Rng } from "../util";
import { WasmLstm, wasmLstmAvailable } from "./lstm-kernel";

function problem(shape: TFastLstmShape, B: number, seed: number, jitter = 0.3) {
  const rng = new Rng(seed);
  const x = new Float32Array(B * shape.window * shape.features).map(() => rng.normal());
  const y = new Float32Array(B).map(() => rng.normal());
  const params = initFastLstmParams(shape, seed).map((v) => v + jitter * rng.normal());
  return { x, y, params, rng };
}

/** Max relative error of the kernel gradient against central differences of the float64 reference. */
function fdCheck(shape: TFastLstmShape, B: number, grads: Float32Array, p: ReturnType<typeof problem>, which: Iterable<number>): number {
  const p64 = Float64Array.from(p.params);
  const eps = 1e-5;
  let maxRel = 0;
  for (const k of which) {
    const save = p64[k]!;
    p64[k] = save + eps;
    const up = referenceLstmSse(p64, shape, p.x, p.y, B).sse;
    p64[k] = save - eps;
    const dn = referenceLstmSse(p64, shape, p.x, p.y, B).sse;
    p64[k] = save;
    const num = (up - dn) / (2 * eps);
    maxRel = Math.max(maxRel, Math.abs(num - grads[k]!) / Math.max(1e-2, Math.abs(num)));
  }
  return maxRel;
}

describe("WebAssembly SIMD LSTM kernel", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("is available in this runtime and the committed lstm.wasm was built from lstm.as", () => {
    expect(wasmLstmAvailable()).toBe(true);
    const manifest = JSON.parse(readFileSync(new URL("./lstm.build.json", import.meta.url), "utf8")) as { sha256: string; wasmSha256: string };
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    expect(sha(readFileSync(new URL("./lstm.as", import.meta.url))), "lstm.wasm is stale: run `npm run build:wasm`").toBe(manifest.sha256);
    expect(sha(readFileSync(new URL("./lstm.wasm", import.meta.url))), "lstm.wasm does not match lstm.build.json").toBe(manifest.wasmSha256);
  });

  // U = 3 and 6 exercise unit padding to a multiple of 4, odd B a half-empty pair, K = U + F + 1 odd and even.
  for (const [shape, B] of [
    [{ units: 3, features: 2, window: 5 }, 5],
    [{ units: 6, features: 3, window: 4 }, 4],
    [{ units: 9, features: 6, window: 6 }, 3],
  ] as const) {
    it(`forward and every gradient entry match the float64 reference (U ${shape.units}, F ${shape.features}, T ${shape.window}, B ${B})`, async () => {
      const p = problem(shape, B, 7);
      const m = await WasmLstm.create(shape);
      const ref = referenceLstmSse(p.params, shape, p.x, p.y, B);
      m.predict(p.params, p.x, B).forEach((v, b) => expect(v).toBeCloseTo(ref.pred[b]!, 5));
      const { sse, grads } = m.lossAndGrads(p.params, p.x, p.y, B);
      expect(sse).toBeCloseTo(ref.sse, 4);
      expect(fdCheck(shape, B, grads, p, grads.keys())).toBeLessThan(1e-3);
    });
  }

  it("benchmark shape (U 32, F 16, T 60): sampled gradient entries match finite differences", async () => {
    const shape = { units: 32, features: 16, window: 60 };
    const B = 2;
    const p = problem(shape, B, 3, 0.05);
    const { grads } = (await WasmLstm.create(shape)).lossAndGrads(p.params, p.x, p.y, B);
    const L = fastLstmLayout(shape);
    // a few entries of every block: Wx, Wh (each gate), b, wo, bo
    const which = [0, 5 * 16 + 3, 127 * 16 + 15, L.wh, L.wh + 40 * 32 + 7, L.wh + 100 * 32 + 31, L.b, L.b + 33, L.b + 70, L.b + 127, L.wo, L.wo + 31, L.bo];
    expect(fdCheck(shape, B, grads, p, which)).toBeLessThan(2e-3);
  });

  it("matches the tfjs FastLstm (predictions and gradient) on the benchmark shape to ~1e-4", async () => {
    const shape = { units: 32, features: 16, window: 60 };
    const B = 6;
    const p = problem(shape, B, 11, 0.05);
    const ours = await WasmLstm.create(shape);
    const theirs = new FastLstm(tf, shape);
    const a = ours.predict(p.params, p.x, B);
    const b = theirs.predict(p.params, p.x, B);
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i]!))));
    const ga = ours.lossAndGrads(p.params, p.x, p.y, B);
    const gb = theirs.lossAndGrads(p.params, p.x, p.y, B);
    expect(Math.abs(ga.sse - gb.sse)).toBeLessThan(1e-4 * gb.sse);
    let num = 0;
    let den = 0;
    for (let i = 0; i < ga.grads.length; i++) {
      num += (ga.grads[i]! - gb.grads[i]!) ** 2;
      den += gb.grads[i]! ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-4);
  });

  it("is deterministic and independent of batch growth (buffers reused or moved)", async () => {
    const shape = { units: 8, features: 4, window: 10 };
    const p = problem(shape, 40, 2);
    const m = await WasmLstm.create(shape);
    const small = m.lossAndGrads(p.params, p.x.subarray(0, 3 * 40), p.y.subarray(0, 3), 3);
    const big = m.lossAndGrads(p.params, p.x, p.y, 40);
    const again = m.lossAndGrads(p.params, p.x, p.y, 40);
    expect(again.sse).toBe(big.sse);
    expect(Array.from(again.grads)).toEqual(Array.from(big.grads));
    expect(Array.from((await WasmLstm.create(shape)).lossAndGrads(p.params, p.x.subarray(0, 3 * 40), p.y.subarray(0, 3), 3).grads)).toEqual(Array.from(small.grads));
  });
});
