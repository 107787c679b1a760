import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INDICATOR_IDS } from "@/lib/indicators/registry";
import { ZScanAst, type TExpr, type TScanAst } from "./ast";
import { formatExpr, formatScan, formatSort } from "./format";
import { parseScan } from "./parser";
import { scanArb } from "./test-helpers";

const where = (text: string): TExpr => parseScan(text).where;
const num = (value: number): TExpr => ({ kind: "number", value });
const close: TExpr = { kind: "field", name: "close" };

describe("parseScan: text → AST", () => {
  it("parses the issue's example into the documented AST", () => {
    const ast = parseScan("rsi(14) < 30 and close > sma(200) and volume > 2 * avg(volume, 20)");
    expect(ast).toEqual({
      version: 1,
      timeframe: "1d",
      universe: {},
      where: {
        kind: "logic",
        op: "and",
        args: [
          { kind: "compare", op: "<", left: { kind: "indicator", id: "rsi", params: { period: 14 } }, right: num(30) },
          { kind: "compare", op: ">", left: close, right: { kind: "indicator", id: "sma", params: { period: 200 } } },
          {
            kind: "compare",
            op: ">",
            left: { kind: "field", name: "volume" },
            right: { kind: "arith", op: "*", left: num(2), right: { kind: "window", fn: "avg", arg: { kind: "field", name: "volume" }, n: 20 } },
          },
        ],
      },
    } satisfies TScanAst);
  });

  it("follows precedence: or < and < not < comparison < + - < * / < unary minus", () => {
    expect(formatExpr(where("close > 1 or close < 2 and not volume > 3"))).toBe("close > 1 or close < 2 and not volume > 3");
    const e = where("close > 1 or close < 2 and not volume > 3");
    expect(e).toMatchObject({ kind: "logic", op: "or", args: [{ kind: "compare" }, { kind: "logic", op: "and", args: [{ kind: "compare" }, { kind: "not" }] }] });
    expect(where("1 + 2 * close > 0")).toMatchObject({ left: { kind: "arith", op: "+", right: { kind: "arith", op: "*" } } });
    expect(where("close - 1 - 2 > 0")).toMatchObject({ left: { op: "-", left: { op: "-" } } });
    expect(where("-close * 2 > 0")).toMatchObject({ left: { op: "*", left: { kind: "neg" } } });
  });

  it("keeps and/or n-ary and parenthesised groups nested", () => {
    expect(where("close > 1 and close > 2 and close > 3")).toMatchObject({ kind: "logic", args: [{}, {}, {}] });
    expect(where("close > 1 and (close > 2 and close > 3)")).toMatchObject({ kind: "logic", args: [{}, { kind: "logic", op: "and" }] });
    expect(formatExpr(where("close > 1 and (close > 2 and close > 3)"))).toBe("close > 1 and (close > 2 and close > 3)");
    expect(formatExpr(where("(close > 1 or close > 2) and close > 3"))).toBe("(close > 1 or close > 2) and close > 3");
  });

  it("reads numeric literals: decimals, exponents, percentages, negative literals", () => {
    expect(where("close > 1e6")).toMatchObject({ right: num(1e6) });
    expect(where("close > 2.5")).toMatchObject({ right: num(2.5) });
    expect(where("close > .5")).toMatchObject({ right: num(0.5) });
    expect(where("close > 1.5E-3")).toMatchObject({ right: num(0.0015) });
    expect(where("pct_change(close, 1) > 5%")).toMatchObject({ right: num(0.05) });
    expect(where("close > -5")).toMatchObject({ right: num(-5) });
    expect(where("close > -(5)")).toMatchObject({ right: { kind: "neg", arg: num(5) } });
    expect(where("close > - -5")).toMatchObject({ right: { kind: "neg", arg: num(-5) } });
  });

  it("resolves indicator args: positional numbers in declaration order, options by value, named params", () => {
    expect(where("ema(close, 20) > 0")).toMatchObject({ left: { kind: "indicator", id: "ema", params: { source: "close", period: 20 } } });
    expect(where("ema(20, hl2) > 0")).toMatchObject({ left: { params: { source: "hl2", period: 20 } } });
    expect(where("bbands(20, devDn=1.5).lower > 0")).toMatchObject({ left: { id: "bbands", params: { period: 20, devDn: 1.5 }, output: "lower" } });
    expect(where("macd(12, 26, 9).hist > 0")).toMatchObject({ left: { id: "macd", params: { fast: 12, slow: 26, signal: 9 }, output: "hist" } });
    // Two enum params with the same values (stoch): positional options fill them in declaration order.
    expect(where("stoch(5, 3, 3, ema, wma).d > 0")).toMatchObject({ left: { params: { fastK: 5, slowK: 3, slowD: 3, slowKMa: "ema", slowDMa: "wma" }, output: "d" } });
    expect(where('vwap("week") > 0')).toMatchObject({ left: { id: "vwap", params: { anchor: "week" } } });
    expect(where("obv > 0")).toMatchObject({ left: { kind: "indicator", id: "obv", params: {} } });
    expect(formatExpr(where("obv > 0"))).toBe("obv() > 0");
  });

  it("resolves features and reserved ML columns", () => {
    expect(where("CSRANK_ROC20 > 0.9 and ROC20 > 0 and ml_score > ml_confidence")).toMatchObject({
      args: [{ left: { kind: "feature", name: "CSRANK_ROC20" } }, { left: { kind: "feature", name: "ROC20" } }, { left: { kind: "ml", name: "ml_score" }, right: { kind: "ml", name: "ml_confidence" } }],
    });
  });

  it("parses universe, timeframe, sort and limit clauses in any order; keywords are case-insensitive", () => {
    const ast = parseScan(
      'UNIVERSE asset_class in (stock, etf), exchange = NYSE, sector in ("Health Care", Energy), symbols in (AAPL, "BRK.B"), price >= 5, price <= 500, volume >= 1e6 TIMEFRAME 15m WHERE close > 1 LIMIT 20 SORT BY volume ASC',
    );
    expect(ast).toMatchObject({
      timeframe: "15m",
      universe: { assetClasses: ["stock", "etf"], exchanges: ["NYSE"], sectors: ["Health Care", "Energy"], symbols: ["AAPL", "BRK.B"], minPrice: 5, maxPrice: 500, minVolume: 1e6 },
      sort: { dir: "asc" },
      limit: 20,
    });
    expect(formatScan(ast)).toBe(
      'timeframe 15m universe asset_class in (stock, etf), exchange = NYSE, sector in ("Health Care", Energy), symbols in (AAPL, "BRK.B"), price >= 5, price <= 500, volume >= 1000000 where close > 1 sort by volume asc limit 20',
    );
    expect(parseScan("close > 1 sort by close").sort?.dir).toBe("desc");
  });

  it("accepts whitespace and newlines anywhere between tokens", () => {
    expect(parseScan("  rsi(\n14\t)\n<\r\n30  ")).toEqual(parseScan("rsi(14) < 30"));
  });
});

describe("formatScan", () => {
  it("prints canonical text", () => {
    const cases: [string, string][] = [
      ["rsi(14)<30 AND close>sma(200)", "rsi(14) < 30 and close > sma(200)"],
      ["(close) > ((1))", "close > 1"],
      ["close - (1 - 2) > 0", "close - (1 - 2) > 0"],
      ["close / (2 * volume) > 0", "close / (2 * volume) > 0"],
      ["-(close + 1) > 0", "-(close + 1) > 0"],
      ["not (close > 1 and close < 2)", "not (close > 1 and close < 2)"],
      ["ema(20, close) > 0", "ema(close, 20) > 0"],
      ["sma(period=50) > 0", "sma(50) > 0"],
      ["bbands(devUp=3, period=10) > 0", "bbands(10, 3)"],
      ["stoch(slowDMa=ema) > 0", "stoch(slowDMa=ema) > 0"],
      ["stoch(slowKMa=ema, slowDMa=ema) > 0", "stoch(ema, ema) > 0"],
      ["close > 5%", "close > 0.05"],
      ["where close > 1", "close > 1"],
      ["timeframe 1d close > 1", "close > 1"],
    ];
    for (const [text, canonical] of cases) {
      const out = formatScan(parseScan(text));
      expect(out.startsWith(canonical), `${text} → ${out}`).toBe(true);
      expect(formatScan(parseScan(out))).toBe(out);
    }
  });

  it("parses and prints the current universe filter (once)", () => {
    expect(parseScan("universe current where close > 0").universe).toEqual({ current: true });
    const text = "universe asset_class = stock, current where close > 0";
    expect(formatScan(parseScan("universe current, asset_class = stock close > 0"))).toBe(text);
    expect(() => parseScan("universe current, current where close > 0")).toThrow(/duplicate universe filter current/);
    expect(() => parseScan("universe curent where close > 0")).toThrow(/did you mean current/);
  });

  it("labels the sort as the text reads it, and nothing for a scan without one", () => {
    expect(formatSort(parseScan("close > 1 sort by roc(20) asc limit 5"))).toBe("roc(20) asc");
    expect(formatSort(parseScan("close > 1 sort by ROC20"))).toBe("ROC20 desc");
    expect(formatSort(parseScan("close > 1"))).toBeNull();
  });

  it("writes literals so that they read back exactly (−0, exponents, negative literals vs negation)", () => {
    for (const v of [-0, 0, 1e21, 1.5e-7, -3.25, Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2]) {
      const ast: TScanAst = { version: 1, timeframe: "1d", universe: {}, where: { kind: "compare", op: ">", left: close, right: num(v) } };
      const back = parseScan(formatScan(ast));
      expect(Object.is((back.where as { right: { value: number } }).right.value, v)).toBe(true);
    }
    const neg: TScanAst = { version: 1, timeframe: "1d", universe: {}, where: { kind: "compare", op: ">", left: close, right: { kind: "neg", arg: num(5) } } };
    expect(formatScan(neg)).toBe("close > -(5)");
    expect(parseScan(formatScan(neg))).toEqual(neg);
  });
});

describe("round trip (fast-check)", () => {
  it("AST → text → AST is the identity for random valid scans (every indicator, any literal, odd universe names)", () => {
    fc.assert(
      fc.property(scanArb({ indicators: INDICATOR_IDS, literals: "any", depth: 4, maxWindow: 40 }), (ast) => {
        const text = formatScan(ast);
        const back = parseScan(text);
        expect(back).toEqual(ast);
        expect(formatScan(back)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it("text → AST → text → AST is stable under re-spacing and keyword case", () => {
    const KW = new Set(["and", "or", "not", "where", "sort", "by", "asc", "desc", "limit", "universe", "timeframe", "in"]);
    const respace = (text: string, ws: string[], upper: boolean[]) => {
      // Re-space outside string literals and flip the case of keywords; the meaning must not change.
      let out = "";
      let i = 0;
      let j = 0;
      for (let c = 0; c < text.length; ) {
        const ch = text[c]!;
        if (ch === '"') {
          let e = c + 1;
          while (text[e] !== '"') e += text[e] === "\\" ? 2 : 1;
          out += text.slice(c, e + 1);
          c = e + 1;
        } else if (/[A-Za-z_]/.test(ch)) {
          const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(c))![0];
          out += KW.has(word) && upper[j++ % upper.length] ? word.toUpperCase() : word;
          c += word.length;
        } else {
          out += ch === " " ? ws[i++ % ws.length] : ch;
          c++;
        }
      }
      return out;
    };
    fc.assert(
      fc.property(
        scanArb({ depth: 3 }),
        fc.array(fc.constantFrom(" ", "  ", "\n", "\t", " \r\n "), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (ast, ws, upper) => {
          const text = respace(formatScan(ast), ws, upper);
          const a1 = parseScan(text);
          const a2 = parseScan(formatScan(a1));
          expect(a2).toEqual(a1);
          expect(a1).toEqual(ast);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("every generated AST is accepted by ZScanAst unchanged (the JSON form typed clients send)", () => {
    fc.assert(
      fc.property(scanArb({ depth: 3 }), (ast) => {
        expect(ZScanAst.parse(JSON.parse(JSON.stringify(ast)))).toEqual(ast);
      }),
      { numRuns: 100 },
    );
  });
});
