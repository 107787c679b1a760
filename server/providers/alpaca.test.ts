import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";
import { FAST_RESILIENCE, isoList, rejectionOf, utc } from "@/test/fake-vendor/testing";
import { createAlpacaProvider, type AlpacaProviderOptions } from "./alpaca";
import { VendorPayloadError, VendorRateLimitError, VendorRequestError } from "./types";

let fake: FakeVendor;
beforeAll(async () => {
  fake = await startFakeVendor();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const make = (o: Partial<AlpacaProviderOptions> = {}) =>
  createAlpacaProvider({ baseUrl: fake.url, resilience: FAST_RESILIENCE, ...fake.keys.alpaca, ...o });
const REQ = { symbol: "AAPL", timeframe: "1d", start: utc("2020-08-24"), end: utc("2020-09-05") } as const;
const TOKEN = "QUFQTHxEfDIwMjAtMDgtMzFUMDQ6MDA6MDAuMDAwMDAwMDAwWg==";

function servePages() {
  const common = { symbol: "AAPL", timeframe: "1Day", start: "2020-08-24T00:00:00Z", end: "2020-09-05T00:00:00Z", adjustment: "raw", limit: "5" };
  fake.serveFixture({ vendor: "alpaca", file: "aapl-1day-2020-08-24-p2.json", params: { ...common, page_token: TOKEN } });
  fake.serveFixture({ vendor: "alpaca", file: "aapl-1day-2020-08-24-p1.json", params: common });
}

describe("alpaca adapter: recorded responses", () => {
  it("follows next_page_token, sends the key headers and parses raw daily bars", async () => {
    servePages();
    const r = await make({ pageSize: 5 }).fetchBars(REQ);

    expect(r.requests).toBe(2);
    expect(fake.requests[0]!.query.page_token).toBeUndefined();
    expect(fake.requests[1]!.query.page_token).toBe(TOKEN);
    for (const q of fake.requests) {
      expect(q.path).toBe("/v2/stocks/AAPL/bars");
      expect(q.headers["apca-api-key-id"]).toBe(fake.keys.alpaca.keyId);
      expect(q.headers["apca-api-secret-key"]).toBe(fake.keys.alpaca.secretKey);
      expect(q.query.sort).toBe("asc");
    }

    expect(r.bars.length).toBe(10);
    // Alpaca stamps daily bars at New York midnight (04:00Z in summer); we keep the session date.
    expect(isoList(r.bars.ts)).toEqual([
      "2020-08-24T00:00:00.000Z",
      "2020-08-25T00:00:00.000Z",
      "2020-08-26T00:00:00.000Z",
      "2020-08-27T00:00:00.000Z",
      "2020-08-28T00:00:00.000Z",
      "2020-08-31T00:00:00.000Z",
      "2020-09-01T00:00:00.000Z",
      "2020-09-02T00:00:00.000Z",
      "2020-09-03T00:00:00.000Z",
      "2020-09-04T00:00:00.000Z",
    ]);
    // Raw prices: the split shows up as a 4x drop between 08-28 and 08-31.
    expect(r.bars.close[4]).toBe(499.23);
    expect(r.bars.close[5]).toBe(129.04);
    expect(r.bars.volume[0]).toBe(86_484_400);
    expect(r.bars.vwap[0]).toBe(502.607923);
    expect(r.bars.trades[0]).toBe(874_162);
    expect(r.actions).toEqual([]);
    expect(r.adjClose).toBeNull();
  });

  it("returns an empty result for bars: null", async () => {
    fake.serveFixture({ vendor: "alpaca", file: "empty.json" });
    const r = await make().fetchBars(REQ);
    expect(r.bars.length).toBe(0);
    expect(r.requests).toBe(1);
  });

  it("maps an invalid symbol (400) to VendorRequestError without retrying", async () => {
    const err = await rejectionOf(make().fetchBars({ ...REQ, symbol: "AAPL!" }));
    expect(err).toBeInstanceOf(VendorRequestError);
    expect(err.message).toBe("alpaca: invalid symbol: AAPL! (code 40010001) (HTTP 400)");
    expect(fake.requests).toHaveLength(1);
  });

  it("maps refused credentials to VendorRequestError and never echoes them", async () => {
    const p = make({ keyId: "PKWRONGKEY123", secretKey: "wrong-secret-456" });
    const err = await rejectionOf(p.fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorRequestError);
    expect((err as VendorRequestError).status).toBe(403);
    expect(err.message).not.toContain("PKWRONGKEY123");
    expect(err.message).not.toContain("wrong-secret-456");
    expect(JSON.stringify(p.resilience.getState())).not.toMatch(/PKWRONGKEY123|wrong-secret-456/);
    expect(fake.requests).toHaveLength(1);
  });

  it("reads the wait from X-RateLimit-Reset on 429 (Alpaca sends no Retry-After), then retries", async () => {
    fake.setScenario({ kind: "rate-limit" });
    const err = await rejectionOf(make({ resilience: { ...FAST_RESILIENCE, retries: 0 } }).fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorRateLimitError);
    const wait = (err as VendorRateLimitError).retryAfterMs;
    expect(wait).not.toBeNull();
    expect(wait!).toBeGreaterThanOrEqual(0);
    expect(wait!).toBeLessThanOrEqual(1_000);

    fake.reset();
    servePages();
    fake.setScenario({ kind: "rate-limit" });
    const r = await make({ pageSize: 5 }).fetchBars(REQ);
    expect(r.bars.length).toBe(10);
    expect(fake.requests.map((q) => q.status)).toEqual([429, 200, 200]);
  });

  it("rejects a payload without the bars key, and a token that repeats", async () => {
    servePages();
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        const { bars, ...rest } = b as { bars: unknown };
        return { ...rest, data: bars };
      },
    });
    await expect(make({ pageSize: 5 }).fetchBars(REQ)).rejects.toThrow(/^alpaca: bars: invalid payload at bars: /);

    fake.reset();
    fake.serveFixture({ vendor: "alpaca", file: "aapl-1day-2020-08-24-p1.json" }); // every page says "next: TOKEN"
    const err = await rejectionOf(make({ pageSize: 5 }).fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorPayloadError);
    expect(err.message).toContain("next_page_token repeats");
    expect(fake.requests).toHaveLength(2);
  });
});

describe("alpaca adapter: generated data", () => {
  it("pages through two years of daily bars and a week of 1Min bars", async () => {
    const source = syntheticBars({ seed: 4 });
    fake.registerBars("alpaca", "MSFT", "1d", source);
    fake.registerBars("alpaca", "MSFT", "1m", source);
    const p = make({ pageSize: 100 });

    const d = await p.fetchBars({ symbol: "MSFT", timeframe: "1d", start: utc("2022-01-01"), end: utc("2024-01-01") });
    const expectedD = source("MSFT", "1d", utc("2022-01-01"), utc("2024-01-01"));
    expect(d.bars.length).toBe(501); // NYSE sessions in 2022-2023
    expect(Array.from(d.bars.ts)).toEqual(expectedD.map((b) => b.ts));
    expect(Array.from(d.bars.close)).toEqual(expectedD.map((b) => b.close));
    expect(d.requests).toBe(6);

    fake.requests.length = 0;
    const m = await make({ pageSize: 1000 }).fetchBars({ symbol: "MSFT", timeframe: "1m", start: utc("2024-03-04"), end: utc("2024-03-09") });
    expect(m.bars.length).toBe(5 * 390);
    expect(isoList(m.bars.ts)[0]).toBe("2024-03-04T14:30:00.000Z");
    expect(m.requests).toBe(2);
    expect(new Set(fake.requests.map((q) => q.query.page_token ?? "")).size).toBe(2);
  });
});
