import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import type { TCsvImportOptionsInput } from "./options";
import { MAX_RECORD_CHARS, parseCsvBars, type CsvBarChunk, type CsvInput } from "./parse-bars";

const OHLCV = { timestamp: "date", open: "open", high: "high", low: "low", close: "close", volume: "volume" } as const;
const PIECE = 64 * 1024;

async function* text(s: string): AsyncGenerator<string> {
  yield s;
}

async function drain(input: CsvInput, options: TCsvImportOptionsInput, maxRecordChars?: number) {
  const chunks: CsvBarChunk[] = [];
  const gen = parseCsvBars(input, options, { maxRecordChars });
  let r = await gen.next();
  while (!r.done) {
    chunks.push(r.value);
    r = await gen.next();
  }
  return { chunks, summary: r.value };
}

/** A header, a good row, then `prefix` followed by up to `total` bytes without a line break. */
async function* endlessLine(stats: { bytes: number }, prefix: string, total = 300 * 1024 * 1024): AsyncGenerator<string> {
  yield "date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n";
  yield prefix;
  const piece = "9".repeat(PIECE);
  while (stats.bytes < total) {
    stats.bytes += PIECE;
    yield piece;
  }
}

describe("parseCsvBars: record size limit", () => {
  it("stops a line without line breaks with UNPROCESSABLE, long before reading the whole input", async () => {
    const stats = { bytes: 0 };
    const err = await drain(endlessLine(stats, "2024-01-03,"), { mapping: { ...OHLCV, symbol: { value: "AAA" } } }).catch((e: unknown) => e);
    expect(AppError.is(err)).toBe(true);
    expect(err).toMatchObject({ code: "UNPROCESSABLE", userMessage: expect.stringContaining(`line 3 is longer than ${MAX_RECORD_CHARS} characters`) });
    // Backpressure: the parser stopped the generator within a few pieces past the limit (not 300 MB later).
    expect(stats.bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it("also stops an unterminated quoted cell, and a long header", async () => {
    const quoted = { bytes: 0 };
    await expect(drain(endlessLine(quoted, '2024-01-03,"'), { mapping: { ...OHLCV, symbol: { value: "AAA" } } })).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    expect(quoted.bytes).toBeLessThan(4 * 1024 * 1024);
    const header = `date,open,high,low,close,volume,${"x".repeat(2_000)}\n2024-01-02,1,2,0.5,1.5,100,1\n`;
    await expect(drain(text(header), { mapping: { ...OHLCV, symbol: { value: "AAA" } } }, 1_000)).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      userMessage: expect.stringContaining("line 1 is longer than 1000 characters"),
    });
  });

  it("keeps rows under the limit", async () => {
    const { summary } = await drain(text("date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n"), { mapping: { ...OHLCV, symbol: { value: "AAA" } } }, 60);
    expect(summary).toMatchObject({ rows: 1, rejected: 0 });
  });
});

describe("parseCsvBars: symbol rule", () => {
  it("rejects rows whose symbol breaks the routers' symbol rule, with a reason, and keeps the others", async () => {
    const bad = ["<IMG SRC=X ONERROR=alert(1)>", "../../ETC", "HAS SPACE", "A".repeat(5_000), "BTC/USD", "-X"];
    const lines = ["date,symbol,open,high,low,close,volume", "2024-01-02,aapl,1,2,0.5,1.5,100"];
    for (const s of bad) lines.push(`2024-01-02,${s},1,2,0.5,1.5,100`);
    lines.push("2024-01-03, aapl ,1,2,0.5,1.5,100", "2024-01-02,BRK.B,1,2,0.5,1.5,100", "2024-01-02,EURUSD=X,1,2,0.5,1.5,100");
    const { chunks, summary } = await drain(text(lines.join("\n") + "\n"), { mapping: { ...OHLCV, symbol: { column: "symbol" } }, timeframe: "1d" });
    expect(summary).toMatchObject({ rows: 4, rejected: bad.length, symbols: ["AAPL", "BRK.B", "EURUSD=X"] });
    expect(chunks.map((c) => c.symbol)).toEqual(["AAPL", "BRK.B", "EURUSD=X"]);
    const rejected = chunks.flatMap((c) => c.rejected);
    expect(rejected.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 8]);
    for (const r of rejected) expect(r.reason).toMatch(/^invalid symbol .* \(1-20 characters: letters, digits, \. - = \^\)$/);
    expect(rejected[0]!.reason).toContain('"<IMG SRC=X ONERROR=alert(1)>"');
    expect(rejected[3]!.reason).toContain("(5000 characters)");
    expect(rejected[3]!.reason.length).toBeLessThan(200);
  });

  it("refuses a fixed symbol that breaks the rule with BAD_REQUEST", async () => {
    await expect(drain(text("date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n"), { mapping: { ...OHLCV, symbol: { value: "../etc" } } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      userMessage: expect.stringContaining('symbol "../ETC" is not a valid symbol'),
    });
  });
});
