import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCAN_LIMITS } from "./ast";
import { typeCheck } from "./check";
import { compileScan } from "./compile";
import { ScanError } from "./errors";
import { formatScan } from "./format";
import { parseScan } from "./parser";
import { SCAN_PRESETS } from "./presets";

/** parseScan either succeeds (and then round-trips) or throws a ScanError with a position inside the text. */
function checkText(text: string): void {
  let ast;
  try {
    ast = parseScan(text);
  } catch (e) {
    if (!(e instanceof ScanError)) throw new Error(`non-ScanError for ${JSON.stringify(text)}: ${String(e)}`);
    expect(e.position, e.message).toBeDefined();
    expect(e.position!.offset).toBeGreaterThanOrEqual(0);
    expect(e.position!.offset).toBeLessThanOrEqual(text.length);
    expect(e.summary).toMatch(/ at \d+:\d+/);
    return;
  }
  const text2 = formatScan(ast);
  expect(parseScan(text2)).toEqual(ast);
}

/** Tokens of the language plus near-misses, to reach deep into the parser. */
const TOKENS = [
  "rsi(14)", "rsi", "rsii", "sma(200)", "ema(close, 20)", "macd(12, 26, 9).hist", ".hist", ".", "bbands", "stoch",
  "close", "open", "high", "low", "volume", "ROC20", "CSRANK_ROC20", "ml_score", "ml_confidence",
  "avg", "max", "min", "prev", "change", "pct_change", "crosses_above", "crosses_below", "rank", "percentile", "abs",
  "and", "or", "not", "AND", "where", "sort", "by", "asc", "desc", "limit", "universe", "timeframe", "in",
  "asset_class", "exchange", "sector", "symbols", "price", "=", "stock", '"Health Care"', '"', "1d", "15m",
  "(", ")", "(", ")", ",", "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "!", "&&", "%",
  "0", "1", "2.5", "1e6", "5%", "-3", "1e999", ".5", "20", "252",
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf",
  "period=14", "source=hl2", "devUp=3", "x=1", "\n", "\t", "é", "😀", "\u0000",
];

describe("fuzzing parseScan: only ScanErrors with a position, never hangs", () => {
  it("random strings (ASCII and full unicode)", { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), checkText), { numRuns: 1500 });
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 60 }), checkText), { numRuns: 500 });
  });

  it("random token soups", { timeout: 60_000 }, () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 30 }).chain((toks) => fc.constantFrom(toks.join(" "), toks.join("")));
    fc.assert(fc.property(soup, checkText), { numRuns: 3000 });
  });

  it("mutations of valid scans (delete / insert / replace one character)", () => {
    const texts = SCAN_PRESETS.map((p) => p.text).concat(['universe asset_class in (stock, etf), sector = "Health Care", price >= 5 where rsi(14) < 30 sort by rsi(14) asc limit 10']);
    const mutated = fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.constantFrom("", "(", ")", ",", ".", "-", " ", "x", "1", '"', "%", "="), fc.boolean()).map(([t, at, ch, replace]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + ch + t.slice(replace ? i + 1 : i);
    });
    fc.assert(fc.property(mutated, checkText), { numRuns: 1500 });
  });

  it("hostile inputs are rejected quickly with a limit error at a position", () => {
    const hostile: [string, string][] = [
      ["(".repeat(5000), "limit"],
      [`${"(".repeat(SCAN_LIMITS.maxDepth + 1)}close > 1${")".repeat(SCAN_LIMITS.maxDepth + 1)}`, "limit"],
      [`${"not ".repeat(200)}close > 1`, "limit"],
      [`close > ${"-".repeat(3000)}1`, "limit"],
      [`close > ${"1 + ".repeat(1000)}1`, "limit"],
      [`close > 1 and ${"abs(".repeat(100)}close${")".repeat(100)} > 1`, "limit"],
      [Array.from({ length: 300 }, () => "close > 1").join(" and "), "limit"],
      ["x".repeat(SCAN_LIMITS.maxTextLength + 1), "limit"],
      ["a".repeat(4000), "unknown-name"],
      [`universe symbols in (${Array.from({ length: 900 }, (_, i) => `S${i}`).join(", ")}) close > 1`, "limit"],
      ["1".repeat(400) + " > close", "syntax"],
    ];
    for (const [text, kind] of hostile) {
      const t0 = performance.now();
      let err: unknown;
      try {
        parseScan(text);
      } catch (e) {
        err = e;
      }
      expect(err, text.slice(0, 40)).toBeInstanceOf(ScanError);
      expect((err as ScanError).kind, `${text.slice(0, 40)}: ${(err as ScanError).summary}`).toBe(kind);
      expect((err as ScanError).position).toBeDefined();
      expect(performance.now() - t0).toBeLessThan(200);
    }
  });

  it("object-property names are ordinary unknown names (no prototype lookups)", () => {
    for (const name of ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__"]) {
      for (const text of [`${name} > 1`, `${name}(1) > 1`, `macd().${name} > 1`, `sma(${name}=3) > 1`, `sma(${name}) > 1`, `universe ${name} = x close > 1`, `timeframe ${name} close > 1`]) {
        expect(() => parseScan(text), text).toThrow(ScanError);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("hostile JSON ASTs", () => {
  const deep = (n: number): unknown => {
    let e: unknown = { kind: "field", name: "close" };
    for (let i = 0; i < n; i++) e = { kind: "neg", arg: e };
    return { where: { kind: "compare", op: ">", left: e, right: { kind: "number", value: 1 } } };
  };

  it("deep nesting is a limit error, not a stack overflow", () => {
    for (const n of [SCAN_LIMITS.maxDepth, 100_000]) {
      const t0 = performance.now();
      let err: unknown;
      try {
        typeCheck(deep(n));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ScanError);
      expect((err as ScanError).kind).toBe("limit");
      expect(performance.now() - t0).toBeLessThan(500);
    }
    expect(() => typeCheck(deep(SCAN_LIMITS.maxDepth - 3))).not.toThrow();
  });

  it("too many nodes, huge arrays and cycles-free wide objects are rejected", () => {
    const wide = { where: { kind: "logic", op: "and", args: Array.from({ length: 2000 }, () => ({ kind: "compare", op: ">", left: { kind: "field", name: "close" }, right: { kind: "number", value: 1 } })) } };
    expect(() => typeCheck(wide)).toThrow(/too many expression nodes/);
    const huge = { where: { kind: "field", name: "close" }, junk: new Array(200_000).fill(0) };
    expect(() => typeCheck(huge)).toThrow(/too large/);
  });

  it("__proto__ / constructor keys in JSON cannot pollute prototypes", () => {
    const payloads = [
      '{"where":{"kind":"compare","op":">","left":{"kind":"indicator","id":"rsi","params":{"__proto__":{"polluted":1}}},"right":{"kind":"number","value":1}}}',
      '{"__proto__":{"polluted":1},"where":{"kind":"compare","op":">","left":{"kind":"field","name":"close"},"right":{"kind":"number","value":1}}}',
      '{"where":{"kind":"compare","op":">","left":{"kind":"indicator","id":"constructor","params":{}},"right":{"kind":"number","value":1}}}',
      '{"where":{"kind":"compare","op":">","left":{"kind":"indicator","id":"rsi","params":{"constructor":1}},"right":{"kind":"number","value":1}}}',
      '{"where":{"kind":"compare","op":">","left":{"kind":"feature","name":"__proto__"},"right":{"kind":"number","value":1}}}',
    ];
    for (const p of payloads) {
      let result: unknown;
      try {
        result = typeCheck(JSON.parse(p));
      } catch (e) {
        expect(e).toBeInstanceOf(ScanError);
      }
      if (result) {
        // Accepted only with the key dropped: compile still sees clean params.
        const plan = compileScan(result as never);
        expect(Object.getPrototypeOf(plan.columns[0]!.source)).toBe(Object.prototype);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it("non-objects and wrong shapes are ScanErrors", () => {
    for (const v of [null, undefined, 42, "rsi(14) < 30", [], { where: null }, { where: { kind: "nope" } }, { where: { kind: "number", value: Infinity } }]) {
      expect(() => typeCheck(v)).toThrow(ScanError);
    }
  });
});
