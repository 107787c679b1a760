import { describe, expect, it } from "vitest";
import { Rng } from "@/lib/sim";
import { fitRidge, predictRidge, ridgeFromJSON, ridgeToJSON } from "./ridge";

describe("ridge", () => {
  it("recovers the weights of a noiseless linear model (λ → 0)", () => {
    const rng = new Rng(3);
    const n = 500, d = 6;
    const w = [0.5, -1, 2, 0, 0.1, -0.3];
    const X = new Float32Array(n * d).map(() => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => 0.7 + w.reduce((s, wj, j) => s + wj * X[i * d + j]!, 0));
    const m = fitRidge(X, y, d, { lambda: 0 });
    m.weights.forEach((v, j) => expect(v).toBeCloseTo(w[j]!, 6));
    expect(m.intercept).toBeCloseTo(0.7, 6);
    const p = predictRidge(m, X);
    expect(p[7]).toBeCloseTo(y[7]!, 4);
    expect(ridgeFromJSON(JSON.parse(JSON.stringify(ridgeToJSON(m))))).toEqual(m);
  });

  it("matches the 1-D closed form with a penalty", () => {
    const x = new Float64Array([1, 2, 3, 4]);
    const y = [2, 3, 5, 4];
    const m = fitRidge(x, y, 1, { lambda: 0.5 });
    // centred: x̃ = [-1.5,-.5,.5,1.5], ỹ = [-1.5,-.5,1.5,.5]; w = Σx̃ỹ / (Σx̃² + λn) = 4 / (5 + 2)
    expect(m.weights[0]).toBeCloseTo(4 / 7, 10);
    expect(m.intercept).toBeCloseTo(3.5 - (4 / 7) * 2.5, 10);
  });
});
