import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeFeatures, featureNames, featureSetHash, fillCrossSectional } from "@/lib/features";
import { db, redis } from "../../db";
import { getBars } from "../bars/get-bars";
import { loadBundledData } from "../market/load-bundled-data";
import { computeFeatureStore } from "./compute-feature-store";
import { getFeatureValues, getLatestFeatures } from "./get-feature-values";

// Symbols no other integration test file loads (files share one database).
const SYMS = ["NVDA", "JPM", "PG", "XOM", "WMT", "INTC"];

beforeAll(async () => {
  await loadBundledData({ symbols: SYMS });
});

afterAll(async () => {
  await redis().del(`${process.env.QUEUE_PREFIX}:features:core-v1:1d`, `${process.env.QUEUE_PREFIX}:features:core-v1:1d:meta`);
  await db().$client.end({ timeout: 2 });
});

describe("feature store (real Postgres + Redis)", () => {
  it("stores every symbol's point-in-time vectors in the set's order, equal to an in-memory computation", async () => {
    const r = await computeFeatureStore({ featureSet: "core-v1", timeframe: "1d" });
    // The universe: every active symbol with daily bars (other test files may have added some).
    const universe = (await db().$client`select s.symbol from symbols s where s.active and exists (select 1 from bars_1d_all b where b.symbol = s.symbol) order by s.symbol`).map((x) => x.symbol as string);
    expect(r.symbols).toBe(universe.length);
    const [count] = await db().$client`select count(*)::int as n from feature_values where feature_set = 'core-v1' and timeframe = '1d'`;
    expect(count!.n).toBe(r.rows);
    const [set] = await db().$client`select hash, names from feature_sets where name = 'core-v1'`;
    expect(set!.hash).toBe(featureSetHash("core-v1"));
    expect(set!.names).toEqual([...featureNames("core-v1")]);

    // Recompute the same thing in memory and compare one symbol's latest rows (float4 storage).
    const mats = [];
    for (const s of universe) mats.push(computeFeatures(await getBars({ symbol: s, timeframe: "1d", adjusted: true, limit: 50_000 }), { set: "core-v1" }));
    fillCrossSectional(mats);
    const ko = mats[universe.indexOf("PG")]!;
    const stored = await getFeatureValues({ symbol: "PG", timeframe: "1d", featureSet: "core-v1", limit: 3 });
    expect(stored.ts).toEqual(Array.from(ko.ts.subarray(ko.length - 3, ko.length)));
    for (const name of ["ROC20", "RSI14", "CSRANK_ROC20"].filter((n) => featureNames("core-v1").includes(n))) {
      const mem = ko.column(name);
      stored.columns[name]!.forEach((v, i) => {
        const m = mem[ko.length - 3 + i]!;
        if (Number.isNaN(m)) expect(v).toBeNull();
        else expect(Math.abs(v! - m)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(m)));
      });
    }
    const latest = await getLatestFeatures("core-v1", "1d");
    expect([...latest!.keys()].sort()).toEqual(universe);
    expect(latest!.get("PG")!.values.length).toBe(featureNames("core-v1").length);
  });

  it("incremental runs replace only rows from `from` on and change nothing when the bars did not", async () => {
    const before = await getFeatureValues({ symbol: "XOM", timeframe: "1d", featureSet: "core-v1", limit: 10 });
    const r = await computeFeatureStore({ featureSet: "core-v1", timeframe: "1d", from: Date.parse("2021-04-01T00:00:00Z") });
    const [expected] = await db().$client`select count(*)::int as n from bars_1d_all b join symbols s using (symbol) where s.active and b.ts >= '2021-04-01'`;
    expect(r.rows).toBe(expected!.n); // e.g. 14 sessions 2021-04-01..04-21 (Good Friday closed) per bundled symbol
    const after = await getFeatureValues({ symbol: "XOM", timeframe: "1d", featureSet: "core-v1", limit: 10 });
    expect(after).toEqual(before);
    // The scanner's parsed copy of the latest vectors is reused until a run replaces them.
    const latest = await getLatestFeatures("core-v1", "1d");
    expect(await getLatestFeatures("core-v1", "1d")).toBe(latest);
    await computeFeatureStore({ featureSet: "core-v1", timeframe: "1d", from: Date.parse("2021-04-20T00:00:00Z") });
    const replaced = await getLatestFeatures("core-v1", "1d");
    expect(replaced).not.toBe(latest);
    expect([...replaced!.keys()].sort()).toEqual([...latest!.keys()].sort());
    const [count] = await db().$client`select count(*)::int as n from feature_values where symbol = 'XOM' and feature_set = 'core-v1'`;
    expect(count!.n).toBe(2516);
  });
});
