import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";
import { FAST_RESILIENCE, isoList, rejectionOf, utc } from "@/test/fake-vendor/testing";
import { VendorTransientError } from "./errors";
import { VendorPayloadError, VendorRateLimitError, VendorRequestError } from "./types";
import { createYahooProvider, type YahooProviderOptions } from "./yahoo";

let fake: FakeVendor;
beforeAll(async () => {
  fake = await startFakeVendor();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

// The recorded daily answers were taken on 2020-09-04; as of then, the adapter needs no later splits.
const RECORDED_AT = utc("2020-09-05");
const make = (o: Partial<YahooProviderOptions> = {}) =>
  createYahooProvider({ baseUrl: fake.url, resilience: FAST_RESILIENCE, now: () => RECORDED_AT, ...o });
const DAILY = { symbol: "AAPL", timeframe: "1d", start: utc("2020-08-06"), end: utc("2020-09-05") } as const;

describe("yahoo adapter: recorded responses", () => {
  it("parses AAPL daily around the 2020-08-31 4:1 split into session-date bars, actions and adjclose", async () => {
    fake.serveFixture({
      vendor: "yahoo",
      file: "aapl-1d-2020-08-05_2020-09-04.json",
      // One day of padding each side of [2020-08-06, 2020-09-05).
      params: { symbol: "AAPL", period1: "1596585600", period2: "1599350400", interval: "1d", events: "div|split" },
    });
    const r = await make().fetchBars(DAILY);

    expect(r.requests).toBe(1);
    expect(r.profile).toEqual({ name: "Apple Inc.", exchange: "NasdaqGS", currency: "USD" });
    expect(r.bars.length).toBe(22); // the padding day 2020-08-05 is in the answer but outside [start, end)
    const iso = isoList(r.bars.ts);
    expect(iso[0]).toBe("2020-08-06T00:00:00.000Z"); // Yahoo stamped 13:30Z; session date at 00:00 UTC
    expect(iso[16]).toBe("2020-08-28T00:00:00.000Z");
    expect(iso[17]).toBe("2020-08-31T00:00:00.000Z");
    expect(iso[21]).toBe("2020-09-04T00:00:00.000Z");
    // Yahoo's chart prices are split-adjusted (the last pre-split close comes as 124.8075 = 499.23 / 4,
    // its volume ×4); the adapter returns them raw.
    expect(r.bars.close[16]).toBeCloseTo(499.23, 4);
    expect(r.bars.volume[16]).toBe(46_907_500);
    expect(r.bars.open[17]).toBeCloseTo(127.58, 4);
    expect(r.bars.high[19]).toBeCloseTo(137.98, 4);
    expect(r.bars.volume[21]).toBe(332_607_200);
    expect(Number.isNaN(r.bars.vwap[0]!)).toBe(true);
    expect(Number.isNaN(r.bars.trades[0]!)).toBe(true);

    expect(r.actions).toEqual([
      { symbol: "AAPL", ts: utc("2020-08-07"), kind: "dividend", value: 0.205 },
      { symbol: "AAPL", ts: utc("2020-08-31"), kind: "split", value: 4 },
    ]);
    expect(r.adjClose).not.toBeNull();
    expect(r.adjClose!.length).toBe(22);
    // The day before the ex-dividend date carries the extra dividend factor.
    expect(r.adjClose![0]! / r.bars.close[0]!).toBeLessThan(r.adjClose![1]! / r.bars.close[1]!);

    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v8/finance/chart/AAPL");
    // The request is yahoo-finance2's own: its chart module's query, sent through our transport.
    expect(sent.query).toMatchObject({ includePrePost: "false", useYfid: "true" });
    expect(sent.headers["user-agent"]).toMatch(/Mozilla/);
  });

  it("parses 1m bars with exact UTC open times and drops Yahoo's null rows", async () => {
    fake.serveFixture({ vendor: "yahoo", file: "aapl-1m-2020-09-01T1330.json", params: { symbol: "AAPL", interval: "1m" } });
    const p = make({ now: () => utc("2020-09-01T13:40") });
    const r = await p.fetchBars({ symbol: "AAPL", timeframe: "1m", start: utc("2020-09-01T13:30"), end: utc("2020-09-01T13:40") });

    expect(r.bars.length).toBe(9); // 10 stamps, one all-null gap
    const iso = isoList(r.bars.ts);
    expect(iso.slice(0, 6)).toEqual([
      "2020-09-01T13:30:00.000Z",
      "2020-09-01T13:31:00.000Z",
      "2020-09-01T13:32:00.000Z",
      "2020-09-01T13:33:00.000Z",
      "2020-09-01T13:34:00.000Z",
      "2020-09-01T13:36:00.000Z",
    ]);
    expect(r.bars.open[0]).toBeCloseTo(132.76, 4);
    expect(r.bars.volume[0]).toBe(3_542_181);
    expect(r.adjClose).toBeNull();
    expect(r.actions).toEqual([]);
    expect(fake.requests[0]!.query).toMatchObject({ period1: String(utc("2020-09-01T13:30") / 1000), period2: String(utc("2020-09-01T13:40") / 1000) });
  });

  it("returns an empty result for Yahoo's empty-range answer (no timestamp, quote [{}])", async () => {
    fake.serveFixture({ vendor: "yahoo", file: "empty-range.json" });
    const r = await make().fetchBars({ symbol: "AAPL", timeframe: "1d", start: utc("2020-09-05"), end: utc("2020-09-08") });
    expect(r.bars.length).toBe(0);
    expect(r.actions).toEqual([]);
    expect(r.requests).toBe(1);
  });

  it("maps an unknown symbol (404 chart.error) to VendorRequestError without retrying", async () => {
    const err = await rejectionOf(make().fetchBars({ ...DAILY, symbol: "NOSUCHTICKER" }));
    expect(err).toBeInstanceOf(VendorRequestError);
    expect((err as VendorRequestError).status).toBe(404);
    expect(err.message).toContain("No data found, symbol may be delisted");
    expect(fake.requests).toHaveLength(1);
  });

  it("maps Yahoo's 422 range error to VendorRequestError", async () => {
    fake.serveFixture({ vendor: "yahoo", file: "range-too-long-1m.json", status: 422 });
    const err = await rejectionOf(make({ enforceLookback: false }).fetchBars({ ...DAILY, timeframe: "1m", start: utc("2020-09-01"), end: utc("2020-09-02") }));
    expect(err).toBeInstanceOf(VendorRequestError);
    expect(err.message).toContain("Only 7 days worth of 1m granularity data");
    expect(fake.requests).toHaveLength(1);
  });

  it("keeps Yahoo's cookies per adapter: a Set-Cookie is sent back on the next request", async () => {
    fake.serveFixture({ vendor: "yahoo", file: "aapl-1d-2020-08-05_2020-09-04.json", headers: { "set-cookie": "A3=d=abc; Path=/; Secure; HttpOnly" } });
    const p = make();
    await p.fetchBars(DAILY);
    await p.fetchBars(DAILY);
    expect(fake.requests[0]!.headers.cookie).toBeUndefined();
    expect(fake.requests[1]!.headers.cookie).toBe("A3=d=abc");
    await make().fetchBars(DAILY); // another adapter, another jar
    expect(fake.requests[2]!.headers.cookie).toBeUndefined();
  });

  it("rejects 4h and too-old intraday ranges before calling", async () => {
    const p = make({ now: () => utc("2024-06-01") });
    await expect(p.fetchBars({ ...DAILY, timeframe: "4h" })).rejects.toThrow(/timeframe "4h" is not supported/);
    await expect(p.fetchBars({ symbol: "AAPL", timeframe: "1m", start: utc("2024-04-01"), end: utc("2024-04-02") })).rejects.toThrow(
      /only available for the last 30 days/,
    );
    expect(fake.requests).toHaveLength(0);
  });
});

describe("yahoo adapter: changed or broken payloads", () => {
  beforeEach(() => fake.serveFixture({ vendor: "yahoo", file: "aapl-1d-2020-08-05_2020-09-04.json" }));

  it("names the bad field when a value changes type", async () => {
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        const body = b as { chart: { result: { indicators: { quote: { close: unknown[] }[] } }[] } };
        body.chart.result[0]!.indicators.quote[0]!.close[3] = "109.375";
        return body;
      },
    });
    const err = await rejectionOf(make().fetchBars(DAILY));
    expect(err).toBeInstanceOf(VendorPayloadError);
    expect(err.message).toMatch(/^yahoo: chart: invalid payload at chart\.result\[0\]\.indicators\.quote\[0\]\.close\[3\]: .*expected number/);
    expect(fake.requests).toHaveLength(1); // not retried
  });

  it("treats quotes without timestamps as a changed payload, not an empty range", async () => {
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        const r = (b as { chart: { result: Record<string, unknown>[] } }).chart.result[0]!;
        r.timestamps = r.timestamp;
        delete r.timestamp;
        return b;
      },
    });
    await expect(make().fetchBars(DAILY)).rejects.toThrow(/chart\.result\[0\]\.timestamp: missing while indicators\.quote has data/);
  });

  it("rejects arrays whose lengths disagree", async () => {
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        (b as { chart: { result: { indicators: { quote: { volume: unknown[] }[] } }[] } }).chart.result[0]!.indicators.quote[0]!.volume.pop();
        return b;
      },
    });
    await expect(make().fetchBars(DAILY)).rejects.toThrow(/indicators\.quote\[0\]\.volume: has 22 values for 23 timestamps/);
  });

  it("rejects an HTML page and malformed JSON with VendorPayloadError", async () => {
    fake.setScenario({ kind: "html" });
    await expect(make().fetchBars(DAILY)).rejects.toThrow(/yahoo: chart: expected JSON but got an HTML\/XML page \(HTTP 200/);
    fake.setScenario({ kind: "malformed-json" });
    await expect(make().fetchBars(DAILY)).rejects.toThrow(/expected JSON but got malformed JSON/);
    expect(fake.requests).toHaveLength(2);
  });

  it("rejects a payload yahoo-finance2's own schema refuses, naming the fields, without retrying", async () => {
    fake.setScenario({
      kind: "transform",
      transform: (b) => {
        const m = (b as { chart: { result: { meta: Record<string, unknown> }[] } }).chart.result[0]!.meta;
        delete m.currency;
        m.priceHint = "two";
        return b;
      },
    });
    const err = await rejectionOf(make().fetchBars(DAILY));
    expect(err).toBeInstanceOf(VendorPayloadError);
    expect(err.message).toContain("yahoo: chart: yahoo-finance2 rejected the payload");
    expect(err.message).toContain("at chart.result[0].meta.priceHint:");
    expect(err.message).toContain("at chart.result[0].meta: Missing required properties (currency)");
    expect(fake.requests).toHaveLength(1);
  });

  it("times the library's request out through the resilience signal and retries", async () => {
    fake.setScenario({ kind: "slow", delayMs: 400 });
    const p = make({ resilience: { ...FAST_RESILIENCE, timeoutMs: 100 } });
    const r = await p.fetchBars(DAILY);
    expect(r.bars.length).toBe(22);
    expect(r.requests).toBe(2);
    expect(p.resilience.getState().lastError).toBe("yahoo: request timed out after 100 ms");
  });

  it("retries Yahoo's plain-text 429 (no Retry-After) with backoff, then succeeds", async () => {
    fake.setScenario({ kind: "rate-limit", times: 2 });
    const p = make();
    const r = await p.fetchBars(DAILY);
    expect(r.bars.length).toBe(22);
    expect(r.requests).toBe(3);
    expect(p.resilience.getState().rateLimited).toBe(2);
  });

  it("gives up on 429 after the retry budget with VendorRateLimitError", async () => {
    fake.setScenario({ kind: "rate-limit", times: Infinity });
    const err = await rejectionOf(make({ resilience: { ...FAST_RESILIENCE, retries: 2 } }).fetchBars(DAILY));
    expect(err).toBeInstanceOf(VendorRateLimitError);
    expect(fake.requests).toHaveLength(3);
  });

  it("retries a 500 and returns the full result", async () => {
    fake.setScenario({ kind: "server-error", status: 502 });
    const r = await make().fetchBars(DAILY);
    expect(r.bars.length).toBe(22);
    expect(r.requests).toBe(2);
  });

  it("surfaces a persistent 5xx as VendorTransientError after the retries", async () => {
    fake.setScenario({ kind: "server-error", times: Infinity });
    const err = await rejectionOf(make({ resilience: { ...FAST_RESILIENCE, retries: 1 } }).fetchBars(DAILY));
    expect(err).toBeInstanceOf(VendorTransientError);
    expect(err.message).toMatch(/^yahoo: server error: Internal Server Error: Internal Server Error \(HTTP 500\)$/);
  });
});

describe("yahoo adapter: generated data", () => {
  it("chunks a 12-day 1m range into requests of at most 7 days and returns every bar once", async () => {
    const source = syntheticBars({ seed: 3 });
    fake.registerBars("yahoo", "MSFT", "1m", source);
    const start = utc("2024-03-04");
    const end = utc("2024-03-16");
    const r = await make({ now: () => utc("2024-03-20") }).fetchBars({ symbol: "MSFT", timeframe: "1m", start, end });

    const expected = source("MSFT", "1m", start, end);
    expect(r.bars.length).toBe(expected.length);
    expect(Array.from(r.bars.ts)).toEqual(expected.map((b) => b.ts));
    expect(Array.from(r.bars.close)).toEqual(expected.map((b) => b.close));
    // Two 1m chunks, then one daily request for split events between the range's end and now.
    expect(r.requests).toBe(3);
    expect(fake.requests.map((q) => q.query.interval)).toEqual(["1m", "1m", "1d"]);
    for (const q of fake.requests.slice(0, 2)) expect(Number(q.query.period2) - Number(q.query.period1)).toBeLessThanOrEqual(7 * 86_400);
  });

  it("asks for 1h bars as Yahoo's 60m interval (which its meta may echo as 60m or 1h)", async () => {
    const source = syntheticBars({ seed: 8 });
    fake.registerBars("yahoo", "AMD", "1h", source);
    const start = utc("2024-05-06");
    const end = utc("2024-05-11");
    const r = await make({ now: () => end }).fetchBars({ symbol: "AMD", timeframe: "1h", start, end });
    expect(fake.requests[0]!.query.interval).toBe("60m");
    expect(Array.from(r.bars.ts)).toEqual(source("AMD", "1h", start, end).map((b) => b.ts));
    expect(r.bars.length).toBeGreaterThan(0);
  });

  it("returns raw prices across a split in the range, with the split and dividend as actions", async () => {
    const source = syntheticBars({ seed: 5 });
    fake.registerBars("yahoo", "NVDA", "1d", source, {
      actions: [
        { ts: utc("2024-06-10"), kind: "split", value: 10 },
        { ts: utc("2024-06-11"), kind: "dividend", value: 0.01 },
      ],
    });
    const start = utc("2024-06-01");
    const end = utc("2024-07-01");
    const r = await make({ now: () => end }).fetchBars({ symbol: "NVDA", timeframe: "1d", start, end });
    expect(isoList(r.bars.ts)[0]).toBe("2024-06-03T00:00:00.000Z");
    expect(r.bars.length).toBe(19); // June 2024 NYSE sessions (Juneteenth closed)
    expect(r.actions).toEqual([
      { symbol: "NVDA", ts: utc("2024-06-10"), kind: "split", value: 10 },
      { symbol: "NVDA", ts: utc("2024-06-11"), kind: "dividend", value: 0.01 },
    ]);
    // The fake, like Yahoo, sent the days before 06-10 divided by 10 (volume ×10); we get them raw.
    const raw = source("NVDA", "1d", start, end);
    expect(Array.from(r.bars.close)).toEqual(raw.map((b) => expect.closeTo(b.close, 9)));
    expect(Array.from(r.bars.volume)).toEqual(raw.map((b) => b.volume));
    expect(r.requests).toBe(1);
  });

  it("undoes a split after the range: it asks for the split events from the range's end until now", async () => {
    const source = syntheticBars({ seed: 6 });
    fake.registerBars("yahoo", "AVGO", "1d", source, { actions: [{ ts: utc("2024-07-15"), kind: "split", value: 10 }] });
    const start = utc("2024-05-01");
    const end = utc("2024-06-01");
    const r = await make({ now: Date.now }).fetchBars({ symbol: "AVGO", timeframe: "1d", start, end });

    const raw = source("AVGO", "1d", start, end);
    expect(r.bars.length).toBe(raw.length);
    expect(Array.from(r.bars.open)).toEqual(raw.map((b) => expect.closeTo(b.open, 9)));
    expect(Array.from(r.bars.volume)).toEqual(raw.map((b) => b.volume));
    expect(r.actions).toEqual([]); // the split is not in the range
    expect(r.requests).toBe(2);
    const later = fake.requests[1]!.query;
    expect(later).toMatchObject({ interval: "1d", period1: String((end - 86_400_000) / 1000) });
    expect(later.events).toContain("split");
  });
});
