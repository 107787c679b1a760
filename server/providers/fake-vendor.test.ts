import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadFixture, startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";
import { utc } from "@/test/fake-vendor/testing";

/**
 * Contract of the fake vendor server itself (test/fake-vendor): it must behave like the real
 * vendors where the adapters and the backfill integration tests rely on it. Lives here because the
 * unit vitest project only collects tests under lib/, server/, db/, workers/, scripts/, components/.
 */
let fake: FakeVendor;
beforeAll(async () => {
  fake = await startFakeVendor();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake.url}${path}`, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body };
}

describe("fake vendor server", () => {
  it("yahoo: unknown symbol 404, unsupported interval 400, 1m spans over 8 days 422", async () => {
    expect(await get("/v8/finance/chart/NOPE?period1=0&period2=86400&interval=1d")).toMatchObject({
      status: 404,
      body: loadFixture("yahoo", "not-found.json"),
    });
    fake.registerBars("yahoo", "AAPL", "1m", syntheticBars());
    expect((await get("/v8/finance/chart/AAPL?period1=0&period2=86400&interval=4h")).status).toBe(400);
    const r = await get(`/v8/finance/chart/AAPL?period1=0&period2=${9 * 86_400}&interval=1m`);
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain("Only 8 days worth of 1m granularity data");
  });

  it("binance: validates limit and symbol, and serves the latest klines without startTime", async () => {
    fake.registerBars("binance", "BTCUSDT", "1h", syntheticBars({ calendar: "CRYPTO" }));
    expect((await get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1001")).body).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
    expect((await get("/api/v3/klines?symbol=DOGEXYZ&interval=1h")).body).toEqual({ code: -1121, msg: "Invalid symbol." });
    expect((await get("/api/v3/klines?symbol=BTCUSDT&interval=7m")).body).toEqual({ code: -1120, msg: "Invalid interval." });
    const end = utc("2024-01-02") - 1;
    const r = await get(`/api/v3/klines?symbol=BTCUSDT&interval=1h&endTime=${end}&limit=3`);
    expect((r.body as unknown[][]).map((k) => k[0])).toEqual([utc("2024-01-01T21:00"), utc("2024-01-01T22:00"), utc("2024-01-01T23:00")]);
    expect((r.body as unknown[][])[0]![6]).toBe(utc("2024-01-01T21:00") + 3_599_999);
  });

  it("alpaca: requires both key headers, pages with next_page_token, answers bars null for unknown symbols", async () => {
    fake.registerBars("alpaca", "IBM", "1d", syntheticBars());
    const q = `start=2024-01-01T00:00:00Z&end=2024-02-01T00:00:00Z&timeframe=1Day&limit=10`;
    expect(await get(`/v2/stocks/IBM/bars?${q}`)).toMatchObject({ status: 401, body: { message: "unauthorized." } });
    const auth = { "APCA-API-KEY-ID": fake.keys.alpaca.keyId, "APCA-API-SECRET-KEY": fake.keys.alpaca.secretKey };
    expect((await get(`/v2/stocks/IBM/bars?${q}`, { ...auth, "APCA-API-SECRET-KEY": "x" })).status).toBe(403);

    const ts: string[] = [];
    let token: string | null = null;
    do {
      const r = await get(`/v2/stocks/IBM/bars?${q}${token ? `&page_token=${encodeURIComponent(token)}` : ""}`, auth);
      const body = r.body as { bars: { t: string }[]; next_page_token: string | null };
      ts.push(...body.bars.map((b) => b.t));
      token = body.next_page_token;
    } while (token);
    expect(ts).toHaveLength(21); // NYSE sessions in January 2024
    expect(ts[0]).toBe("2024-01-02T05:00:00Z"); // New York midnight (EST)
    expect(new Set(ts).size).toBe(21);

    expect((await get(`/v2/stocks/ZZZZ/bars?${q}`, auth)).body).toEqual({ bars: null, symbol: "ZZZZ", next_page_token: null });
  });

  it("polygon: apiKey or Bearer auth, next_url on this host without the key", async () => {
    fake.registerBars("polygon", "IBM", "1d", syntheticBars());
    const path = "/v2/aggs/ticker/IBM/range/1/day/2024-01-01/2024-01-31?adjusted=false&sort=asc&limit=15";
    expect((await get(path)).body).toMatchObject({ status: "ERROR", error: "API Key was not provided" });
    const page1 = (await get(path, { authorization: `Bearer ${fake.keys.polygon.apiKey}` })).body as { resultsCount: number; next_url: string };
    expect(page1.resultsCount).toBe(15);
    expect(page1.next_url.startsWith(`${fake.url}/v2/aggs/ticker/IBM/range/1/day/`)).toBe(true);
    expect(page1.next_url).not.toContain("apiKey");
    const page2 = (await get(`${page1.next_url.slice(fake.url.length)}&apiKey=${fake.keys.polygon.apiKey}`)).body as { resultsCount: number; adjusted: boolean; next_url?: string };
    expect(page2).toMatchObject({ resultsCount: 6, adjusted: false });
    expect(page2.next_url).toBeUndefined();
  });

  it("consumes scenarios in order, per vendor, and logs what answered", async () => {
    fake.registerBars("binance", "BTCUSDT", "1h", syntheticBars({ calendar: "CRYPTO" }));
    fake.setScenario([
      { kind: "rate-limit", vendor: "binance" },
      { kind: "server-error", vendor: "yahoo" },
      { kind: "respond", status: 599, body: "custom", times: 2 },
    ]);
    const k = `/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${utc("2024-01-01")}&limit=2`;
    const first = await get(k);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await get(k)).status).toBe(599);
    expect((await get(k)).status).toBe(599);
    expect((await get(k)).status).toBe(200);
    expect(fake.requests.map((r) => [r.vendor, r.status, r.servedBy])).toEqual([
      ["binance", 429, "scenario:rate-limit"],
      ["binance", 599, "scenario:respond"],
      ["binance", 599, "scenario:respond"],
      ["binance", 200, null],
    ]);
    expect((await get("/v8/finance/chart/AAPL?period1=0&period2=1&interval=1d")).status).toBe(500);
    expect((await get("/nope")).status).toBe(404);
    expect(fake.requests.at(-1)!.vendor).toBe("unknown");
  });
});
