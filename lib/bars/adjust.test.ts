import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { columnsFromBars } from "./columns";
import { adjustmentSteps, factorsAt, inferAdjustmentEvents, unadjustSplits, type CorporateAction } from "./adjust";

const DIR = path.resolve(import.meta.dirname, "../../db/seed/market-data/daily");
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

function load(sym: string) {
  const rows = readFileSync(path.join(DIR, `${sym}.csv`), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
  return {
    ts: Float64Array.from(rows, (r) => day(r[0]!)),
    close: Float64Array.from(rows, (r) => Number(r[4])),
    adj: Float64Array.from(rows, (r) => Number(r[6])),
  };
}

const allActions = readFileSync(path.join(DIR, "corporate_actions.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(","));

function actionsOf(sym: string): CorporateAction[] {
  const out: CorporateAction[] = [];
  for (const [s, d, div, split] of allActions) {
    if (s !== sym) continue;
    if (Number(div) > 0) out.push({ ts: day(d!), kind: "dividend", value: Number(div) });
    if (Number(split) !== 1) out.push({ ts: day(d!), kind: "split", value: Number(split) });
  }
  return out;
}

function maxRelError(sym: string) {
  const { ts, close, adj } = load(sym);
  let steps = adjustmentSteps(actionsOf(sym), ts, close);
  const inferred = inferAdjustmentEvents(ts, close, adj, steps, 0.005, new Set(actionsOf(sym).map((a) => a.ts)));
  steps = adjustmentSteps([...actionsOf(sym), ...inferred], ts, close);
  const f = factorsAt(steps, ts);
  // Compare returns (scale-free): the vendor's base may differ by a constant.
  let worst = 0;
  for (let i = 1; i < ts.length; i++) {
    const ours = (close[i]! * f[i]!) / (close[i - 1]! * f[i - 1]!);
    const theirs = adj[i]! / adj[i - 1]!;
    worst = Math.max(worst, Math.abs(ours / theirs - 1));
  }
  return { worst, inferred };
}

describe("corporate-action adjustment on the bundled real data", () => {
  it("AAPL: 7:1 (2014-06-09) and 4:1 (2020-08-31) splits become continuous", () => {
    const { ts, close } = load("AAPL");
    const steps = adjustmentSteps(actionsOf("AAPL"), ts, close);
    const f = factorsAt(steps, ts);
    const i = ts.indexOf(day("2014-06-09"));
    expect(close[i - 1]! / close[i]!).toBeGreaterThan(6.5); // raw crash-looking jump
    expect(Math.abs((close[i]! * f[i]!) / (close[i - 1]! * f[i - 1]!) - 1)).toBeLessThan(0.05); // adjusted: a normal day
    expect(f[ts.length - 1]).toBe(1);
    expect(factorsAt(steps, Float64Array.of(day("2014-06-09")), "volume")[0]).toBeCloseTo(1 / 4, 12);
  });

  it("ABT: the 2013-01-02 AbbVie spin-off (booked as a $34.65 'dividend', no split row) is adjusted and reconciled with adj_close", () => {
    const { ts, close } = load("ABT");
    const i = ts.indexOf(day("2013-01-02"));
    expect(close[i]! / close[i - 1]!).toBeLessThan(0.5); // raw: a -51% gap
    const { inferred, worst } = maxRelError("ABT");
    expect(inferred.map((a) => [new Date(a.ts).toISOString().slice(0, 10), a.kind])).toEqual([["2013-01-02", "adjustment"]]);
    expect(inferred[0]!.value).toBeCloseTo(1.02, 2);
    expect(worst).toBeLessThan(0.005);
  });

  it("infers a spin-off with no action row at all from the vendor's adjusted close", () => {
    const { ts, close, adj } = load("ABT");
    const noSpin = actionsOf("ABT").filter((a) => a.value < 30);
    const inferred = inferAdjustmentEvents(ts, close, adj, adjustmentSteps(noSpin, ts, close), 0.005, new Set(noSpin.map((a) => a.ts)));
    expect(inferred).toHaveLength(1);
    expect(inferred[0]).toMatchObject({ ts: day("2013-01-02"), kind: "spinoff" });
    expect(inferred[0]!.value).toBeCloseTo(0.48, 2);
  });

  it("every bundled symbol's adjusted daily returns match the vendor's adj_close within 0.5%", () => {
    const syms = readdirSync(DIR).filter((f) => f.endsWith(".csv") && f !== "corporate_actions.csv").map((f) => f.replace(".csv", ""));
    expect(syms.length).toBe(59);
    for (const s of syms) expect([s, maxRelError(s).worst < 0.005]).toEqual([s, true]);
  });

  it("adjusted series are continuous across random splits (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 20 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 20, max: 200 }), (ratios, n) => {
        // A flat true price of 100; each split divides the raw price from its ex-date on.
        const ts = Float64Array.from({ length: n }, (_, i) => day("2020-01-01") + i * 86_400_000);
        const at = ratios.map((_, k) => Math.floor(((k + 1) * n) / (ratios.length + 1)));
        const close = new Float64Array(n);
        for (let i = 0; i < n; i++) close[i] = 100 / ratios.reduce((p, r, k) => (i >= at[k]! ? p * r : p), 1);
        const actions: CorporateAction[] = ratios.map((r, k) => ({ ts: ts[at[k]!]!, kind: "split", value: r }));
        const f = factorsAt(adjustmentSteps(actions, ts, close), ts);
        for (let i = 0; i < n; i++) expect(close[i]! * f[i]!).toBeCloseTo(close[n - 1]!, 9);
      }),
    );
  });
});

describe("unadjustSplits (vendor series that are split-adjusted, e.g. Yahoo chart quotes)", () => {
  it("restores raw prices and volumes before each split and leaves later bars alone", () => {
    const d = (s: string) => Date.parse(`${s}T00:00:00Z`);
    // AAPL around the 2020-08-31 4:1 split as Yahoo serves it (already divided by 4 before the split).
    const c = columnsFromBars([
      { ts: d("2020-08-28"), open: 126.01, high: 126.44, low: 124.58, close: 124.81, volume: 187_630_000, vwap: 125, trades: Number.NaN },
      { ts: d("2020-08-31"), open: 127.58, high: 131, low: 126, close: 129.04, volume: 225_702_700, vwap: 128, trades: Number.NaN },
    ]);
    unadjustSplits(c, [{ ts: d("2020-08-31"), value: 4 }]);
    expect(c.close[0]).toBeCloseTo(499.24, 6); // the raw close traded that day
    expect(c.volume[0]).toBeCloseTo(46_907_500, 0);
    expect(c.vwap[0]).toBe(500);
    expect(c.close[1]).toBe(129.04);
    expect(c.volume[1]).toBe(225_702_700);
  });
});
