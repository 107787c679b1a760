import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLive, type FakeLive } from "@/test/fake-live/server";
import { FAST_LIVE, recordingSink, sleep, statusLog, waitFor } from "@/test/fake-live/testing";
import { createAlpacaLiveCollector } from "./alpaca";
import { createBinanceLiveCollector, type BinanceLiveOptions } from "./binance";
import { createLiveCollector, isVendorLiveProviderId } from "./index";
import type { LiveTimers, WsCollector } from "./ws-collector";

/** Core behaviour shared by every vendor, exercised through the Binance protocol (the simplest handshake). */

let fake: FakeLive;
let live: WsCollector[] = [];
beforeAll(async () => {
  fake = await startFakeLive();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());
afterEach(async () => {
  await Promise.all(live.map((c) => c.stop()));
  live = [];
});

const make = (o: Partial<BinanceLiveOptions> = {}) => {
  const c = createBinanceLiveCollector({ baseUrl: fake.url, ...FAST_LIVE, ...o });
  live.push(c);
  return c;
};
const T0 = Date.UTC(2024, 0, 2);

describe("ws collector: backoff", () => {
  it("doubles from backoffInitialMs up to backoffMaxMs, with equal jitter", () => {
    const lo = make({ backoffInitialMs: 100, backoffMaxMs: 1_000, random: () => 0 });
    const hi = make({ backoffInitialMs: 100, backoffMaxMs: 1_000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6].map((a) => lo.backoffDelay(a))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((a) => hi.backoffDelay(a))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("schedules reconnects through the injected timers with growing delays", async () => {
    const delays: number[] = [];
    const timers: LiveTimers = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return setTimeout(fn, ms);
      },
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    // Watchdog period here is 5 ms-ish multiples of 250; reconnect delays are 0.75 × 40·2^n.
    const c = make({ baseUrl: "ws://127.0.0.1:9", backoffInitialMs: 40, random: () => 0.5, breakerThreshold: 10, timers });
    await c.start(recordingSink().sink);
    await waitFor(() => c.status().reconnects >= 3, "three reconnects", 2_000);
    expect(delays.filter((d) => [30, 60, 120].includes(d)).slice(0, 3)).toEqual([30, 60, 120]);
  });
});

describe("ws collector: sink and clock", () => {
  it("calls the sink with no ticks every clockIntervalMs while live, using the injected clock", async () => {
    const offset = 1_000_000;
    const rec = recordingSink();
    const c = make({ clockIntervalMs: 40, now: () => Date.now() + offset });
    await c.setSymbols([{ symbol: "BTC-USD" }]);
    await c.start(rec.sink);
    await waitFor(() => rec.calls.length >= 3, "three heartbeats", 1_000);
    expect(rec.calls.every((x) => x.ticks.length === 0)).toBe(true);
    expect(rec.calls[0]!.clock).toBeGreaterThan(Date.now() + offset - 1_000);
    expect(rec.calls[2]!.clock).toBeGreaterThan(rec.calls[0]!.clock);
    await c.stop();
    const n = rec.calls.length;
    await sleep(100);
    expect(rec.calls.length).toBe(n);
  });

  it("runs a delayed feed's clock behind real time by its delay: prints and heartbeats alike", async () => {
    const delay = 15 * 60_000;
    const rec = recordingSink();
    const c = make({ clockIntervalMs: 40, feedDelayMs: delay });
    await c.setSymbols([{ symbol: "BTC-USD" }]);
    await c.start(rec.sink);
    await waitFor(() => fake.open("binance")[0]?.subscriptions.size === 1, "subscribed");
    const printTs = Date.now() - delay + 500; // a print as a delayed plan sends it: 15 minutes old
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 5, size: 1, ts: printTs, id: 7 }]);
    await waitFor(() => rec.ticks().length === 1 && rec.calls.some((x) => x.ticks.length === 0), "a print and a heartbeat");
    for (const call of rec.calls) {
      expect(call.clock).toBeLessThanOrEqual(Date.now() - delay);
      expect(call.clock).toBeGreaterThan(Date.now() - delay - 5_000);
    }
    // The print is within seconds of its clock (not 15 minutes behind it, which the builder would reject as late).
    const withPrint = rec.calls.find((x) => x.ticks.length === 1)!;
    expect(Math.abs(withPrint.clock - printTs)).toBeLessThan(5_000);
  });

  it("survives a throwing sink and records it", async () => {
    const c = make();
    let calls = 0;
    await c.setSymbols([{ symbol: "BTC-USD" }]);
    await c.start(() => {
      calls++;
      throw new Error("builder exploded");
    });
    await waitFor(() => fake.open("binance")[0]?.subscriptions.size === 1, "subscribed");
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 1, size: 1, ts: T0, id: 1 }]);
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 2, size: 1, ts: T0, id: 2 }]);
    await waitFor(() => calls === 2, "two sink calls");
    expect(c.status()).toMatchObject({ state: "live", lastError: "binance: tick sink failed: builder exploded" });
  });

  it("delivers prints to every symbol mapped to the same vendor symbol, subscribing it once", async () => {
    const rec = recordingSink();
    const c = make();
    await c.setSymbols([{ symbol: "BTC-USD" }, { symbol: "BTCUSDT" }]);
    await c.start(rec.sink);
    await waitFor(() => fake.open("binance")[0]?.subscriptions.size === 1, "subscribed");
    expect(fake.current("binance").received.map((r) => (r.json as { params: string[] }).params)).toEqual([["btcusdt@trade"]]);
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 5, size: 1, ts: T0, id: 1 }]);
    await waitFor(() => rec.ticks().length === 2, "two ticks");
    expect(rec.ticks().map((t) => t.symbol)).toEqual(["BTC-USD", "BTCUSDT"]);
    expect(c.status().subscribed).toBe(2);
  });

  it("keeps a bounded window of recent ids per symbol", async () => {
    const rec = recordingSink();
    const c = make({ dedupeWindow: 2 });
    await c.setSymbols([{ symbol: "BTC-USD" }]);
    await c.start(rec.sink);
    await waitFor(() => fake.open("binance")[0]?.subscriptions.size === 1, "subscribed");
    for (const id of [1, 2, 3, 1, 3]) fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 1, size: 1, ts: T0 + id, id }]);
    await waitFor(() => rec.ticks().length + c.status().duplicates === 5, "all five handled");
    expect(rec.ticks().map((t) => t.id)).toEqual(["1", "2", "3", "1"]); // 1 fell out of the window; 3 had not
    expect(c.status().duplicates).toBe(1);
  });
});

describe("ws collector: lifecycle", () => {
  it("rejects a second start, stops cleanly and reports 'stopped'", async () => {
    const log = statusLog();
    const c = make();
    c.onStatus(log.listener);
    await c.setSymbols([{ symbol: "BTC-USD" }]);
    await c.start(recordingSink().sink);
    await expect(c.start(recordingSink().sink)).rejects.toThrow("binance: live collector already started");
    await waitFor(() => fake.open("binance").length === 1, "open");
    await c.stop();
    await waitFor(() => fake.connections("binance")[0]!.closedAt !== null, "closed at the fake");
    expect(c.status()).toMatchObject({ state: "stopped", subscribed: 0 });
    expect(log.states()).toEqual(["disconnected", "connecting", "live", "stopped"]); // the first is setSymbols' update
    await sleep(80);
    expect(fake.connections("binance")).toHaveLength(1); // no reconnect after stop
  });

  it("unsubscribed listeners get nothing; a throwing listener does not break the stream", async () => {
    const got: string[] = [];
    const c = make();
    const off = c.onStatus((s) => got.push(s.state));
    c.onStatus(() => {
      throw new Error("listener bug");
    });
    off();
    await c.start(recordingSink().sink);
    expect(got).toEqual([]);
    expect(c.status().state).toBe("live");
  });

  it("fails a connect whose handshake never completes (vendor accepts the socket but stays silent)", async () => {
    fake.behave("alpaca", { silent: true });
    const c = createAlpacaLiveCollector({ baseUrl: fake.url, ...fake.keys.alpaca, ...FAST_LIVE, connectTimeoutMs: 150, breakerThreshold: 2 });
    live.push(c);
    await c.start(recordingSink().sink);
    expect(c.status().lastError).toBe("alpaca: no ready answer within 150 ms of connecting (handshake/auth timeout)");
    await waitFor(() => c.status().breaker === "open", "open after 2 timeouts", 2_000);
  });

  it("start() resolves after the first attempt even when the vendor is unreachable", async () => {
    const c = make({ baseUrl: "ws://127.0.0.1:9" });
    await c.start(recordingSink().sink);
    expect(c.status().state).toBe("disconnected");
    expect(c.status().lastError).toMatch(/ECONNREFUSED/);
  });
});

describe("createLiveCollector", () => {
  it("builds each vendor's collector with its limits and validates keys", () => {
    expect(createLiveCollector("binance", {}).maxSubscriptions).toBe(1024);
    expect(createLiveCollector("alpaca", { keyId: "k", secretKey: "s" }).maxSubscriptions).toBe(30);
    expect(createLiveCollector("alpaca", { keyId: "k", secretKey: "s", feed: "sip" }).maxSubscriptions).toBe(10_000);
    expect(createLiveCollector("polygon", { apiKey: "p" }).provider).toBe("polygon");
    // Delayed plans run 15 minutes behind: their clock does too.
    expect(createLiveCollector("polygon", { apiKey: "p" }).feedDelayMs).toBe(0);
    expect(createLiveCollector("polygon", { apiKey: "p", baseUrl: "wss://delayed.polygon.io" }).feedDelayMs).toBe(15 * 60_000);
    expect(createLiveCollector("alpaca", { keyId: "k", secretKey: "s", feed: "delayed_sip" }).feedDelayMs).toBe(15 * 60_000);
    expect(createLiveCollector("alpaca", { keyId: "k", secretKey: "s" }).feedDelayMs).toBe(0);
    expect(createLiveCollector("yahoo", { maxSubscriptions: 5 }).maxSubscriptions).toBe(5);
    expect(() => createLiveCollector("alpaca", { keyId: "", secretKey: "s" })).toThrow("alpaca: keyId and secretKey are required");
    expect(() => createLiveCollector("polygon", { apiKey: "" })).toThrow("polygon: apiKey is required");
    expect(() => createLiveCollector("yahoo", { maxSubscriptions: 0 })).toThrow(RangeError);
    expect(isVendorLiveProviderId("replay")).toBe(false);
    expect(isVendorLiveProviderId("binance")).toBe(true);
  });
});
