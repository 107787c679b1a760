/**
 * Feature-set registry: size, naming, descriptions, the pinned storage order and hash of core-v1,
 * and that every declared lookback is the true warm-up (NaN before it, defined from it on).
 */
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { computeFeatures, fillCrossSectional } from "./compute";
import { CORE_V1_FEATURES } from "./core-v1";
import { defineFeatureSet, describeFeatures, FEATURE_SET_IDS, FEATURE_SETS, featureNames, featureSetHash, getFeatureSet } from "./feature-set";
import { simDaily } from "./test-helpers";
import { FEATURE_GROUPS, type FeatureDef } from "./types";

/** core-v1 in storage order. Stored vectors depend on it: never edit, add core-v2 instead. */
const CORE_V1_NAMES = [
  "KMID", "KLEN", "KUP", "KLOW", "KSFT", "KMID2", "KUP2", "KLOW2", "KSFT2",
  "KMID_L1", "KLEN_L1", "KSFT_L1", "KMID_L2", "KLEN_L2", "KSFT_L2",
  "ROC1", "ROC5", "ROC10", "ROC20", "ROC60",
  "STD5", "STD20", "STD60", "STDR5_20", "STDR20_60", "NATR14",
  "MA5", "MA10", "MA20", "MA60", "ZMA20", "ZMA60", "BETA20",
  "RSI6", "RSI14", "MACD", "MACDH", "BBP20", "BBW20", "ADX14", "PDI14", "MDI14", "STOCHK14", "STOCHD14", "CCI20", "WILLR14", "MFI14", "AROON14",
  "VOL5", "VOL20", "VOL60", "VZ20", "VSTD20", "OBVS20", "VWAP20", "CORR10", "CORR20", "CORD10", "CORD20",
  "HIGH252", "LOW252", "MAX20", "MIN20", "MAX60", "MIN60", "RANK20",
  "CNTP20", "CNTN20", "SUMP20",
  "DOW", "DOM", "MONTH", "DTME", "MEND",
  "CSRANK_ROC5", "CSRANK_ROC20", "CSZ_ROC20", "CSRANK_ROC60", "CSRANK_STD20", "CSRANK_VOL20", "CSRANK_RSI14", "CSZ_MA20", "CSRANK_HIGH252",
]; // prettier-ignore
const CORE_V1_HASH = "a30dfb5e07a4";

describe("feature sets", () => {
  it("core-v1 has ≥ 60 features with unique, well-formed names and a description each", () => {
    const set = getFeatureSet("core-v1");
    expect(set.features.length).toBeGreaterThanOrEqual(60);
    expect(new Set(set.names).size).toBe(set.names.length);
    for (const f of set.features) {
      expect(f.name, f.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(f.description.trim().length, `${f.name} description`).toBeGreaterThan(10);
      expect(FEATURE_GROUPS, `${f.name} group`).toContain(f.group);
      expect(Number.isInteger(f.lookback) && f.lookback >= 0, `${f.name} lookback`).toBe(true);
    }
  });

  it("covers every group of the product issue", () => {
    const groups = new Set(getFeatureSet("core-v1").features.map((f) => f.group));
    for (const g of FEATURE_GROUPS) expect(groups, g).toContain(g);
  });

  it("core-v1 storage order and hash are frozen (a change needs a new set id)", () => {
    expect(featureNames("core-v1")).toEqual(CORE_V1_NAMES);
    expect(featureSetHash("core-v1")).toBe(CORE_V1_HASH);
    expect(FEATURE_SET_IDS).toContain("core-v1");
  });

  it("the hash changes with the order, a name, a lookback or the code version", () => {
    const base = defineFeatureSet("x", 1, CORE_V1_FEATURES).hash;
    const swapped = [...CORE_V1_FEATURES];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    expect(defineFeatureSet("x", 1, swapped).hash).not.toBe(base);
    expect(defineFeatureSet("x", 2, CORE_V1_FEATURES).hash).not.toBe(base);
    const relooked = CORE_V1_FEATURES.map((f, i) => (i === 3 ? { ...f, lookback: f.lookback + 1 } : f));
    expect(defineFeatureSet("x", 1, relooked).hash).not.toBe(base);
    const renamed = CORE_V1_FEATURES.map((f, i) => (i === 3 ? { ...f, name: "KLOWX" } : f));
    expect(defineFeatureSet("x", 1, renamed).hash).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{12}$/);
  });

  it("describeFeatures lists name, description, group, lookback in storage order", () => {
    const info = describeFeatures("core-v1");
    expect(info.map((f) => f.name)).toEqual(CORE_V1_NAMES);
    expect(info[0]).toEqual({ index: 0, name: "KMID", description: expect.any(String), group: "kbar", lookback: 0, kind: "ts" });
    expect(info.find((f) => f.name === "CSRANK_ROC20")).toMatchObject({ kind: "cs", base: "ROC20", lookback: 20, group: "cross-section" });
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  it("rejects malformed definitions and unknown set ids", () => {
    const ok = CORE_V1_FEATURES[0]!;
    expect(() => defineFeatureSet("x", 1, [ok, ok])).toThrow(/duplicate/);
    expect(() => defineFeatureSet("x", 1, [{ ...ok, name: "roc5" }])).toThrow(/does not match/);
    expect(() => defineFeatureSet("x", 1, [{ ...ok, description: " " }])).toThrow(/description/);
    const cs = CORE_V1_FEATURES.find((f) => f.kind === "cs")!;
    expect(() => defineFeatureSet("x", 1, [cs])).toThrow(/base/);
    expect(() => getFeatureSet("core-v0")).toThrow(AppError);
    expect(FEATURE_SETS["core-v1"].maxLookback).toBe(251);
  });
});

describe("declared lookbacks are the true warm-up", () => {
  // Clean simulated bars, several symbols so that cross-sectional features are defined.
  const bars = simDaily(5, 3, "2015-01-01", "2017-12-31");
  const matrices = bars.map((b) => computeFeatures(b));
  fillCrossSectional(matrices);

  it.each(FEATURE_SET_IDS.flatMap((id) => getFeatureSet(id).features.map((f): [string, FeatureDef] => [`${id}/${f.name}`, f])))(
    "%s: NaN before lookback, finite from it on",
    (_label, f) => {
      for (const m of matrices) {
        const col = m.column(f.name);
        for (let i = 0; i < f.lookback; i++) if (!Number.isNaN(col[i])) expect.fail(`${f.name}[${i}] = ${col[i]} inside the warm-up of ${f.lookback}`);
        for (let i = f.lookback; i < col.length; i++) if (!Number.isFinite(col[i])) expect.fail(`${f.name}[${i}] = ${col[i]} after the warm-up of ${f.lookback}`);
      }
    },
  );
});
