import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { getIndicator } from "@/lib/indicators/registry";
import { ZScanAst, type TScanAst, type TScanAstInput } from "./ast";
import { createScanCatalog, DEFAULT_SCAN_CATALOG, describeScanVocabulary } from "./catalog";
import { ScanError } from "./errors";
import { parseScan } from "./parser";

describe("scan catalog", () => {
  it("holds every registry indicator and every core-v1 feature", () => {
    expect(DEFAULT_SCAN_CATALOG.indicators.get("rsi")?.id).toBe("rsi");
    expect(DEFAULT_SCAN_CATALOG.indicators.size).toBeGreaterThanOrEqual(29);
    expect(DEFAULT_SCAN_CATALOG.features.get("CSRANK_ROC20")?.kind).toBe("cs");
    expect(DEFAULT_SCAN_CATALOG.featureSet).toBe("core-v1");
  });

  it("a smaller catalog restricts the language", () => {
    const small = createScanCatalog({ indicators: [getIndicator("sma")] });
    expect(() => parseScan("rsi(14) < 30", small)).toThrow(ScanError);
    expect(parseScan("close > sma(20)", small).where).toMatchObject({ right: { id: "sma" } });
  });

  it("rejects names that collide with the language", () => {
    const clash = { ...getIndicator("sma"), id: "close" };
    expect(() => createScanCatalog({ indicators: [clash] })).toThrow(/collides/);
    const kw = { ...getIndicator("sma"), id: "where" };
    expect(() => createScanCatalog({ indicators: [kw] })).toThrow(/collides/);
  });

  it("describes the vocabulary for autocomplete (serializable)", () => {
    const v = describeScanVocabulary();
    expect(v.fields).toEqual(["open", "high", "low", "close", "volume"]);
    expect(v.functions).toContain("crosses_above");
    expect(v.indicators.find((i) => i.id === "macd")).toMatchObject({ outputs: ["macd", "signal", "hist"], params: [{ name: "fast", kind: "int", default: 12 }, {}, {}, { name: "source", values: expect.arrayContaining(["hl2"]) }] });
    expect(v.features.length).toBe(83);
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it("ZScanAst keeps typed input and output (for tRPC .input())", () => {
    expectTypeOf<z.input<typeof ZScanAst>>().toEqualTypeOf<TScanAstInput>();
    expectTypeOf<z.output<typeof ZScanAst>>().toEqualTypeOf<TScanAst>();
  });
});
