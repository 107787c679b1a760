import { describe, expect, it } from "vitest";
import { typeCheck } from "./check";
import { compileScan } from "./compile";
import { formatScan } from "./format";
import { parseScan } from "./parser";
import { getScanPreset, SCAN_PRESETS } from "./presets";

describe("SCAN_PRESETS", () => {
  it("has the twelve presets of the issue, with unique kebab-case ids", () => {
    expect(SCAN_PRESETS.map((p) => p.id)).toEqual([
      "oversold-bounce",
      "overbought",
      "breakout-52w",
      "golden-cross",
      "death-cross",
      "macd-bullish-cross",
      "bollinger-squeeze",
      "volume-spike",
      "gap-up",
      "gap-down",
      "new-highs-rs",
      "ml-top-decile",
    ]);
    for (const p of SCAN_PRESETS) {
      expect(p.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.name.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(10);
    }
    expect(getScanPreset("golden-cross")?.name).toBe("Golden cross");
    expect(getScanPreset("nope")).toBeUndefined();
  });

  it.each(SCAN_PRESETS.map((p) => [p.id, p] as const))("%s parses, type-checks, is canonical and compiles", (_id, p) => {
    const ast = parseScan(p.text);
    expect(formatScan(ast)).toBe(p.text);
    expect(typeCheck(JSON.parse(JSON.stringify(ast)))).toEqual(ast);
    const plan = compileScan(ast);
    expect(plan.ml.length > 0).toBe(p.requiresMl);
    expect(plan.columns.length).toBeGreaterThan(0);
    expect(plan.bars.minBars).toBeLessThanOrEqual(plan.bars.recommendedBars);
  });

  it("history needs are what the definitions imply", () => {
    const bars = (id: string) => compileScan(parseScan(getScanPreset(id)!.text)).bars;
    expect(bars("breakout-52w").minBars).toBe(253); // the 252 bars before the scan bar, plus it
    expect(bars("golden-cross").minBars).toBe(201); // sma(200) on two bars
    expect(bars("macd-bullish-cross").minBars).toBe(25 + 8 + 2);
    expect(bars("ml-top-decile")).toEqual({ fields: [], minBars: 0, recommendedBars: 0 });
  });
});
