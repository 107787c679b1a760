import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { SCAN_LIMITS, type TScanAst } from "./ast";
import { typeCheck } from "./check";
import { closestName, damerauDistance, ScanError } from "./errors";
import { parseScan } from "./parser";

function errorOf(f: () => unknown): ScanError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScanError) return e;
    throw new Error(`expected a ScanError, got ${String(e)}`);
  }
  throw new Error("expected a ScanError, nothing was thrown");
}
const parseError = (text: string) => errorOf(() => parseScan(text));

describe("ScanError on text: position, caret, suggestion", () => {
  it("unknown function with a suggestion (the issue's example)", () => {
    const e = parseError("rsii(14) < 30");
    expect(e.summary).toBe("unknown function rsii at 1:1; did you mean rsi?");
    expect(e.position).toEqual({ offset: 0, line: 1, column: 1, length: 4 });
    expect(e.suggestion).toBe("rsi");
    expect(e.kind).toBe("unknown-name");
    expect(e.message).toBe("unknown function rsii at 1:1; did you mean rsi?\n  rsii(14) < 30\n  ^^^^");
    // It is an AppError (BAD_REQUEST) for the tRPC error formatter.
    expect(AppError.is(e)).toBe(true);
    expect(e.code).toBe("BAD_REQUEST");
  });

  it.each([
    // text, summary (prefix), line, column, suggestion
    ["close > sma(200) and volumne > 1", "unknown field volumne", 1, 22, "volume"],
    ["close > 1 and\n  rsi14 > 3", "unknown field rsi14", 2, 3, "RSI14"],
    ["RSI(14) < 30", "unknown function RSI", 1, 1, "rsi"],
    ["croses_above(close, sma(50))", "unknown function croses_above", 1, 1, "crosses_above"],
    ["close > avg(volume, 20) and CSRANK_ROC2O > 0.5", "unknown field CSRANK_ROC2O", 1, 29, "CSRANK_ROC20"],
    ["macd(12, 26, 9).histo > 0", "macd has no output histo", 1, 17, "hist"],
    ["ema(close, period=20, sourse=hl2) > 1", "ema has no parameter sourse", 1, 23, "source"],
    ["ema(hl3, 20) > 1", "ema has no option hl3", 1, 5, "hl2"],
    ["timeframe 1w close > 1", "unknown timeframe 1w", 1, 11, "1m"],
    ["universe sectr = Energy close > 1", "unknown universe filter sectr", 1, 10, "sector"],
    ["universe asset_class = stocks close > 1", 'invalid asset class "stocks"', 1, 24, "stock"],
    ["close = 3", "unexpected '='", 1, 7, "'==' (equality)"],
    ["close > 1 && close < 2", "unexpected '&&'", 1, 11, "and"],
    ["close > 1 || close < 2", "unexpected '||'", 1, 11, "or"],
    ["!(close > 1)", "unexpected '!'", 1, 1, "not"],
  ])("%s → %s at %i:%i, did you mean %s", (text, summary, line, column, suggestion) => {
    const e = parseError(text);
    expect(e.summary.startsWith(summary), e.summary).toBe(true);
    expect(e.summary).toContain(` at ${line}:${column}`);
    expect(e.position).toMatchObject({ line, column });
    expect(e.suggestion).toBe(suggestion);
  });

  it.each([
    ["close >", "expected a value, found end of input", 1, 8],
    ["(close > 1", "expected ')' to close '(', found end of input", 1, 11],
    ["close > 1)", "unexpected ')'; unbalanced ')'", 1, 10],
    ["close > 1 close < 2", "unexpected 'close'; expected 'and', 'or', 'sort by', 'limit' or end of input", 1, 11],
    ["close @ 1", "unexpected character '@'", 1, 7],
    ["close > 1 sort close", "expected 'by' after 'sort'", 1, 16],
    ["close > 1 limit 0", "limit must be an integer between 1 and 10000", 1, 17],
    ["close > 1 limit 2.5", "limit must be an integer", 1, 17],
    ["close > 1e999", "number 1e999 is out of range", 1, 9],
    ['universe sector = "Energy close > 1', "unterminated string", 1, 19],
    ["close > 1 < 2", "comparisons cannot be chained", 1, 11],
    ["", "expected a condition, found end of input", 1, 1],
    ["universe price > 5 close > 1", "expected '>=' or '<=' after price", 1, 16],
    ["universe symbols in (AAPL, BRK.B) close > 1", "expected ',' or ')' in symbols list", 1, 31],
    ["close > 1 sort by close limit 5 limit 6", "duplicate limit clause", 1, 33],
    ["universe price >= 5, price >= 6 close > 1", "duplicate universe filter price >=", 1, 22],
    ["close > 'x'", "unexpected character '''", 1, 9],
    ["close > \"x\"", "unexpected string", 1, 9],
    ["where where close > 1", "unexpected keyword 'where'", 1, 7],
  ])("syntax: %s → %s at %i:%i", (text, summary, line, column) => {
    const e = parseError(text);
    expect(e.summary.startsWith(summary), e.summary).toBe(true);
    expect(e.position).toMatchObject({ line, column });
  });

  it("shows a window of long lines in the caret snippet", () => {
    const text = `${"close > 1 and ".repeat(20)}bogus > 1`;
    const e = parseError(text);
    const [line, caret] = e.snippet.split("\n");
    expect(line!.length).toBeLessThan(90);
    expect(line!.slice(caret!.indexOf("^"), caret!.indexOf("^") + 5)).toBe("bogus");
  });
});

describe("arity, params and type errors", () => {
  it.each([
    ["avg(volume) > 1", "avg expects 2 arguments (x, n), got 1", "arity"],
    ["rank(close, 2) > 1", "rank expects 1 argument (x), got 2", "arity"],
    ["crosses_above(close) and close > 1", "crosses_above expects 2 arguments (a, b), got 1", "arity"],
    ["avg > 1", "avg is a function: write avg(x, n)", "arity"],
    ["close(5) > 1", "close is a field, not a function", "type"],
    ["ROC20(5) > 1", "ROC20 is a feature, not a function", "type"],
    ["avg(volume, n=20) > 1", "avg takes no named arguments", "arity"],
    ["rsi(14, 15) < 30", "rsi takes 1 numeric parameter (period), got more", "arity"],
    ["obv(3) > 0", "obv takes 0 numeric parameters, got more", "arity"],
    ["avg(volume, 2.5) > 1", "window length of avg must be an integer literal between 1 and 1000", "type"],
    ["avg(volume, 0) > 1", "window length of avg must be an integer literal", "type"],
    ["avg(volume, close) > 1", "window length of avg must be an integer literal", "type"],
    ["avg(volume, 1001) > 1", "window length of avg must be an integer literal", "type"],
    ["rsi(1) < 30", "invalid period for rsi: Too small", "params"],
    ["rsi(14.5) < 30", "invalid period for rsi", "params"],
    ["bbands(20, devUp=11).upper > close", "invalid devUp for bbands", "params"],
    ["sma(volume, 20) > 1", "sma has no option volume", "params"],
    ["sma(close * 2, 20) > 1", "sma arguments are constants", "type"],
    ["sma(close + 1) > 1", "sma arguments are constants", "type"],
    ["close.hist > 1", "only an indicator has outputs", "type"],
    ["rsi(14).rsi.rsi > 1", "only an indicator has outputs", "type"],
    ["close and 3", "and needs true/false (a condition, e.g. a comparison), but close is a number", "type"],
    ["close", "the scan condition needs true/false", "type"],
    ["rsi(14) + (close > 3) > 1", "'+' needs a number, but close > 3 is true/false", "type"],
    ["not close", "not needs true/false", "type"],
    ["(close > 1) > (close < 2)", "'>' needs a number, but close > 1 is true/false", "type"],
    ["avg(close > 1, 5) > 0", "avg() needs a number", "type"],
    ["rank(close > 1) > 0", "rank() needs a number", "type"],
    ["crosses_above(close > 1, 2)", "crosses_above() needs a number", "type"],
    ["close > 1 sort by close > 2", "sort by needs a number", "type"],
    ["universe price >= 10, price <= 5 close > 1", "empty price range", "type"],
    ["avg(avg(avg(close, 400), 400), 400) > 1", "avg(…, 400) needs 1198 bars of history here (max 1000)", "limit"],
  ])("%s → %s", (text, summary, kind) => {
    const e = parseError(text);
    expect(e.summary.startsWith(summary), e.summary).toBe(true);
    expect(e.kind).toBe(kind);
    expect(e.position).toBeDefined();
  });

  it("points at the offending operand", () => {
    expect(parseError("close > 1 and (volume + 2)").position).toMatchObject({ column: 16, length: 10 });
    expect(parseError("bbands(20, devUp=11) > close").position).toMatchObject({ column: 12, length: 8 });
  });
});

describe("typeCheck on JSON ASTs: errors carry a path", () => {
  const base = (where: unknown): unknown => ({ where });
  it("unknown names, params, outputs and types", () => {
    const cases: [unknown, string, string, string?][] = [
      [base({ kind: "indicator", id: "rsii", params: {} }), "unknown indicator rsii", "where", "rsi"],
      [base({ kind: "compare", op: "<", left: { kind: "indicator", id: "rsi", params: { period: 1 } }, right: { kind: "number", value: 30 } }), "invalid period for rsi", "where.left.params"],
      [base({ kind: "compare", op: "<", left: { kind: "indicator", id: "rsi", params: { perod: 14 } }, right: { kind: "number", value: 30 } }), "rsi has no parameter perod", "where.left.params", "period"],
      [base({ kind: "compare", op: "<", left: { kind: "indicator", id: "macd", params: {}, output: "sig" }, right: { kind: "number", value: 0 } }), "macd has no output sig", "where.left.output"],
      [base({ kind: "compare", op: "<", left: { kind: "feature", name: "ROC21" }, right: { kind: "number", value: 0 } }), "unknown feature ROC21", "where.left", "ROC20"],
      [base({ kind: "logic", op: "and", args: [{ kind: "field", name: "close" }, { kind: "number", value: 3 }] }), "and needs true/false", "where.args[0]"],
      [base({ kind: "field", name: "close" }), "the scan condition needs true/false", "where"],
      [base({ kind: "field", name: "clsoe" }), "invalid scan: Invalid option", "where.name", "close"],
      [base({ kind: "window", fn: "avg", arg: { kind: "field", name: "close" }, n: 0 }), "invalid scan: Too small", "where.n"],
      [{ where: { kind: "compare", op: ">", left: { kind: "field", name: "close" }, right: { kind: "number", value: 1 } }, extra: 1 }, "invalid scan: Unrecognized key", "(root)"],
      [{ where: { kind: "compare", op: ">", left: { kind: "field", name: "close" }, right: { kind: "number", value: 1 } }, sort: { by: { kind: "compare", op: ">", left: { kind: "field", name: "close" }, right: { kind: "number", value: 1 } } } }, "sort by needs a number", "sort.by"],
    ];
    for (const [ast, summary, path, suggestion] of cases) {
      const e = errorOf(() => typeCheck(ast));
      expect(e.summary.startsWith(summary), e.summary).toBe(true);
      expect(e.path).toBe(path);
      expect(e.position).toBeUndefined();
      if (suggestion) expect(e.suggestion).toBe(suggestion);
    }
  });

  it("fills defaults and returns the valid AST", () => {
    const ast = typeCheck({ where: { kind: "compare", op: ">", left: { kind: "field", name: "close" }, right: { kind: "number", value: 1 } }, sort: { by: { kind: "field", name: "close" } } });
    expect(ast).toEqual({
      version: 1,
      timeframe: "1d",
      universe: {},
      where: { kind: "compare", op: ">", left: { kind: "field", name: "close" }, right: { kind: "number", value: 1 } },
      sort: { by: { kind: "field", name: "close" }, dir: "desc" },
    } satisfies TScanAst);
  });
});

describe("suggestions", () => {
  it("Damerau (OSA) distance counts a transposition as one edit", () => {
    expect(damerauDistance("rsi", "rsi")).toBe(0);
    expect(damerauDistance("rsii", "rsi")).toBe(1);
    expect(damerauDistance("rsi", "rsi".split("").reverse().join(""))).toBe(2);
    expect(damerauDistance("clsoe", "close")).toBe(1);
    expect(damerauDistance("ca", "abc")).toBe(3);
    expect(damerauDistance("kitten", "sitting")).toBe(3);
  });
  it("prefers a case-insensitive match and stays quiet for distant names", () => {
    expect(closestName("Close", ["close", "clone"])).toBe("close");
    expect(closestName("clsoe", ["close", "open"])).toBe("close");
    expect(closestName("xyz", ["close", "open"])).toBeUndefined();
    expect(closestName("a".repeat(100), ["aaa"])).toBeUndefined();
  });
  it(`bounds the text (${SCAN_LIMITS.maxTextLength} characters)`, () => {
    const e = parseError(`close > 1 and ${"x".repeat(SCAN_LIMITS.maxTextLength)}`);
    expect(e.kind).toBe("limit");
    expect(e.position).toMatchObject({ offset: SCAN_LIMITS.maxTextLength });
  });
});
