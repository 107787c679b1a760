import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeVendor, syntheticBars, type FakeVendor } from "@/test/fake-vendor/server";
import { FAST_RESILIENCE, rejectionOf, utc } from "@/test/fake-vendor/testing";
import { createBinanceProvider } from "./binance";
import { VendorCircuitOpenError, VendorTransientError } from "./errors";
import { createPolygonProvider } from "./polygon";
import { createResilience, sleep, TokenBucket, type ProviderState, type ResilienceOptions } from "./resilience";
import { VendorPayloadError, VendorRateLimitError, VendorRequestError } from "./types";

const transient = () => new VendorTransientError("binance", 503, "server error: overloaded");
const opts = (o: ResilienceOptions = {}): ResilienceOptions => ({ ...FAST_RESILIENCE, ...o });

/** A function that fails with the given errors in turn, then returns "ok". */
function flaky(...errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    const e = errors[calls++];
    if (e) throw e;
    return "ok";
  };
  return { fn, calls: () => calls };
}

describe("createResilience", () => {
  it("retries transient failures with growing, jittered delays, then succeeds", async () => {
    const r = createResilience("binance", opts({ backoffInitialMs: 20, backoffMaxMs: 1_000, random: () => 0 }));
    const f = flaky(transient(), transient());
    const t0 = performance.now();
    await expect(r.execute(f.fn)).resolves.toBe("ok");
    // random() = 0 → half of the exponential step: 10 ms, then 20 ms.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(28);
    expect(f.calls()).toBe(3);
    expect(r.getState()).toMatchObject({ requests: 3, retries: 2, consecutiveFailures: 0, breaker: "closed" });
    expect(r.getState().lastSuccessAt).not.toBeNull();
  });

  it("does not retry request or payload errors, and they do not trip the breaker", async () => {
    const r = createResilience("binance", opts({ breakerThreshold: 2 }));
    for (const e of [new VendorRequestError("binance", 400, "Invalid symbol."), new VendorPayloadError("binance", "klines: bad"), new VendorPayloadError("binance", "x")]) {
      const f = flaky(e);
      await expect(r.execute(f.fn)).rejects.toBe(e);
      expect(f.calls()).toBe(1);
    }
    expect(r.getState()).toMatchObject({ breaker: "closed", requests: 3, retries: 0, lastError: "binance: x" });
  });

  it("waits the vendor's Retry-After on 429, but surfaces waits above maxRetryAfterMs", async () => {
    const r = createResilience("polygon", opts({ maxRetryAfterMs: 500 }));
    const f = flaky(new VendorRateLimitError("polygon", 150));
    const t0 = performance.now();
    await expect(r.execute(f.fn)).resolves.toBe("ok");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(r.getState()).toMatchObject({ rateLimited: 1, retries: 1 });

    const long = flaky(new VendorRateLimitError("polygon", 60_000));
    const err = await rejectionOf(r.execute(long.fn));
    expect(err).toBeInstanceOf(VendorRateLimitError);
    expect(long.calls()).toBe(1);
  });

  it("opens the breaker after N consecutive transient failures and then fails fast", async () => {
    const r = createResilience("binance", opts({ retries: 0, breakerThreshold: 3, breakerHalfOpenAfterMs: 10_000 }));
    const events: [string, ProviderState["breaker"]][] = [];
    r.onStateChange((s, e) => events.push([e, s.breaker]));
    for (let i = 0; i < 3; i++) await expect(r.execute(flaky(transient()).fn)).rejects.toBeInstanceOf(VendorTransientError);
    expect(r.getState()).toMatchObject({ breaker: "open", consecutiveFailures: 3 });
    expect(r.getState().breakerOpenUntil).toBeGreaterThan(Date.now());
    expect(events).toContainEqual(["breaker", "open"]);

    const f = flaky();
    const err = await rejectionOf(r.execute(f.fn));
    expect(err).toBeInstanceOf(VendorCircuitOpenError);
    expect(err.message).toMatch(/^binance: circuit breaker open, request not sent \(probe allowed in \d+ ms\); last error: binance: server error: overloaded \(HTTP 503\)$/);
    expect(f.calls()).toBe(0);
    expect(r.getState().requests).toBe(3);
  });

  it("lets one half-open probe through after the pause: success closes, failure re-opens", async () => {
    const r = createResilience("binance", opts({ retries: 0, breakerThreshold: 1, breakerHalfOpenAfterMs: 60 }));
    const seen: string[] = [];
    r.onStateChange((s, e) => e === "breaker" && seen.push(s.breaker));

    await expect(r.execute(flaky(transient()).fn)).rejects.toBeInstanceOf(VendorTransientError);
    await sleep(70);
    await expect(r.execute(flaky(transient()).fn)).rejects.toBeInstanceOf(VendorTransientError); // probe fails
    expect(r.getState().breaker).toBe("open");
    await expect(r.execute(flaky().fn)).rejects.toBeInstanceOf(VendorCircuitOpenError);
    await sleep(70);
    await expect(r.execute(flaky().fn)).resolves.toBe("ok"); // probe succeeds
    expect(seen).toEqual(["open", "half-open", "open", "half-open", "closed"]);
    expect(r.getState()).toMatchObject({ breaker: "closed", breakerOpenUntil: null, consecutiveFailures: 0 });
  });

  it("times out a hung request, aborts its signal, and retries it", async () => {
    const r = createResilience("yahoo", opts({ timeoutMs: 40, retries: 1 }));
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<never>(() => {});
    };
    const err = await rejectionOf(r.execute(hang));
    expect(err).toBeInstanceOf(VendorTransientError);
    expect(err.message).toBe("yahoo: request timed out after 40 ms");
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it("stops at once when the caller aborts, without counting a failure", async () => {
    const r = createResilience("yahoo", opts({ timeoutMs: 5_000 }));
    const ac = new AbortController();
    let calls = 0;
    const p = r.execute((signal) => {
      calls++;
      return new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    }, ac.signal);
    setTimeout(() => ac.abort(new Error("job cancelled")), 20);
    await expect(p).rejects.toThrow("job cancelled");
    expect(calls).toBe(1);
    expect(r.getState()).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });

  it("limits the request rate with a token bucket", async () => {
    const r = createResilience("polygon", opts({ requestsPerMinute: 600, burst: 2 })); // 1 token / 100 ms
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await r.execute(async () => "ok");
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(290); // 2 from the burst, then 3 × 100 ms
    expect(elapsed).toBeLessThan(1_000);
    expect(r.getState().throttledMs).toBeGreaterThanOrEqual(250);
  });

  it("pauses the bucket for everyone on Retry-After", async () => {
    const bucket = new TokenBucket(60_000, 10);
    bucket.pauseUntil(Date.now() + 120);
    expect(await bucket.take()).toBeGreaterThanOrEqual(110);
  });

  it("keeps secrets out of recorded errors and survives throwing listeners", async () => {
    const r = createResilience("polygon", opts({ retries: 0, secrets: ["pk_SECRET_1"] }));
    r.onStateChange(() => {
      throw new Error("db down");
    });
    const got: ProviderState[] = [];
    const off = r.onStateChange((s) => got.push(s));
    await expect(r.execute(async () => Promise.reject(new TypeError("bad url https://h/x?apiKey=pk_SECRET_1&a=1")))).rejects.toThrow(TypeError);
    expect(r.getState().lastError).toBe("TypeError: bad url https://h/x?apiKey=***&a=1");
    expect(got).toHaveLength(1);
    off();
    await r.execute(async () => 1);
    expect(got).toHaveLength(1);
  });
});

describe("resilience through an adapter and the fake vendor", () => {
  let fake: FakeVendor;
  beforeAll(async () => {
    fake = await startFakeVendor();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.registerBars("binance", "BTCUSDT", "1h", syntheticBars({ calendar: "CRYPTO" }));
  });
  const REQ = { symbol: "BTC-USD", timeframe: "1h", start: utc("2024-01-01"), end: utc("2024-01-02") } as const;

  it("retries repeated 5xx, opens the breaker, fails fast, then recovers half-open", async () => {
    const p = createBinanceProvider({ baseUrl: fake.url, resilience: opts({ retries: 2, breakerThreshold: 3, breakerHalfOpenAfterMs: 80 }) });
    fake.setScenario({ kind: "server-error", status: 503, times: Infinity });

    const first = await rejectionOf(p.fetchBars(REQ));
    expect(first).toBeInstanceOf(VendorTransientError);
    expect(first.message).toBe("binance: server error: Internal error; unable to process your request. Please try again. (code -1001) (HTTP 503)");
    expect(fake.requests).toHaveLength(3); // 1 + 2 retries
    expect(p.resilience.getState()).toMatchObject({ breaker: "open", consecutiveFailures: 3, requests: 3 });

    await expect(p.fetchBars(REQ)).rejects.toBeInstanceOf(VendorCircuitOpenError);
    expect(fake.requests).toHaveLength(3); // failed fast: nothing sent

    fake.clearScenarios();
    await sleep(90);
    const r = await p.fetchBars(REQ);
    expect(r.bars.length).toBe(24);
    expect(p.resilience.getState()).toMatchObject({ breaker: "closed", consecutiveFailures: 0 });
  });

  it("times out a slow response and succeeds on the retry", async () => {
    const p = createBinanceProvider({ baseUrl: fake.url, resilience: opts({ timeoutMs: 100 }) });
    fake.setScenario({ kind: "slow", delayMs: 400 });
    const r = await p.fetchBars(REQ);
    expect(r.bars.length).toBe(24);
    expect(r.requests).toBe(2);
    expect(p.resilience.getState().lastError).toBe("binance: request timed out after 100 ms");
  });

  it("treats a dropped connection as transient", async () => {
    const p = createBinanceProvider({ baseUrl: fake.url, resilience: FAST_RESILIENCE });
    fake.setScenario({ kind: "disconnect" });
    const r = await p.fetchBars(REQ);
    expect(r.bars.length).toBe(24);
    expect(p.resilience.getState().lastError).toMatch(/^binance: network error: /);
  });

  it("never puts the Polygon key into errors or state, whatever fails", async () => {
    const key = fake.keys.polygon.apiKey;
    const p = createPolygonProvider({ baseUrl: fake.url, apiKey: key, resilience: opts({ retries: 1 }) });
    fake.setScenario([
      { kind: "server-error", times: 2 },
      { kind: "html", status: 200 },
      { kind: "respond", status: 400, body: { status: "ERROR", request_id: "x", error: `bad request for apiKey=${key}` } },
    ]);
    const req = { symbol: "AAPL", timeframe: "1d", start: utc("2024-01-01"), end: utc("2024-02-01") } as const;
    const errors = [await rejectionOf(p.fetchBars(req)), await rejectionOf(p.fetchBars(req)), await rejectionOf(p.fetchBars(req))];
    expect(errors.map((e) => e.name)).toEqual(["VendorTransientError", "VendorPayloadError", "VendorRequestError"]);
    expect(errors[2]!.message).toBe("polygon: ERROR: bad request for apiKey=*** (HTTP 400)");
    for (const e of errors) expect(`${e.message} ${JSON.stringify(e)}`).not.toContain(key);
    expect(JSON.stringify(p.resilience.getState())).not.toContain(key);
    expect(fake.requests.every((q) => q.query.apiKey === key)).toBe(true); // but it was sent, as a query param
  });
});
