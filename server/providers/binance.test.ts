import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadFixture, startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";
import { FAST_RESILIENCE, isoList, rejectionOf, utc } from "@/test/fake-vendor/testing";
import { createBinanceProvider, toBinanceSymbol, type BinanceProviderOptions } from "./binance";
import { VendorPayloadError, VendorRateLimitError, VendorRequestError } from "./types";

let fake: FakeVendor;
beforeAll(async () => {
  fake = await startFakeVendor();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const make = (o: Partial<BinanceProviderOptions> = {}) => createBinanceProvider({ baseUrl: fake.url, resilience: FAST_RESILIENCE, ...o });
const START = utc("2021-01-01");
const REQ = { symbol: "BTC-USD", vendorSymbol: "BTCUSDT", timeframe: "1m", start: START, end: START + 8 * 60_000 } as const;

/** The two recorded pages, served only for the exact startTime/limit the adapter must send. */
function servePages() {
  const common = { symbol: "BTCUSDT", interval: "1m", limit: "5", endTime: String(REQ.end - 1) };
  fake.serveFixture({ vendor: "binance", file: "btcusdt-1m-2021-01-01-p1.json", params: { ...common, startTime: String(START) } });
  fake.serveFixture({ vendor: "binance", file: "btcusdt-1m-2021-01-01-p2.json", params: { ...common, startTime: String(START + 5 * 60_000) } });
}

describe("binance adapter: recorded responses", () => {
  it("walks startTime forward over two pages and parses klines exactly once", async () => {
    servePages();
    const r = await make({ pageSize: 5 }).fetchBars(REQ);

    expect(r.requests).toBe(2);
    expect(fake.requests.map((q) => q.query.startTime)).toEqual([String(START), String(START + 300_000)]);
    expect(r.bars.length).toBe(8);
    expect(isoList(r.bars.ts)[0]).toBe("2021-01-01T00:00:00.000Z");
    expect(isoList(r.bars.ts)[7]).toBe("2021-01-01T00:07:00.000Z");

    const k0 = loadFixture<string[][]>("binance", "btcusdt-1m-2021-01-01-p1.json")[0]!;
    expect(r.bars.open[0]).toBe(28923.63);
    expect(r.bars.close[0]).toBe(Number(k0[4]));
    expect(r.bars.volume[0]).toBe(Number(k0[5]));
    expect(r.bars.vwap[0]).toBeCloseTo(Number(k0[7]) / Number(k0[5]), 8); // quote volume / volume
    expect(r.bars.trades[0]).toBe(1952);
    expect(r.actions).toEqual([]);
    expect(r.adjClose).toBeNull();
  });

  it("maps BTC-USD to BTCUSDT when no vendor symbol is given", () => {
    expect(toBinanceSymbol("BTC-USD")).toBe("BTCUSDT");
    expect(toBinanceSymbol("ETH-BTC")).toBe("ETHBTC");
    expect(toBinanceSymbol("BNBUSDT")).toBe("BNBUSDT");
  });

  it("returns an empty result for []", async () => {
    fake.serveFixture({ vendor: "binance", file: "empty.json" });
    const r = await make().fetchBars(REQ);
    expect(r.bars.length).toBe(0);
    expect(r.requests).toBe(1);
  });

  it("maps -1121 Invalid symbol to VendorRequestError without retrying", async () => {
    const err = await rejectionOf(make().fetchBars({ ...REQ, vendorSymbol: "NOPEUSDT" }));
    expect(err).toBeInstanceOf(VendorRequestError);
    expect(err.message).toBe("binance: Invalid symbol. (code -1121) (HTTP 400)");
    expect(fake.requests).toHaveLength(1);
  });

  it("waits Retry-After on 429, then succeeds", async () => {
    servePages();
    fake.setScenario({ kind: "rate-limit", retryAfterSeconds: 1 });
    const t0 = Date.now();
    const p = make({ pageSize: 5 });
    const r = await p.fetchBars(REQ);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(r.bars.length).toBe(8);
    expect(r.requests).toBe(3);
    expect(fake.requests[0]!.status).toBe(429);
    expect(p.resilience.getState()).toMatchObject({ rateLimited: 1, consecutiveFailures: 0 });
  });

  it("surfaces a 418 ban with a long Retry-After immediately", async () => {
    fake.setScenario({ kind: "rate-limit", status: 418, retryAfterSeconds: 120 });
    const err = await rejectionOf(make().fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorRateLimitError);
    expect((err as VendorRateLimitError).retryAfterMs).toBe(120_000);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails the whole fetch (no partial rows) when a later page is malformed", async () => {
    servePages();
    fake.setScenario({ kind: "malformed-json", match: (q) => q.query.startTime === String(START + 300_000) });
    const err = await rejectionOf(make({ pageSize: 5 }).fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorPayloadError);
    expect(err.message).toMatch(/^binance: klines: expected JSON but got malformed JSON \(HTTP 200/);
    expect(fake.requests).toHaveLength(2);
  });

  it("names the kline field when its type changes", async () => {
    servePages();
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        (b as unknown[][])[2]![1] = 28949.27; // price as a number instead of a decimal string
        return b;
      },
    });
    await expect(make({ pageSize: 5 }).fetchBars(REQ)).rejects.toThrow(/^binance: klines: invalid payload at \[2\]\[1\]: .*expected string/);
  });

  it("drops the still-open kline", async () => {
    servePages();
    const p = make({ pageSize: 5, now: () => START + 7 * 60_000 + 30_000 }); // the 00:07 kline is still open
    const r = await p.fetchBars(REQ);
    expect(r.bars.length).toBe(7);
  });
});

describe("binance adapter: generated data", () => {
  it("gathers 2500 one-minute klines in three pages of 1000", async () => {
    const source = syntheticBars({ calendar: "CRYPTO", seed: 9, decimals: 2 });
    fake.registerBars("binance", "ETHUSDT", "1m", source);
    const start = utc("2024-01-01");
    const end = start + 2500 * 60_000;
    const r = await make().fetchBars({ symbol: "ETH-USD", timeframe: "1m", start, end });
    const expected = source("ETHUSDT", "1m", start, end);

    expect(r.requests).toBe(3);
    expect(new Set(fake.requests.map((q) => q.query.startTime)).size).toBe(3);
    expect(fake.requests.every((q) => q.query.limit === "1000" && q.query.symbol === "ETHUSDT")).toBe(true);
    expect(Array.from(r.bars.ts)).toEqual(expected.map((b) => b.ts));
    expect(Array.from(r.bars.high)).toEqual(expected.map((b) => b.high));
    expect(Array.from(r.bars.volume)).toEqual(expected.map((b) => b.volume));
  });

  it("serves 4h and 1d with UTC-aligned open times", async () => {
    const source = syntheticBars({ calendar: "CRYPTO", seed: 2 });
    fake.registerBars("binance", "BTCUSDT", "4h", source);
    fake.registerBars("binance", "BTCUSDT", "1d", source);
    const p = make();
    const h4 = await p.fetchBars({ symbol: "BTC-USD", timeframe: "4h", start: utc("2024-02-01"), end: utc("2024-02-03") });
    expect(isoList(h4.bars.ts)).toEqual(Array.from({ length: 12 }, (_, i) => new Date(utc("2024-02-01") + i * 4 * 3_600_000).toISOString()));
    const d = await p.fetchBars({ symbol: "BTC-USD", timeframe: "1d", start: utc("2024-02-01"), end: utc("2024-03-01") });
    expect(d.bars.length).toBe(29);
    expect(isoList(d.bars.ts)[28]).toBe("2024-02-29T00:00:00.000Z");
  });
});
