import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DETECT_SAMPLE_BYTES, detectCsvFormat, detectTimeframe, splitCsvLine, symbolFromFileName } from "./detect";
import { ZCsvImportOptions } from "./options";
import { YAHOO_CSV, nySemicolonCsv, unixMsTwoSymbolsCsv } from "./test-fixtures";

const AAPL = path.resolve(import.meta.dirname, "../../db/seed/market-data/daily/AAPL.csv");
const DAY = 86_400_000;

describe("detectCsvFormat", () => {
  it("reads the bundled seed format (date,open,high,low,close,volume,adj_close)", () => {
    // A 64 KB sample ends mid-line: the partial line must be ignored.
    const sample = readFileSync(AAPL, "utf8").slice(0, DETECT_SAMPLE_BYTES);
    const d = detectCsvFormat(sample, { fallbackSymbol: symbolFromFileName(AAPL) ?? undefined });
    expect(d).toMatchObject({
      delimiter: ",",
      hasHeader: true,
      timestampFormat: "iso-date",
      timestampZoned: false,
      timeframe: "1d",
      decimal: ".",
      missing: [],
    });
    expect(d.mapping).toEqual({ timestamp: "date", open: "open", high: "high", low: "low", close: "close", volume: "volume", adjClose: "adj_close" });
    expect(d.sampleRows).toBeGreaterThan(1000);
    expect(d.options?.mapping.symbol).toEqual({ value: "AAPL" });
    expect(ZCsvImportOptions.safeParse(d.options).success).toBe(true);
  });

  it("reads a Yahoo-style export and keeps Close apart from Adj Close", () => {
    const d = detectCsvFormat(YAHOO_CSV);
    expect(d.mapping).toMatchObject({ timestamp: "Date", close: "Close", adjClose: "Adj Close", volume: "Volume" });
    expect(d.timeframe).toBe("1d"); // weekend and MLK-day gaps
    expect(d.options).toBeNull(); // no symbol column and no fallback symbol
    expect(d.warnings.join(" ")).toMatch(/symbol/);
  });

  it("reads a ';' file with naive New York datetimes across DST and decimal commas", () => {
    const d = detectCsvFormat(nySemicolonCsv().text, { timezone: "America/New_York", fallbackSymbol: "SPY" });
    expect(d).toMatchObject({ delimiter: ";", hasHeader: true, timestampFormat: "ymd-hms", timestampZoned: false, timeframe: "1h", decimal: "," });
    expect(d.mapping.timestamp).toBe("Datetime");
    expect(d.options).toMatchObject({ timezone: "America/New_York", delimiter: ";", decimal: ",", timeframe: "1h" });
  });

  it("reads unix-ms minute bars with a symbol column for two symbols", () => {
    const d = detectCsvFormat(unixMsTwoSymbolsCsv());
    expect(d).toMatchObject({ delimiter: ",", timestampFormat: "unix-ms", timestampZoned: true, timeframe: "1m", symbols: ["AAA", "BBB"] });
    expect(d.mapping.symbol).toEqual({ column: "symbol" });
    expect(d.options?.mapping.symbol).toEqual({ column: "symbol" });
  });

  it("reads MetaTrader-style Date + Time columns and tab delimiters", () => {
    const rows = ["<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>"];
    for (let i = 0; i < 20; i++) {
      const m = 30 + i * 5;
      rows.push(`2021.04.21\t${String(9 + Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}:00\t1.2\t1.3\t1.1\t1.25\t55\t1000\t2`);
    }
    const d = detectCsvFormat(rows.join("\n"));
    expect(d.delimiter).toBe("\t");
    expect(d.mapping).toMatchObject({ timestamp: "<DATE>", time: "<TIME>", open: "<OPEN>", close: "<CLOSE>", volume: "<VOL>" });
    expect(d.timestampFormat).toBe("iso-date");
    expect(d.timeframe).toBe("5m");
  });

  it("guesses columns by content without a header", () => {
    const d = detectCsvFormat("2021-04-21|1.5|2|1|1.75|100\n2021-04-22|1.75|2.5|1.5|2|120\n2021-04-23|2|2.2|1.9|2.1|90\n");
    expect(d).toMatchObject({ delimiter: "|", hasHeader: false, timeframe: "1d" });
    expect(d.mapping).toEqual({ timestamp: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 });
    expect(d.warnings.join(" ")).toMatch(/no header/);
  });

  it("reports missing required columns", () => {
    const d = detectCsvFormat("date,price\n2021-04-21,1\n2021-04-22,2\n");
    expect(d.missing).toEqual(["open", "high", "low", "close"]);
    expect(d.options).toBeNull();
  });
});

describe("detectTimeframe", () => {
  it("finds intraday steps despite overnight gaps", () => {
    const ts: number[] = [];
    for (let d = 0; d < 3; d++) for (let i = 0; i < 78; i++) ts.push(Date.UTC(2024, 0, 2 + d, 14, 30) + i * 300_000);
    expect(detectTimeframe(ts)).toBe("5m");
    expect(detectTimeframe([0, 14_400_000, 28_800_000])).toBe("4h");
  });

  it("finds daily bars with weekends and holidays", () => {
    // Weekdays of 2024-01 without MLK day, as unix instants at 00:00 UTC.
    const ts: number[] = [];
    for (let t = Date.UTC(2024, 0, 2); t < Date.UTC(2024, 1, 1); t += DAY) {
      const wd = new Date(t).getUTCDay();
      if (wd !== 0 && wd !== 6 && t !== Date.UTC(2024, 0, 15)) ts.push(t);
    }
    expect(detectTimeframe(ts)).toBe("1d");
    // Sparse: Fri → Mon → Fri (3 and 4 days).
    expect(detectTimeframe([Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 8), Date.UTC(2024, 0, 12)])).toBe("1d");
    // Daily bars stamped 16:00 New York, as UTC instants: 23 h / 25 h steps around DST.
    expect(detectTimeframe([Date.UTC(2021, 2, 11, 21), Date.UTC(2021, 2, 12, 21), Date.UTC(2021, 2, 15, 20), Date.UTC(2021, 2, 16, 20)])).toBe("1d");
  });

  it("uses per-symbol steps and rejects unsupported ones", () => {
    expect(detectTimeframe([0, 0, 60_000, 60_000], { keys: ["A", "B", "A", "B"] })).toBe("1m");
    expect(detectTimeframe([0, 120_000, 240_000])).toBeNull(); // 2m
    expect(detectTimeframe([])).toBeNull();
  });
});

describe("helpers", () => {
  it("splits quoted cells", () => {
    expect(splitCsvLine('a,"b,c","d ""e"""', ",")).toEqual(["a", "b,c", 'd "e"']);
  });

  it("derives a symbol from a file name", () => {
    expect(symbolFromFileName("/data/aapl.csv")).toBe("AAPL");
    expect(symbolFromFileName("C:\\x\\BRK.B_1d.csv")).toBe("BRK.B");
    expect(symbolFromFileName("my prices!.csv")).toBe("MY");
    expect(symbolFromFileName("???.csv")).toBeNull();
    expect(symbolFromFileName("testcsv-1d.csv")).toBe("TESTCSV");
    expect(symbolFromFileName("BTC-USD.csv")).toBe("BTC-USD");
    expect(symbolFromFileName("eth-usd_5m.csv")).toBe("ETH-USD");
  });
});
