import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectCsvFormat } from "@/lib/csv";
import { db } from "../../db";
import { getBars } from "../bars/get-bars";
import { importCsv } from "./import-csv";

const FIX = path.resolve(import.meta.dirname, "../../../e2e/fixtures");
const AAPL = path.resolve(import.meta.dirname, "../../../db/seed/market-data/daily/AAPL.csv");

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("importCsv (streamed into real Postgres)", () => {
  it("imports a daily file with adj close, builds adjustment factors, and is idempotent", async () => {
    const det = detectCsvFormat(readFileSync(AAPL, "utf8").slice(0, 65_536), { fallbackSymbol: "CSVAAPL" });
    expect(det.options).not.toBeNull();
    const r = await importCsv({ input: createReadStream(AAPL), options: det.options!, fileName: "AAPL.csv", userId: null });
    expect(r).toMatchObject({ status: "succeeded", rejected: 0, quarantined: 0, symbols: ["CSVAAPL"], timeframe: "1d" });
    expect(r.stored).toBe(r.rows);
    const adj = await getBars({ symbol: "CSVAAPL", timeframe: "1d", from: Date.parse("2014-06-06"), to: Date.parse("2014-06-10"), adjusted: true });
    expect(Math.abs(adj.close[1]! / adj.close[0]! - 1)).toBeLessThan(0.05); // adj close column → continuous across the 7:1 split
    const again = await importCsv({ input: createReadStream(AAPL), options: det.options!, fileName: "AAPL.csv", userId: null });
    expect(again.stored).toBe(0);
  });

  it("keeps good rows, reports every rejected row with its line, and loses nothing already stored", async () => {
    const text = readFileSync(path.join(FIX, "testcsv-malformed.csv"), "utf8");
    const det = detectCsvFormat(text, { fallbackSymbol: "BADCSV" });
    const r = await importCsv({ input: createReadStream(path.join(FIX, "testcsv-malformed.csv")), options: det.options!, fileName: "bad.csv", userId: null });
    expect(r.status).toBe("partial");
    expect(r.rejected).toBe(7);
    expect(r.rejectedSample.map((x) => x.line)).toEqual([4, 5, 6, 9, 10, 11, 13]);
    expect((await getBars({ symbol: "BADCSV", timeframe: "1d" })).length).toBe(5);
    const [run] = await db().$client`select status, error from ingestion_runs where id = ${r.runId}`;
    expect(run!.status).toBe("partial");
    expect(run!.error).toContain("line 4");
  });
});
