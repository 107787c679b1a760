import { describe, expect, it } from "vitest";
import { scoreConfidence } from "./predict-batch";
import { ZRunConfig } from "./training-config";

describe("prediction confidence", () => {
  it("is 2Φ(|z|) − 1 of the score against the model's test predictions", () => {
    const stats = { mean: 0.01, std: 0.02 };
    expect(scoreConfidence(0.01, stats)).toBeCloseTo(0, 6);
    expect(scoreConfidence(0.03, stats)).toBeCloseTo(0.682689, 5); // |z| = 1
    expect(scoreConfidence(-0.01, stats)).toBeCloseTo(0.682689, 5);
    expect(scoreConfidence(0.07, stats)).toBeCloseTo(0.9973, 4); // |z| = 3
    expect(scoreConfidence(1, { mean: 0, std: 0 })).toBe(0);
  });
});

describe("run config", () => {
  it("fills defaults and rejects unknown model kinds", () => {
    const c = ZRunConfig.parse({ model: { kind: "mlp" } });
    expect(c.model).toMatchObject({ kind: "mlp", hidden: [64, 32] });
    expect(c.train).toMatchObject({ epochs: 20, batchSize: 256, clipNorm: 1, patience: 5 });
    expect(c.split).toMatchObject({ testFraction: 0.2, valFraction: 0.15 });
    expect(ZRunConfig.safeParse({ model: { kind: "xgboost" } }).success).toBe(false);
    expect(ZRunConfig.safeParse({ model: { kind: "lstm", units: 0 } }).success).toBe(false);
  });
});
