import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { getBars } from "../bars/get-bars";
import { loadBundledData } from "./load-bundled-data";

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("bundled real data", () => {
  it("loads, adjusts AAPL across its splits and ABT across its spin-off, and is idempotent", async () => {
    const first = await loadBundledData({ symbols: ["AAPL", "ABT", "ABBV"] });
    expect(first.symbols).toBe(3);
    const run = await db().$client`select status, rows_in, rows_out, rows_quarantined from ingestion_runs where id = ${first.runId}`;
    expect(run[0]).toMatchObject({ status: "succeeded" });
    expect(Number(run[0]!.rows_quarantined)).toBe(0);
    expect(Number(run[0]!.rows_out)).toBe(Number(run[0]!.rows_in));

    const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
    const raw = await getBars({ symbol: "AAPL", timeframe: "1d", from: day("2014-06-06"), to: day("2014-06-10") });
    const adj = await getBars({ symbol: "AAPL", timeframe: "1d", from: day("2014-06-06"), to: day("2014-06-10"), adjusted: true });
    expect(raw.close[0]! / raw.close[1]!).toBeGreaterThan(6.5); // raw 7:1 split jump
    expect(Math.abs(adj.close[1]! / adj.close[0]! - 1)).toBeLessThan(0.05); // adjusted: continuous
    expect(adj.volume[0]! / raw.volume[0]!).toBeCloseTo(28, 3); // 7 (recorded as 7.00001) × 4 later splits

    // Adjusted close equals the vendor's adj_close up to one constant (the data's base).
    const abtAdj = await getBars({ symbol: "ABT", timeframe: "1d", from: day("2012-12-28"), to: day("2013-01-04"), adjusted: true });
    expect(abtAdj.close[2]! / abtAdj.close[1]!).toBeCloseTo(27.1827 / 26.6937, 3);
    const inferred = await db().$client`select kind, source from corporate_actions where symbol = 'ABT' and source = 'inferred'`;
    expect(inferred).toHaveLength(1);

    // ABBV starts mid-window (2013): no gap is reported before its first bar.
    const gaps = await db().$client`select count(*)::int as n from data_quality_issues where rule = 'gap' and symbol in ('AAPL', 'ABT', 'ABBV')`;
    expect(gaps[0]!.n).toBe(0);

    const second = await loadBundledData({ symbols: ["AAPL", "ABT", "ABBV"] });
    const run2 = await db().$client`select rows_out from ingestion_runs where id = ${second.runId}`;
    expect(Number(run2[0]!.rows_out)).toBe(0);
  });
});
