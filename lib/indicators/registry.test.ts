import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { rsi } from "./rsi";
import {
  computeIndicator,
  createIncremental,
  getIndicator,
  INDICATOR_IDS,
  INDICATORS,
  listIndicators,
  priceOf,
  requiredInputs,
  sharingOrder,
  SOURCES,
  sourceColumn,
} from "./registry";
import { IndicatorCache } from "./shared";
import { barAt, loadDaily } from "./test-helpers";

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (AppError.is(e)) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("indicator registry", () => {
  it("computes the same outputs with one IndicatorCache shared by a pass, in any order, across series", () => {
    const series = [loadDaily("AAPL"), loadDaily("BA")];
    const requests: [string, Record<string, number | string>][] = [
      ["atr", { period: 14 }],
      ["stoch", { fastK: 14, slowK: 3, slowD: 3 }],
      ["adx", { period: 14 }],
      ["natr", { period: 14 }],
      ["willr", { period: 14 }],
      ["atr", { period: 14 }],
      ["willr", { period: 9 }],
      ["natr", { period: 20 }],
      ["adx", { period: 20 }],
      ["stoch", { fastK: 9, slowK: 3, slowD: 3 }],
      ["sma", { period: 20 }],
      ["bbands", { period: 20 }],
      ["sma", { period: 20, source: "hl2" }],
      ["bbands", { period: 20, source: "hl2" }],
      ["sma", { period: 5 }],
    ];
    const cache = new IndicatorCache();
    for (const order of [requests, [...requests].sort((a, b) => sharingOrder(a[0]) - sharingOrder(b[0])), [...requests].reverse()]) {
      for (const c of series) {
        cache.clear();
        for (const [id, params] of order) {
          const want = computeIndicator(id, c, params);
          const got = computeIndicator(id, c, params, cache);
          for (const [k, v] of Object.entries(want)) expect(Array.from(got[k]!), `${id} ${JSON.stringify(params)} ${k}`).toEqual(Array.from(v));
        }
      }
    }
  });

  it("has at least the 28 required indicators, with lowercase ids", () => {
    const required = ["sma", "ema", "wma", "dema", "tema", "kama", "rsi", "stochrsi", "macd", "bbands", "atr", "natr", "stoch", "adx", "aroon", "obv", "vwap", "mfi", "cci", "willr", "roc", "mom", "cmf", "keltner", "donchian", "ichimoku", "sar", "supertrend"];
    expect(INDICATOR_IDS).toEqual(expect.arrayContaining(required));
    for (const id of INDICATOR_IDS) {
      expect(id).toMatch(/^[a-z][a-z0-9]*$/);
      expect(INDICATORS[id].id).toBe(id);
    }
  });

  it("describes every indicator in serializable metadata", () => {
    const meta = listIndicators();
    expect(meta.map((m) => m.id)).toEqual(INDICATOR_IDS);
    expect(JSON.parse(JSON.stringify(meta))).toEqual(meta);
    const macd = meta.find((m) => m.id === "macd")!;
    expect(macd).toMatchObject({ pane: "separate", outputs: ["macd", "signal", "hist"], lookback: 33, inputs: ["close"] });
    expect(macd.params.fast).toEqual({ kind: "int", label: "Fast period", default: 12, min: 2, max: 5000 });
    expect(meta.find((m) => m.id === "bbands")!.outputPanes).toEqual({ percentB: "separate", bandwidth: "separate" });
    for (const m of meta) {
      for (const spec of Object.values(m.params)) {
        if (spec.kind !== "enum") expect(spec.min <= spec.default && spec.default <= spec.max).toBe(true);
        else expect(spec.values).toContain(spec.default);
      }
    }
  });

  it("applies defaults and computes named outputs of the input's length", () => {
    const c = loadDaily("AAPL");
    const out = computeIndicator("rsi", c);
    expect(Object.keys(out)).toEqual(["rsi"]);
    expect(Array.from(out.rsi!)).toEqual(Array.from(rsi(c.close, 14)));
    const bb = computeIndicator("bbands", c, { period: 10, devUp: 1.5 });
    expect(Object.keys(bb)).toEqual(["upper", "middle", "lower", "percentB", "bandwidth"]);
    expect(bb.upper!.length).toBe(c.length);
  });

  it("honours columns with spare capacity (uses the first `length` rows)", () => {
    const c = loadDaily("AAPL");
    const padded = { ...c, length: 100 };
    expect(computeIndicator("ema", padded, { period: 5 }).ema!.length).toBe(100);
  });

  it("rejects unknown indicators with a clear AppError", () => {
    const e = thrown(() => getIndicator("rsx"));
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.userMessage).toContain('Unknown indicator "rsx"');
    expect(e.userMessage).toContain("rsi");
    expect(() => computeIndicator("toString", loadDaily("AAPL"))).toThrow(AppError);
  });

  it("rejects unknown params, wrong types and out-of-bounds values", () => {
    const c = loadDaily("AAPL");
    const unknownKey = thrown(() => computeIndicator("rsi", c, { period: 14, lenght: 3 }));
    expect(unknownKey.code).toBe("BAD_REQUEST");
    expect(unknownKey.userMessage).toContain("lenght");
    const tooSmall = thrown(() => computeIndicator("rsi", c, { period: 1 }));
    expect(tooSmall.userMessage).toMatch(/period/);
    expect(thrown(() => computeIndicator("sma", c, { period: 2.5 })).code).toBe("BAD_REQUEST");
    expect(thrown(() => computeIndicator("sma", c, { period: "20" })).code).toBe("BAD_REQUEST");
    expect(thrown(() => computeIndicator("stoch", c, { slowKMa: "t3" })).userMessage).toContain("slowKMa");
    expect(thrown(() => createIncremental("vwap", { anchor: "year" })).code).toBe("BAD_REQUEST");
    expect(thrown(() => computeIndicator("rsi", c, "14")).code).toBe("BAD_REQUEST");
    expect(() => getIndicator("ichimoku").lookback({ kijun: 0 })).toThrow(AppError);
  });

  it("exposes the zod schema with defaults", () => {
    expect(getIndicator("stoch").schema.parse({})).toEqual({ fastK: 5, slowK: 3, slowKMa: "sma", slowD: 3, slowDMa: "sma" });
    expect(getIndicator("macd").schema.safeParse({ fast: 1 }).success).toBe(false);
  });

  it("reports the bar fields an indicator reads, following its source param", () => {
    expect(requiredInputs("rsi")).toEqual(["close"]);
    expect(requiredInputs("rsi", { source: "hl2" })).toEqual(["high", "low"]);
    expect(requiredInputs("vwap")).toEqual(["ts", "high", "low", "close", "volume"]);
  });

  it("sources: batch columns and incremental prices agree bit for bit", () => {
    const c = loadDaily("AAPL");
    for (const s of SOURCES) {
      const col = sourceColumn(c, s);
      for (let i = 0; i < c.length; i += 97) expect(col[i]).toBe(priceOf(barAt(c, i), s));
    }
  });

  it("Ichimoku's displacement is display-only metadata", () => {
    const d = getIndicator("ichimoku");
    const c = loadDaily("AAPL");
    expect(d.displayShift({ displacement: 30 })).toEqual({ senkouA: 30, senkouB: 30 });
    expect(d.compute(c, { displacement: 30 })).toEqual(d.compute(c, {}));
  });

  it("creates incremental streams returning every output", () => {
    const c = loadDaily("AAPL");
    const inc = createIncremental("macd", { fast: 3, slow: 6, signal: 2 });
    let last: Record<string, number> = {};
    for (let i = 0; i < 20; i++) last = inc.push(barAt(c, i));
    expect(Object.keys(last)).toEqual(["macd", "signal", "hist"]);
    expect(Number.isFinite(last.macd)).toBe(true);
  });
});
