import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";

let vendor: FakeVendor;

beforeAll(async () => {
  vendor = await startFakeVendor();
  process.env.BINANCE_BASE_URL = vendor.url; // read once by server/env on first use below
  process.env.YAHOO_BASE_URL = vendor.url;
});

afterAll(async () => {
  const { getQueue } = await import("../../queues/producers");
  await getQueue("ingestBars").obliterate({ force: true });
  await getQueue("ingestBars").close();
  const { db } = await import("../../db");
  await db().$client.end({ timeout: 2 });
  await vendor.close();
});

describe("runBackfill", () => {
  it("stores what the vendor has, reports the hole it leaves as a gap and queues a repair run for it", async () => {
    const { upsertSymbols } = await import("../market/upsert-symbols");
    const { createIngestionRun } = await import("./runs");
    const { runBackfill } = await import("./run-backfill");
    const { db } = await import("../../db");
    const full = syntheticBars({ calendar: "CRYPTO", seed: 3 });
    const holeFrom = Date.parse("2024-02-01T10:00:00Z");
    const holeTo = Date.parse("2024-02-01T10:30:00Z");
    vendor.registerBars("binance", "HOLEUSDT", "1m", (s, tf, a, b) => full(s, tf, a, b).filter((x) => x.ts < holeFrom || x.ts >= holeTo));
    await upsertSymbols([{ symbol: "HOLE-USD", assetClass: "crypto", provider: "binance" }]);
    const run = await createIngestionRun({
      provider: "binance",
      kind: "backfill",
      symbols: ["HOLE-USD"],
      timeframe: "1m",
      rangeStart: new Date("2024-02-01T00:00:00Z"),
      rangeEnd: new Date("2024-02-02T00:00:00Z"),
    });
    const progress: number[] = [];
    const r = await runBackfill({ runId: run.id, onProgress: (p) => void progress.push(p.pct) });
    expect(r).toMatchObject({ status: "succeeded", rowsOut: 1440 - 30 });
    expect(progress[progress.length - 1]).toBe(100);

    const [gap] = await db().$client`select values from data_quality_issues where symbol = 'HOLE-USD' and rule = 'gap'`;
    expect(gap!.values).toMatchObject({ missing: 30, from: "2024-02-01T10:00:00.000Z", to: "2024-02-01T10:30:00.000Z" });
    const [repair] = await db().$client`select kind, symbols, (extract(epoch from range_start) * 1000)::float8 as a, (extract(epoch from range_end) * 1000)::float8 as b from ingestion_runs where kind = 'repair'`;
    expect(repair).toMatchObject({ symbols: ["HOLE-USD"], a: holeFrom, b: holeTo });

    // Re-running the finished run does nothing.
    expect((await runBackfill({ runId: run.id })).status).toBe("succeeded");
  });

  it("stores Yahoo's split-adjusted daily quotes raw, with the split, whether the split is in the range or after it", async () => {
    const { upsertSymbols } = await import("../market/upsert-symbols");
    const { createIngestionRun } = await import("./runs");
    const { runBackfill } = await import("./run-backfill");
    const { db } = await import("../../db");
    const source = syntheticBars({ seed: 11 });
    const split = Date.parse("2024-07-15T00:00:00Z");
    const symbols = ["YSPA", "YSPB"];
    for (const s of symbols) vendor.registerBars("yahoo", s, "1d", source, { actions: [{ ts: split, kind: "split", value: 10 }] });
    // YSPA comes without a description; YSPB with a name a user gave it, which the vendor's must not replace.
    await upsertSymbols([
      { symbol: "YSPA", assetClass: "stock", provider: "yahoo" },
      { symbol: "YSPB", name: "Our own name", assetClass: "stock", provider: "yahoo" },
    ]);
    const ranges = { YSPA: ["2024-05-01", "2024-08-01"], YSPB: ["2024-05-01", "2024-07-01"] } as const; // across / before the split
    for (const s of symbols) {
      const [a, b] = ranges[s as keyof typeof ranges];
      const run = await createIngestionRun({ provider: "yahoo", kind: "backfill", symbols: [s], timeframe: "1d", rangeStart: new Date(`${a}T00:00:00Z`), rangeEnd: new Date(`${b}T00:00:00Z`) });
      const r = await runBackfill({ runId: run.id });
      const raw = source(s, "1d", Date.parse(`${a}T00:00:00Z`), Date.parse(`${b}T00:00:00Z`));
      expect(r).toMatchObject({ status: "succeeded", rowsOut: raw.length, rowsQuarantined: 0 });
      const stored = await db().$client`select (extract(epoch from ts) * 1000)::float8 as ts, close, volume from bars_1d where symbol = ${s} order by ts`;
      expect(stored.map((x) => x.ts)).toEqual(raw.map((x) => x.ts));
      stored.forEach((x, i) => {
        expect(x.close).toBeCloseTo(raw[i]!.close, 9);
        expect(Number(x.volume)).toBe(raw[i]!.volume);
      });
    }
    // The vendor's description fills what the universe lacked, and nothing else.
    const described = await db().$client`select symbol, name, exchange, currency from symbols where symbol in ('YSPA', 'YSPB') order by symbol`;
    expect(described).toEqual([
      { symbol: "YSPA", name: "YSPA Holdings Inc.", exchange: "NasdaqGS", currency: "USD" },
      { symbol: "YSPB", name: "Our own name", exchange: "NasdaqGS", currency: "USD" },
    ]);

    // The split in YSPA's range is stored as a corporate action with its price factor.
    const actions = await db().$client`select symbol, kind, value from corporate_actions where symbol in ('YSPA', 'YSPB') order by symbol`;
    expect(actions).toEqual([{ symbol: "YSPA", kind: "split", value: 10 }]);
    // Adjusted prices: ×0.1 before the split, ×1 from it; Yahoo's adjclose agrees, so nothing else is inferred.
    const steps = await db().$client`select (extract(epoch from ts) * 1000)::float8 as ts, price_factor from adjustment_factors where symbol = 'YSPA' order by ts`;
    expect(steps.map((x) => x.ts).slice(1)).toEqual([split]);
    expect(steps.map((x) => x.price_factor)).toEqual([expect.closeTo(0.1, 12), 1]);
  });

  it("ends 'partial' when the vendor does not know one of the symbols", async () => {
    const { upsertSymbols } = await import("../market/upsert-symbols");
    const { createIngestionRun } = await import("./runs");
    const { runBackfill } = await import("./run-backfill");
    vendor.registerBars("binance", "OKAYUSDT", "1d", syntheticBars({ calendar: "CRYPTO", seed: 4 }));
    await upsertSymbols([
      { symbol: "OKAY-USD", assetClass: "crypto", provider: "binance" },
      { symbol: "NOSUCH-USD", assetClass: "crypto", provider: "binance" },
    ]);
    const run = await createIngestionRun({
      provider: "binance",
      kind: "backfill",
      symbols: ["OKAY-USD", "NOSUCH-USD"],
      timeframe: "1d",
      rangeStart: new Date("2024-01-01T00:00:00Z"),
      rangeEnd: new Date("2024-02-01T00:00:00Z"),
    });
    const r = await runBackfill({ runId: run.id });
    expect(r.status).toBe("partial");
    const { getIngestionRun } = await import("./runs");
    expect((await getIngestionRun(run.id))?.error).toMatch(/NOSUCH-USD/);
  });
});
