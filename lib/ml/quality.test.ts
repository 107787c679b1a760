/**
 * Out-of-sample quality on the simulator (issue 7): with a planted signal a model reaches ≥ 0.8 of the
 * oracle IC (the true signal's IC on the same test samples); without one, and with shuffled labels or
 * features shifted one bar into the past, the test IC is statistically zero. Any look-ahead in the dataset,
 * split or scaler path would make the null cases fail loudly.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "./backend";
import { compareWithBaselines, priceBaseline, reversal5 } from "./baselines";
import { gatherLastStep, gatherTargets, pick, withSource, type WindowDataset } from "./dataset";
import { evaluatePredictions } from "./metrics";
import { FastLstmEngine } from "./models/engines";
import { initFastLstmParams } from "./models/fast-lstm";
import { fitRidge, predictRidge } from "./models/ridge";
import { fitScalerOnTrain } from "./scaler";
import { holdoutSplit } from "./splits";
import { simDataset } from "./test-helpers";
import { train } from "./train";
import { Rng, shuffleInPlace } from "./util";

const log = (s: string) => process.stderr.write(`[quality] ${s}\n`);

function ridgeIC(ds: WindowDataset, opts: { shuffle?: boolean } = {}) {
  const f = holdoutSplit(ds, { valFraction: 0, testFraction: 0.3, embargo: 1 });
  const scaled = withSource(ds, fitScalerOnTrain(ds, f.train.idx).transform(ds.source));
  const y = gatherTargets(scaled, f.train.idx);
  if (opts.shuffle) shuffleInPlace(y as unknown as Int32Array, new Rng(4));
  const m = fitRidge(gatherLastStep(scaled, f.train.idx), y, ds.features, { lambda: 1e-3 });
  const pred = predictRidge(m, gatherLastStep(scaled, f.test.idx));
  return { f, pred, report: evaluatePredictions(pred, { y: pick(ds.y, f.test.idx), ts: pick(ds.ts, f.test.idx) }) };
}

describe("quality on the simulator", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("ridge reaches ≥ 0.8 of the oracle IC with a planted signal (noisy observation of it)", () => {
    const { ds, oracle, closes } = simDataset({ symbols: 80, plantedIC: 0.1, signalNoise: 0.5 });
    const { f, pred, report } = ridgeIC(ds);
    const best = evaluatePredictions(pick(oracle, f.test.idx), { y: pick(ds.y, f.test.idx), ts: pick(ds.ts, f.test.idx) });
    const ratio = report.ic.mean / best.ic.mean;
    const cmp = compareWithBaselines(ds, f.test.idx, pred, { reversal5: priceBaseline(ds, f.test.idx, closes, reversal5), oracle: pick(oracle, f.test.idx) });
    log(`ridge IC ${report.ic.mean.toFixed(4)} (t ${report.ic.t.toFixed(1)}), oracle IC ${best.ic.mean.toFixed(4)}, ratio ${ratio.toFixed(3)}; lift vs reversal5 ${cmp.lift.reversal5!.ic.toFixed(4)}`);
    expect(ratio).toBeGreaterThanOrEqual(0.8);
    expect(report.ic.t).toBeGreaterThan(4);
  });

  it("no planted signal → test IC indistinguishable from zero", () => {
    const { ds } = simDataset({ symbols: 80, plantedIC: 0, seed: 21 });
    const { report } = ridgeIC(ds);
    log(`null: IC ${report.ic.mean.toFixed(4)} t ${report.ic.t.toFixed(2)}`);
    expect(Math.abs(report.ic.t)).toBeLessThan(3);
  });

  it("shuffled train labels → test IC ≈ 0", () => {
    const { ds } = simDataset({ symbols: 80, plantedIC: 0.1 });
    const { report } = ridgeIC(ds, { shuffle: true });
    log(`shuffled: IC ${report.ic.mean.toFixed(4)} t ${report.ic.t.toFixed(2)}`);
    expect(Math.abs(report.ic.t)).toBeLessThan(3);
  });

  it("the same signal-only features unshifted do carry the signal (the shift test has power)", () => {
    const { ds } = simDataset({ symbols: 80, plantedIC: 0.1, priceFeatures: false });
    const { report } = ridgeIC(ds);
    expect(report.ic.t).toBeGreaterThan(5);
  });

  it("features shifted one bar into the past → IC ≈ 0 (one bar of look-ahead anywhere would restore it)", () => {
    const { ds } = simDataset({ symbols: 80, plantedIC: 0.1, featureShift: 1, priceFeatures: false });
    const { report } = ridgeIC(ds);
    log(`shift +1: IC ${report.ic.mean.toFixed(4)} t ${report.ic.t.toFixed(2)}`);
    expect(Math.abs(report.ic.t)).toBeLessThan(3);
  });

  it("fast LSTM (window 5) reaches ≥ 0.8 of the oracle IC", async () => {
    const { ds, oracle } = simDataset({ symbols: 50, plantedIC: 0.15, window: 5, features: 6, label: "cs_rank" });
    const f = holdoutSplit(ds, { valFraction: 0.15, testFraction: 0.25, embargo: 1 });
    const scaled = withSource(ds, fitScalerOnTrain(ds, f.train.idx).transform(ds.source));
    const engine = new FastLstmEngine(tf, scaled, 8);
    const t0 = performance.now();
    const r = await train(engine, initFastLstmParams({ units: 8, features: ds.features }, 3), { train: f.train.idx, val: f.val.idx, yVal: gatherTargets(ds, f.val.idx) }, {
      epochs: 6,
      batchSize: 256,
      learningRate: 1e-2,
      patience: 3,
      seed: 5,
    });
    const pred = await engine.predict(r.params, f.test.idx);
    const d = { y: pick(ds.y, f.test.idx), ts: pick(ds.ts, f.test.idx) };
    const ic = evaluatePredictions(pred, d).ic.mean;
    const best = evaluatePredictions(pick(oracle, f.test.idx), d).ic.mean;
    log(`lstm: ${f.train.idx.length} train samples, ${r.history.length} epochs in ${(performance.now() - t0).toFixed(0)} ms, IC ${ic.toFixed(4)} oracle ${best.toFixed(4)} ratio ${(ic / best).toFixed(3)}`);
    expect(ic / best).toBeGreaterThanOrEqual(0.8);
  }, 60_000);
});
