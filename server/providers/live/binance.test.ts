import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { liveFixtureJson, startFakeLive, type FakeLive } from "@/test/fake-live/server";
import { FAST_LIVE, recordingSink, sleep, statusLog, waitFor } from "@/test/fake-live/testing";
import { createBinanceLiveCollector, type BinanceLiveOptions } from "./binance";
import type { WsCollector } from "./ws-collector";

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
const T0 = Date.UTC(2024, 0, 2, 10, 0, 0);
const subs = () => [...fake.current("binance").subscriptions].sort();
const sent = (i = 0) => fake.connections("binance")[i]!.received.map((r) => r.json as { method: string; params: string[]; id: number });

async function startLive(symbols: { symbol: string; vendorSymbol?: string }[], o: Partial<BinanceLiveOptions> = {}) {
  const c = make(o);
  const rec = recordingSink();
  await c.setSymbols(symbols);
  await c.start(rec.sink);
  await waitFor(() => fake.open("binance").length === 1 && fake.current("binance").subscriptions.size === symbols.length, "subscriptions at the fake");
  return { c, rec };
}

describe("binance live: connect and subscribe", () => {
  it("connects to /ws and subscribes every symbol with one SUBSCRIBE carrying an id", async () => {
    const { c } = await startLive([{ symbol: "BTC-USD" }, { symbol: "ETH-USD", vendorSymbol: "ETHUSDT" }]);
    expect(fake.current("binance").path).toBe("/ws");
    expect(sent()).toEqual([{ method: "SUBSCRIBE", params: ["btcusdt@trade", "ethusdt@trade"], id: 1 }]);
    expect(subs()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(c.status()).toMatchObject({ provider: "binance", state: "live", breaker: "closed", subscribed: 2, rejected: 0, reconnects: 0 });
    expect(c.maxSubscriptions).toBe(1024);
  });

  it("parses the documented trade payload exactly (ts = T, price = p, size = q, id = t)", async () => {
    const { rec } = await startLive([{ symbol: "BNB-BTC", vendorSymbol: "BNBBTC" }]);
    const before = Date.now();
    fake.sendFixture("binance", "trade.json");
    await waitFor(() => rec.batches().length === 1, "one batch");
    expect(rec.ticks()).toEqual([{ symbol: "BNB-BTC", ts: 1672515782136, price: 0.001, size: 100, id: "12345" }]);
    const clock = rec.batches()[0]!.clock;
    expect(clock).toBeGreaterThanOrEqual(before);
    expect(clock).toBeLessThanOrEqual(Date.now());
  });

  it("accepts combined-stream frames ({stream, data}) as well", async () => {
    const { rec } = await startLive([{ symbol: "BTC-USD" }]);
    fake.sendFixture("binance", "trade-combined.json");
    const data = liveFixtureJson<{ data: { T: number } }>("binance", "trade-combined.json").data;
    await waitFor(() => rec.ticks().length === 1, "tick");
    expect(rec.ticks()[0]).toEqual({ symbol: "BTC-USD", ts: data.T, price: 37000.01, size: 0.0015, id: "3265780103" });
  });

  it("answers the server's pings with pongs", async () => {
    await startLive([{ symbol: "BTC-USD" }]);
    fake.ping("binance");
    fake.ping("binance");
    await waitFor(() => fake.current("binance").pongs >= 2, "two pongs");
  });
});

describe("binance live: setSymbols on a live connection", () => {
  it("sends UNSUBSCRIBE for removed and SUBSCRIBE for added symbols, without reconnecting", async () => {
    const { c, rec } = await startLive([{ symbol: "BTC-USD" }, { symbol: "ETH-USD" }]);
    await c.setSymbols([{ symbol: "BTC-USD" }, { symbol: "SOL-USD" }]);
    await waitFor(() => subs().join() === "BTCUSDT,SOLUSDT", "fake subscriptions BTC, SOL");
    expect(sent().slice(1)).toEqual([
      { method: "UNSUBSCRIBE", params: ["ethusdt@trade"], id: 2 },
      { method: "SUBSCRIBE", params: ["solusdt@trade"], id: 3 },
    ]);
    expect(fake.connections("binance")).toHaveLength(1);
    expect(c.status()).toMatchObject({ reconnects: 0, subscribed: 2, state: "live" });

    fake.pushTrades("binance", [
      { symbol: "SOLUSDT", price: 101.5, size: 2, ts: T0, id: 7 },
      { symbol: "BTCUSDT", price: 43000, size: 0.5, ts: T0 + 1, id: 8 },
    ]);
    await waitFor(() => rec.ticks().length === 2, "two ticks");
    expect(rec.ticks().map((t) => [t.symbol, t.price, t.size, t.id])).toEqual([
      ["SOL-USD", 101.5, 2, "7"],
      ["BTC-USD", 43000, 0.5, "8"],
    ]);
    expect(rec.batches()).toHaveLength(2); // Binance sends one trade per frame → one sink call each
  });

  it("batches large subscriptions (200 streams per message) and spaces messages under 5/s", async () => {
    fake.behave("binance", { maxMessagesPerSecond: 5 });
    const symbols = Array.from({ length: 450 }, (_, i) => ({ symbol: `S${i}`, vendorSymbol: `S${i}USDT` }));
    const c = make({ minSendIntervalMs: undefined }); // vendor default: 250 ms
    await c.setSymbols(symbols);
    await c.start(recordingSink().sink);
    await waitFor(() => fake.open("binance")[0]?.subscriptions.size === 450, "450 subscriptions", 3_000);
    const msgs = fake.connections("binance")[0]!.received;
    expect(msgs.map((m) => (m.json as { params: string[] }).params.length)).toEqual([200, 200, 50]);
    expect(msgs[1]!.at - msgs[0]!.at).toBeGreaterThanOrEqual(240);
    expect(msgs[2]!.at - msgs[1]!.at).toBeGreaterThanOrEqual(240);
    expect(fake.open("binance")).toHaveLength(1); // not closed for "Too many requests"
    expect(c.status()).toMatchObject({ subscribed: 450, rejected: 0 });
  });
});

describe("binance live: subscription limits", () => {
  it("counts symbols over maxSubscriptions as rejected and never subscribes them", async () => {
    const { c } = await startLive([{ symbol: "BTC-USD" }, { symbol: "ETH-USD" }], { maxSubscriptions: 2 });
    await c.setSymbols([{ symbol: "BTC-USD" }, { symbol: "ETH-USD" }, { symbol: "SOL-USD" }]);
    await sleep(50);
    expect(subs()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(c.status()).toMatchObject({ subscribed: 2, rejected: 1 });
    expect(c.status().lastError).toContain("over the subscription limit of 2");
  });

  it("counts a SUBSCRIBE the vendor refuses as rejected", async () => {
    fake.behave("binance", { subscriptionLimit: 1 });
    const c = make();
    await c.setSymbols([{ symbol: "BTC-USD" }]);
    await c.start(recordingSink().sink);
    await waitFor(() => c.status().subscribed === 1 && fake.current("binance").subscriptions.size === 1, "first symbol");
    await c.setSymbols([{ symbol: "BTC-USD" }, { symbol: "ETH-USD" }]);
    await waitFor(() => c.status().rejected === 1, "rejected 1");
    expect(c.status()).toMatchObject({ subscribed: 1, rejected: 1, state: "live" });
    expect(c.status().lastError).toBe("binance: subscription refused for ETHUSDT: Invalid request: too many streams (limit 1) (code 2)");
  });
});

describe("binance live: faults", () => {
  it("reconnects with backoff after a drop, resubscribes and receives again", async () => {
    const log = statusLog();
    const { c, rec } = await startLive([{ symbol: "BTC-USD" }, { symbol: "ETH-USD" }], { backoffInitialMs: 100, random: () => 0 });
    c.onStatus(log.listener);
    fake.drop("binance");
    await waitFor(() => fake.open("binance").length === 1 && fake.current("binance").subscriptions.size === 2, "resubscribed", 2_000);
    const [first, second] = fake.connections("binance");
    // attempt 1: base 100 ms, equal jitter with random 0 → 50 ms
    expect(second!.openedAt - first!.closedAt!).toBeGreaterThanOrEqual(45);
    expect(sent(1)).toEqual([{ method: "SUBSCRIBE", params: ["btcusdt@trade", "ethusdt@trade"], id: 2 }]);
    await waitFor(() => c.status().state === "live", "live again");
    expect(log.states()).toEqual(["disconnected", "connecting", "live"]);
    expect(c.status()).toMatchObject({ reconnects: 1, breaker: "closed", subscribed: 2 });
    expect(c.status().lastError).toMatch(/^binance: connection lost: closed by the vendor \(code 1006/);

    fake.pushTrades("binance", [{ symbol: "ETHUSDT", price: 2300.5, size: 1.25, ts: T0, id: 99 }]);
    await waitFor(() => rec.ticks().length === 1, "tick after reconnect");
    expect(rec.ticks()[0]).toEqual({ symbol: "ETH-USD", ts: T0, price: 2300.5, size: 1.25, id: "99" });
  });

  it("counts malformed frames, reports them and keeps going", async () => {
    const reasons: string[] = [];
    const { c, rec } = await startLive([{ symbol: "BTC-USD" }], { onMalformed: (r) => reasons.push(r) });
    fake.sendRaw("binance", "{not json");
    fake.sendRaw("binance", JSON.stringify({ e: "trade", E: 1, s: "BTCUSDT", t: 5, p: "abc", q: "1", T: T0, m: true }));
    fake.sendRaw("binance", JSON.stringify({ e: "trade", E: 1, s: "BTCUSDT", t: 6, p: "0", q: "1", T: T0, m: true }));
    fake.sendRaw("binance", JSON.stringify([1, 2, 3]));
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 42000, size: 1, ts: T0, id: 10 }]);
    await waitFor(() => rec.ticks().length === 1, "the valid tick");
    expect(c.status().malformed).toBe(4);
    expect(reasons).toEqual([
      "expected JSON, got malformed JSON",
      "trade: at p: expected a non-negative decimal string",
      "trade: at p: price must be > 0",
      "expected a JSON object",
    ]);
    expect(c.status().lastError).toBe("binance: malformed frame: expected a JSON object");
    expect(rec.ticks()).toEqual([{ symbol: "BTC-USD", ts: T0, price: 42000, size: 1, id: "10" }]);
    expect(c.status().state).toBe("live");
  });

  it("drops duplicate trade ids (also when re-sent after a reconnect) and keeps out-of-order prints", async () => {
    const { c, rec } = await startLive([{ symbol: "BTC-USD" }]);
    fake.pushTrades("binance", [
      { symbol: "BTCUSDT", price: 100, size: 1, ts: T0 + 2_000, id: 1 },
      { symbol: "BTCUSDT", price: 101, size: 1, ts: T0 + 1_000, id: 2 }, // older than the one before
      { symbol: "BTCUSDT", price: 101, size: 1, ts: T0 + 1_000, id: 2 }, // duplicate
    ]);
    await waitFor(() => c.status().duplicates === 1 && rec.ticks().length === 2, "2 ticks + 1 duplicate");
    fake.drop("binance");
    await waitFor(() => fake.open("binance")[0]?.subscriptions.size === 1, "resubscribed");
    fake.pushTrades("binance", [
      { symbol: "BTCUSDT", price: 101, size: 1, ts: T0 + 1_000, id: 2 }, // re-sent after the reconnect
      { symbol: "BTCUSDT", price: 102, size: 3, ts: T0 + 500, id: 3 },
    ]);
    await waitFor(() => rec.ticks().length === 3, "third tick");
    expect(rec.ticks().map((t) => [t.id, t.ts - T0])).toEqual([
      ["1", 2_000],
      ["2", 1_000],
      ["3", 500],
    ]);
    expect(c.status().duplicates).toBe(2);
  });

  it("goes stale when the vendor is silent, then drops the socket and reconnects", async () => {
    const log = statusLog();
    const { c, rec } = await startLive([{ symbol: "BTC-USD" }], { staleAfterMs: 150, staleGraceMs: 100 });
    c.onStatus(log.listener);
    fake.behave("binance", { silent: true });
    await waitFor(() => c.status().state === "stale", "stale", 1_000);
    await waitFor(() => fake.connections("binance").length === 2, "a new connection", 1_000);
    fake.behave("binance", { silent: false });
    await waitFor(() => c.status().state === "live" && fake.current("binance").subscriptions.size === 1, "live and resubscribed", 1_000);
    expect(log.states().slice(0, 4)).toEqual(["stale", "disconnected", "connecting", "live"]);
    expect(c.status().lastError).toMatch(/^binance: no message for \d+ ms \(stale\); reconnecting$/);
    expect(c.status()).toMatchObject({ reconnects: 1, breaker: "closed" });
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 1, size: 1, ts: T0, id: 1 }]);
    await waitFor(() => rec.ticks().length === 1, "tick");
  });

  it("returns from stale to live without reconnecting when the ping probe is answered", async () => {
    const { c } = await startLive([{ symbol: "BTC-USD" }], { staleAfterMs: 150, staleGraceMs: 400 });
    fake.behave("binance", { silent: true });
    await waitFor(() => c.status().state === "stale", "stale", 1_000);
    // The probe sent on entering "stale" reaches the (silent) vendor.
    const pingsBefore = await waitFor(() => fake.current("binance").pings, "the probe ping", 1_000);
    fake.behave("binance", { silent: false });
    // The probe sent on entering "stale" went unanswered; the watchdog keeps the socket until the grace
    // ends, and any frame revives it.
    fake.pushTrades("binance", [{ symbol: "BTCUSDT", price: 1, size: 1, ts: T0, id: 1 }]);
    await waitFor(() => c.status().state === "live", "live again", 1_000);
    expect(pingsBefore).toBeGreaterThanOrEqual(1); // the probe
    expect(fake.connections("binance")).toHaveLength(1);
    expect(c.status().reconnects).toBe(0);
  });

  it("reconnects at once on serverShutdown without counting a failure", async () => {
    const { c } = await startLive([{ symbol: "BTC-USD" }]);
    fake.sendFixture("binance", "server-shutdown.json");
    await waitFor(() => fake.connections("binance").length === 2 && c.status().state === "live", "reconnected");
    expect(c.status().lastError).toBe("binance: binance announced a server shutdown; reconnecting");
    expect(c.status().breaker).toBe("closed");
  });

  it("opens the breaker after consecutive failed connects, then probes half-open", async () => {
    const log = statusLog();
    const c = make({ baseUrl: "ws://127.0.0.1:9", breakerThreshold: 3, breakerPauseMs: 200 }); // port 9: refused
    c.onStatus(log.listener);
    await c.start(recordingSink().sink);
    await waitFor(() => c.status().breaker === "open", "breaker open", 2_000);
    expect(c.status().lastError).toMatch(/^binance: connection failed: .*ECONNREFUSED/);
    const opened = c.status().reconnects;
    expect(opened).toBe(2); // 3 attempts = first + 2 reconnects
    await sleep(100);
    expect(c.status().reconnects).toBe(opened); // no attempts while open
    await waitFor(() => log.log.some((s) => s.breaker === "half-open"), "half-open probe", 1_000);
    await waitFor(() => c.status().breaker === "open" && c.status().reconnects === opened + 1, "probe failed → open again", 1_000);
  });
});
