import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { detectCsvFormat } from "./detect";
import type { TCsvImportOptionsInput } from "./options";
import { parseCsvBars, type CsvBarChunk, type CsvInput, type CsvParseSummary } from "./parse-bars";
import { YAHOO_CSV, nySemicolonCsv, unixMsTwoSymbolsCsv } from "./test-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const AAPL = path.join(ROOT, "db/seed/market-data/daily/AAPL.csv");
const MALFORMED = path.join(ROOT, "e2e/fixtures/testcsv-malformed.csv");
const TESTCSV = path.join(ROOT, "e2e/fixtures/testcsv-1d.csv");

const OHLCV = { timestamp: "date", open: "open", high: "high", low: "low", close: "close", volume: "volume" } as const;

/** Text as an async iterable of small string pieces (exercises record splitting across chunks). */
async function* pieces(text: string, size = 97): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect(input: CsvInput, options: TCsvImportOptionsInput, chunkSize?: number) {
  const chunks: CsvBarChunk[] = [];
  const gen = parseCsvBars(input, options, { chunkSize });
  let r = await gen.next();
  while (!r.done) {
    chunks.push(r.value);
    r = await gen.next();
  }
  return { chunks, summary: r.value as CsvParseSummary };
}

const iso = (ts: number) => new Date(ts).toISOString();

describe("parseCsvBars", () => {
  it("imports the bundled seed file from a file stream", async () => {
    const { chunks, summary } = await collect(createReadStream(AAPL), { mapping: { ...OHLCV, adjClose: "adj_close", symbol: { value: "aapl" } } }, 1000);
    const total = chunks.reduce((a, c) => a + c.bars.length, 0);
    const lines = readFileSync(AAPL, "utf8").trim().split("\n").length - 1;
    expect(total).toBe(lines);
    expect(summary).toMatchObject({ rows: lines, rejected: 0, symbols: ["AAPL"], timeframe: "1d", timestampFormat: "iso-date" });
    expect(chunks.every((c) => c.symbol === "AAPL" && c.timeframe === "1d" && c.bars.length <= 1000)).toBe(true);
    const first = chunks[0]!;
    expect(iso(first.bars.ts[0]!)).toBe("2011-04-21T00:00:00.000Z");
    expect([first.bars.open[0], first.bars.high[0], first.bars.low[0], first.bars.close[0], first.bars.volume[0]]).toEqual([355, 355.13, 348.52, 350.696, 26921800]);
    expect(first.adjClose?.[0]).toBe(10.7871);
    expect(Number.isNaN(first.bars.vwap[0]!)).toBe(true);
    expect(Number.isNaN(first.bars.trades[0]!)).toBe(true);
  });

  it("parses a Yahoo export with options from detection", async () => {
    const d = detectCsvFormat(YAHOO_CSV, { fallbackSymbol: "AAPL" });
    const { chunks, summary } = await collect(pieces(YAHOO_CSV), d.options!);
    expect(summary.rows).toBe(11);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.bars.close[0]).toBe(185.639999);
    expect(chunks[0]!.adjClose![0]).toBe(184.532089);
    expect(iso(chunks[0]!.bars.ts[9]!)).toBe("2024-01-16T00:00:00.000Z");
  });

  it("converts naive New York times to UTC across the DST change", async () => {
    const { text, rows } = nySemicolonCsv();
    const d = detectCsvFormat(text, { timezone: "America/New_York", fallbackSymbol: "SPY" });
    const { chunks, summary } = await collect(pieces(text), d.options!);
    expect(summary).toMatchObject({ rows: rows.length, rejected: 0, timeframe: "1h" });
    const bars = chunks[0]!.bars;
    expect(Array.from(bars.ts)).toEqual(rows.map((r) => r.utc));
    expect(iso(bars.ts[0]!)).toBe("2021-03-11T14:30:00.000Z"); // 09:30 EST
    expect(iso(bars.ts[14]!)).toBe("2021-03-15T13:30:00.000Z"); // 09:30 EDT
    expect(bars.open[1]).toBe(100.5); // decimal comma
  });

  it("keeps the session date of daily bars whatever the zone", async () => {
    const csv = [
      "date,open,high,low,close,volume",
      "2021-03-12 16:00:00,1,2,0.5,1.5,10", // naive local close time
      "2021-03-15 16:00:00,1,2,0.5,1.5,10",
      "2021-03-16T00:00:00-04:00,1,2,0.5,1.5,10", // local midnight with offset
      "2021-03-17,1,2,0.5,1.5,10",
    ].join("\n");
    for (const timezone of ["America/New_York", "Asia/Tokyo", "UTC"]) {
      const { chunks } = await collect(pieces(csv), { mapping: { ...OHLCV, symbol: { value: "X" } }, timezone, timeframe: "1d", timestampFormat: "ymd-hms" });
      const days = Array.from(chunks[0]!.bars.ts, iso);
      if (timezone === "Asia/Tokyo") {
        // The offset-carrying value is an instant: 2021-03-16 04:00Z is 13:00 on 03-16 in Tokyo.
        expect(days).toEqual(["2021-03-12", "2021-03-15", "2021-03-16", "2021-03-17"].map((s) => `${s}T00:00:00.000Z`));
      } else if (timezone === "UTC") {
        expect(days[2]).toBe("2021-03-16T00:00:00.000Z"); // 04:00Z
      } else {
        expect(days).toEqual(["2021-03-12", "2021-03-15", "2021-03-16", "2021-03-17"].map((s) => `${s}T00:00:00.000Z`));
      }
    }
    // Unix daily stamps at midnight New York (04:00Z / 05:00Z) keep their New York date.
    const unix = ["t,o,h,l,c,v", `${Date.UTC(2021, 2, 12, 5) / 1000},1,2,0.5,1.5,10`, `${Date.UTC(2021, 2, 15, 4) / 1000},1,2,0.5,1.5,10`].join("\n");
    const { chunks } = await collect(pieces(unix), {
      mapping: { timestamp: "t", open: "o", high: "h", low: "l", close: "c", volume: "v", symbol: { value: "X" } },
      timezone: "America/New_York",
    });
    expect(chunks[0]!.timeframe).toBe("1d");
    expect(Array.from(chunks[0]!.bars.ts, iso)).toEqual(["2021-03-12T00:00:00.000Z", "2021-03-15T00:00:00.000Z"]);
  });

  it("groups rows per symbol within each chunk", async () => {
    const csv = unixMsTwoSymbolsCsv(30); // 60 rows, interleaved
    const { chunks, summary } = await collect(pieces(csv), { mapping: { ...OHLCV, timestamp: "timestamp", symbol: { column: "symbol" } } }, 25);
    expect(summary).toMatchObject({ rows: 60, symbols: ["AAA", "BBB"], timeframe: "1m", timestampFormat: "unix-ms" });
    expect(chunks.map((c) => `${c.symbol}:${c.bars.length}`)).toEqual(["AAA:13", "BBB:12", "BBB:13", "AAA:12", "AAA:5", "BBB:5"]);
    const aaa = chunks.filter((c) => c.symbol === "AAA").flatMap((c) => Array.from(c.bars.ts));
    expect(aaa).toHaveLength(30);
    expect(aaa[0]).toBe(Date.UTC(2024, 4, 1, 13, 30));
    expect(aaa[29]! - aaa[0]!).toBe(29 * 60_000);
    const bbbOpen = chunks.filter((c) => c.symbol === "BBB").flatMap((c) => Array.from(c.bars.open));
    expect(bbbOpen.slice(0, 3)).toEqual([20, 21, 22]);
  });

  it("reports rejected rows with line numbers and reasons", async () => {
    const { chunks, summary } = await collect(createReadStream(MALFORMED), { mapping: { ...OHLCV, symbol: { value: "TESTCSV" } } });
    expect(summary).toMatchObject({ rows: 5, rejected: 7 });
    const rejected = chunks.flatMap((c) => c.rejected);
    expect(rejected.map((r) => r.line)).toEqual([4, 5, 6, 9, 10, 11, 13]);
    const reason = (line: number) => rejected.find((r) => r.line === line)!.reason;
    expect(reason(4)).toMatch(/bad number in high: "abc"/);
    expect(reason(5)).toMatch(/expected 6 columns, got 5/);
    expect(reason(6)).toMatch(/bad timestamp "2024-13-08"/);
    expect(reason(9)).toMatch(/bad timestamp "not-a-date"/);
    expect(reason(10)).toMatch(/expected 6 columns, got 7/);
    expect(reason(11)).toMatch(/bad number in close: ""/);
    expect(reason(13)).toMatch(/bad timestamp "2024-02-30"/);
    expect(rejected[0]!.raw).toBe("2024-01-04,51.05,abc,50.60,51.30,980000");
    expect(Array.from(chunks[0]!.bars.ts, (t) => iso(t).slice(0, 10))).toEqual(["2024-01-02", "2024-01-03", "2024-01-09", "2024-01-16", "2024-01-18"]);
  });

  it("counts lines through quoted multi-line cells, CRLF and a BOM; reports empty symbols and quote errors", async () => {
    const csv =
      '\uFEFFtimestamp,symbol,open,high,low,close,volume,note\r\n' +
      '2024-01-02T14:30:00Z,AAA,1,2,0.5,1.5,10,"two\r\nlines"\r\n' + // lines 2–3
      "2024-01-02T14:31:00Z, ,1,2,0.5,1.5,10,x\r\n" + // line 4: blank symbol
      '2024-01-02T14:32:00Z,AAA,1,"2"x,0.5,1.5,10,x\r\n' + // line 5: stray quote → bad number
      "2024-01-02T14:33:00Z,aaa,1,2,0.5,1.5,10,x\r\n"; // line 6: symbol upper-cased
    const { chunks, summary } = await collect(pieces(csv, 7), {
      mapping: { timestamp: "timestamp", open: "open", high: "high", low: "low", close: "close", volume: "volume", symbol: { column: "symbol" } },
      timeframe: "1m",
    });
    expect(summary).toMatchObject({ rows: 2, rejected: 2, symbols: ["AAA"] });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.bars.length).toBe(2);
    expect(chunks[0]!.rejected.map((r) => [r.line, r.reason.split(":")[0]])).toEqual([
      [4, "empty symbol"],
      [5, "bad number in high"],
    ]);
  });

  it("reads Buffer chunks split inside multi-byte characters", async () => {
    // Symbols are ASCII (the symbol rule); multi-byte text sits in a header name and an unmapped note column.
    const csv = "date,tïcker€,open,high,low,close,volume,note\n2024-01-02,aaa,1,2,0.5,1.5,10,ÄÖÜ€\n2024-01-03,aaa,1,2,0.5,1.5,11,€€Ä\n";
    const bytes = Buffer.from(csv, "utf8");
    const src = Readable.from((function* () {
      for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
    })());
    const { chunks, summary } = await collect(src, { mapping: { ...OHLCV, symbol: { column: "TÏCKER€" } } });
    expect(chunks.map((c) => [c.symbol, c.bars.length])).toEqual([["AAA", 2]]);
    expect(summary.rejected).toBe(0);
  });

  it("maps columns by index in headerless files and by separate date/time columns", async () => {
    const csv = "04/21/2021,09:30,1,2,0.5,1.5,100\n04/21/2021,09:35,1.5,2.5,1,2,120\n";
    const { chunks } = await collect(pieces(csv), {
      mapping: { timestamp: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6, symbol: { value: "X" } },
      hasHeader: false,
      timezone: "America/New_York",
    });
    expect(chunks[0]!.timeframe).toBe("5m");
    expect(Array.from(chunks[0]!.bars.ts, iso)).toEqual(["2021-04-21T13:30:00.000Z", "2021-04-21T13:35:00.000Z"]);
  });

  it("parses the e2e daily fixture", async () => {
    const { chunks, summary } = await collect(createReadStream(TESTCSV), {
      mapping: { timestamp: "Date", open: "Open", high: "High", low: "Low", close: "Close", adjClose: "Adj Close", volume: "Volume", symbol: { value: "TESTCSV" } },
    });
    expect(summary).toMatchObject({ rows: 300, rejected: 0, timeframe: "1d" });
    const b = chunks[0]!.bars;
    for (let i = 0; i < b.length; i++) {
      expect(b.high[i]!).toBeGreaterThanOrEqual(Math.max(b.open[i]!, b.close[i]!));
      expect(b.low[i]!).toBeLessThanOrEqual(Math.min(b.open[i]!, b.close[i]!));
      if (i > 0) expect(b.ts[i]!).toBeGreaterThan(b.ts[i - 1]!);
    }
  });

  it("rejects broken options and unknown columns with AppError", async () => {
    const bad = collect(pieces(YAHOO_CSV), { mapping: { ...OHLCV, symbol: { value: "X" } }, timezone: "Mars/Base" });
    await expect(bad).rejects.toSatisfy((e: unknown) => AppError.is(e) && e.code === "BAD_REQUEST" && /time zone/.test(e.message));
    // Names match case-insensitively ("open" finds "Open"), but must exist.
    const missing = collect(pieces(YAHOO_CSV), { mapping: { ...OHLCV, adjClose: "adj_close", symbol: { value: "X" } } });
    await expect(missing).rejects.toSatisfy((e: unknown) => AppError.is(e) && /column "adj_close" \(adjClose\) not found/.test(e.message));
  });

  it("stops reading when the consumer stops early", async () => {
    let produced = 0;
    async function* endless() {
      yield "date,open,high,low,close,volume\n";
      for (let d = 0; ; d++) {
        produced++;
        const t = new Date(Date.UTC(2000, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
        yield `${t},1,2,0.5,1.5,10\n`;
      }
    }
    let seen = 0;
    for await (const chunk of parseCsvBars(endless(), { mapping: { ...OHLCV, symbol: { value: "X" } } }, { chunkSize: 100 })) {
      seen += chunk.bars.length;
      if (seen >= 300) break;
    }
    expect(seen).toBe(300);
    const after = produced;
    await new Promise((r) => setTimeout(r, 50));
    expect(produced).toBe(after); // the source was released
    expect(produced).toBeLessThan(5_000); // and never read far ahead (backpressure)
  });
});
