import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";
import { FAST_RESILIENCE, isoList, rejectionOf, utc } from "@/test/fake-vendor/testing";
import { createPolygonProvider, toPolygonTicker, type PolygonProviderOptions } from "./polygon";
import { VendorPayloadError, VendorRequestError } from "./types";

let fake: FakeVendor;
beforeAll(async () => {
  fake = await startFakeVendor();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const make = (o: Partial<PolygonProviderOptions> = {}) =>
  createPolygonProvider({ baseUrl: fake.url, resilience: FAST_RESILIENCE, apiKey: fake.keys.polygon.apiKey, ...o });
const REQ = { symbol: "AAPL", timeframe: "1d", start: utc("2020-08-24"), end: utc("2020-09-05") } as const;
const CURSOR = "YWRqdXN0ZWQ9ZmFsc2UmbGltaXQ9NSZzb3J0PWFzYw";

function servePages() {
  fake.serveFixture({ vendor: "polygon", file: "aapl-1day-2020-08-24-p2.json", params: { ticker: "AAPL", from: "1598846400000", cursor: CURSOR } });
  fake.serveFixture({
    vendor: "polygon",
    file: "aapl-1day-2020-08-24-p1.json",
    params: { ticker: "AAPL", multiplier: "1", timespan: "day", from: "2020-08-24", to: "2020-09-04", adjusted: "false", sort: "asc", limit: "5" },
  });
}

describe("polygon adapter: recorded responses", () => {
  it("follows next_url with the key appended and parses raw daily aggregates", async () => {
    servePages();
    const r = await make({ pageSize: 5 }).fetchBars(REQ);

    expect(r.requests).toBe(2);
    const [first, second] = fake.requests;
    expect(first!.path).toBe("/v2/aggs/ticker/AAPL/range/1/day/2020-08-24/2020-09-04");
    expect(second!.path).toBe("/v2/aggs/ticker/AAPL/range/1/day/1598846400000/2020-09-04");
    expect(second!.query).toEqual({ cursor: CURSOR, apiKey: fake.keys.polygon.apiKey });
    expect(first!.query.apiKey).toBe(fake.keys.polygon.apiKey);

    expect(r.bars.length).toBe(10);
    expect(isoList(r.bars.ts)[0]).toBe("2020-08-24T00:00:00.000Z"); // t = 04:00Z (New York midnight)
    expect(isoList(r.bars.ts)[9]).toBe("2020-09-04T00:00:00.000Z");
    expect(r.bars.open[0]).toBe(514.79);
    expect(r.bars.close[4]).toBe(499.23);
    expect(r.bars.close[5]).toBe(129.04);
    expect(r.bars.vwap[0]).toBe(502.6079);
    expect(r.bars.trades[0]).toBe(874_162);
    expect(r.actions).toEqual([]);
    expect(r.adjClose).toBeNull();
  });

  it("parses minute aggregates with status DELAYED and exact open times", async () => {
    fake.serveFixture({ vendor: "polygon", file: "aapl-1minute-2020-09-01T1330.json", params: { timespan: "minute", from: "1598967000000", to: "1598967299999" } });
    const r = await make().fetchBars({ symbol: "AAPL", timeframe: "1m", start: utc("2020-09-01T13:30"), end: utc("2020-09-01T13:35") });
    expect(isoList(r.bars.ts)).toEqual(["13:30", "13:31", "13:32", "13:33", "13:34"].map((m) => `2020-09-01T${m}:00.000Z`));
    expect(r.bars.open[0]).toBe(132.76);
  });

  it("returns an empty result for resultsCount 0 (also Polygon's answer for an unknown ticker)", async () => {
    fake.serveFixture({ vendor: "polygon", file: "empty.json" });
    expect((await make().fetchBars(REQ)).bars.length).toBe(0);
    fake.reset();
    expect((await make().fetchBars({ ...REQ, symbol: "NOSUCH" })).bars.length).toBe(0);
  });

  it("maps an unknown key (401) to VendorRequestError without retrying or leaking the key", async () => {
    const p = make({ apiKey: "pk_live_SHOULD_NOT_LEAK" });
    const err = await rejectionOf(p.fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorRequestError);
    expect(err.message).toBe("polygon: ERROR: Unknown API Key (HTTP 401)");
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.query.apiKey).toBe("pk_live_SHOULD_NOT_LEAK");
    expect(JSON.stringify(p.resilience.getState())).not.toContain("SHOULD_NOT_LEAK");
  });

  it("maps NOT_AUTHORIZED (plan) to VendorRequestError", async () => {
    fake.serveFixture({ vendor: "polygon", file: "not-authorized.json", status: 403 });
    await expect(make().fetchBars(REQ)).rejects.toThrow(/^polygon: NOT_AUTHORIZED: You are not entitled to this data/);
  });

  it("retries Polygon's 429 (no Retry-After) with backoff", async () => {
    servePages();
    fake.setScenario({ kind: "rate-limit", match: (q) => q.query.cursor !== undefined }); // throttled on page 2
    const r = await make({ pageSize: 5 }).fetchBars(REQ);
    expect(r.bars.length).toBe(10);
    expect(r.requests).toBe(3);
    expect(fake.requests.map((q) => q.status)).toEqual([200, 429, 200]);
  });

  it("refuses a next_url on another host, so the key is never sent there", async () => {
    servePages();
    fake.setScenario({
      kind: "transform",
      transform: (b) => ({ ...(b as object), next_url: "https://evil.example.com/v2/aggs/ticker/AAPL/range/1/day/1/2?cursor=x" }),
    });
    const err = await rejectionOf(make({ pageSize: 5 }).fetchBars(REQ));
    expect(err).toBeInstanceOf(VendorPayloadError);
    expect(err.message).toContain("next_url: points outside");
    expect(fake.requests).toHaveLength(1);
  });

  it("rejects results missing while resultsCount says there are some", async () => {
    servePages();
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        delete (b as { results?: unknown }).results;
        return b;
      },
    });
    await expect(make({ pageSize: 5 }).fetchBars(REQ)).rejects.toThrow(/^polygon: aggs: invalid payload at results: missing while resultsCount is 5/);
  });
});

describe("polygon adapter: generated data", () => {
  it("pages 4-hour and 1-hour stock aggregates and crypto daily bars", async () => {
    const stock = syntheticBars({ seed: 8 });
    fake.registerBars("polygon", "AMD", "1h", stock);
    fake.registerBars("polygon", "AMD", "4h", stock);
    const p = make({ pageSize: 50 });
    const start = utc("2024-04-01");
    const end = utc("2024-05-01");
    const h1 = await p.fetchBars({ symbol: "AMD", timeframe: "1h", start, end });
    expect(Array.from(h1.bars.ts)).toEqual(stock("AMD", "1h", start, end).map((b) => b.ts));
    expect(h1.requests).toBe(Math.ceil(h1.bars.length / 50) + (h1.bars.length % 50 === 0 ? 1 : 0));
    const h4 = await p.fetchBars({ symbol: "AMD", timeframe: "4h", start, end });
    expect(Array.from(h4.bars.close)).toEqual(stock("AMD", "4h", start, end).map((b) => b.close));

    expect(toPolygonTicker("BTC-USD")).toBe("X:BTCUSD");
    const crypto = syntheticBars({ calendar: "CRYPTO", seed: 1 });
    fake.registerBars("polygon", "X:BTCUSD", "1d", crypto);
    const d = await p.fetchBars({ symbol: "BTC-USD", timeframe: "1d", start: utc("2024-01-01"), end: utc("2024-04-01") });
    expect(d.bars.length).toBe(91);
    expect(isoList(d.bars.ts)[0]).toBe("2024-01-01T00:00:00.000Z");
    expect(fake.requests.at(-1)!.path).toMatch(/^\/v2\/aggs\/ticker\/X:BTCUSD\/range\/1\/day\//);
  });
});
