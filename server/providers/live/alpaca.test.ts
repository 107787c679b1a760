import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLive, type FakeLive } from "@/test/fake-live/server";
import { FAST_LIVE, recordingSink, sleep, waitFor } from "@/test/fake-live/testing";
import { createAlpacaLiveCollector, type AlpacaLiveOptions } from "./alpaca";
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

const make = (o: Partial<AlpacaLiveOptions> = {}) => {
  const c = createAlpacaLiveCollector({ baseUrl: fake.url, ...fake.keys.alpaca, ...FAST_LIVE, ...o });
  live.push(c);
  return c;
};
const T0 = Date.UTC(2024, 0, 2, 15, 0, 0);
const sent = (i = 0) => fake.connections("alpaca")[i]!.received.map((r) => r.json);
const subs = () => [...fake.current("alpaca").subscriptions].sort();

async function startLive(symbols: string[], o: Partial<AlpacaLiveOptions> = {}) {
  const c = make(o);
  const rec = recordingSink();
  await c.setSymbols(symbols.map((symbol) => ({ symbol })));
  await c.start(rec.sink);
  await waitFor(() => c.status().state === "live" && fake.open("alpaca")[0]?.subscriptions.size === symbols.length, "live + subscribed");
  return { c, rec };
}

describe("alpaca live: connect, auth, subscribe", () => {
  it("waits for 'connected', authenticates with key/secret, then subscribes trades", async () => {
    const { c } = await startLive(["AAPL", "MSFT"]);
    expect(fake.current("alpaca").path).toBe("/v2/iex");
    expect(sent()).toEqual([
      { action: "auth", key: fake.keys.alpaca.keyId, secret: fake.keys.alpaca.secretKey },
      { action: "subscribe", trades: ["AAPL", "MSFT"] },
    ]);
    expect(c.status()).toMatchObject({ provider: "alpaca", state: "live", subscribed: 2, rejected: 0, breaker: "closed" });
    expect(c.maxSubscriptions).toBe(30); // IEX (free plan) limit
  });

  it("parses trades exactly: RFC 3339 with ns → UTC ms, id = exchange:id, one sink call per frame", async () => {
    const { rec } = await startLive(["AAPL"]);
    fake.sendFixture("alpaca", "trades.json"); // two trades and a quote in one frame
    await waitFor(() => rec.batches().length === 1, "one batch");
    expect(rec.batches()[0]!.ticks).toEqual([
      { symbol: "AAPL", ts: Date.UTC(2021, 1, 22, 15, 51, 44, 208), price: 126.55, size: 1, id: "D:96921" },
      { symbol: "AAPL", ts: Date.UTC(2021, 1, 22, 15, 51, 44, 208), price: 126.56, size: 100, id: "V:52983525029461" },
    ]);
  });

  it("uses the sip feed path when asked", async () => {
    await startLive(["AAPL"], { feed: "sip" });
    expect(fake.current("alpaca").path).toBe("/v2/sip");
  });
});

describe("alpaca live: setSymbols on a live connection", () => {
  it("unsubscribes removed and subscribes added symbols on the same connection", async () => {
    const { c, rec } = await startLive(["AAPL", "MSFT"]);
    await c.setSymbols([{ symbol: "AAPL" }, { symbol: "TSLA" }]);
    await waitFor(() => subs().join() === "AAPL,TSLA", "AAPL, TSLA at the fake");
    expect(sent().slice(2)).toEqual([
      { action: "unsubscribe", trades: ["MSFT"] },
      { action: "subscribe", trades: ["TSLA"] },
    ]);
    expect(fake.connections("alpaca")).toHaveLength(1);
    fake.pushTrades("alpaca", [
      { symbol: "MSFT", price: 370, size: 5, ts: T0, id: 1 },
      { symbol: "TSLA", price: 240.01, size: 7, ts: T0 + 5, id: 2, subMsNanos: 999_999 },
    ]);
    await waitFor(() => rec.ticks().length === 1, "TSLA tick");
    await sleep(20);
    expect(rec.ticks()).toEqual([{ symbol: "TSLA", ts: T0 + 5, price: 240.01, size: 7, id: "V:2" }]);
    expect(c.status()).toMatchObject({ subscribed: 2, reconnects: 0 });
  });
});

describe("alpaca live: faults", () => {
  it("reconnects after a drop: authenticates and resubscribes, then receives again", async () => {
    const { c, rec } = await startLive(["AAPL", "MSFT"]);
    fake.drop("alpaca");
    await waitFor(() => fake.open("alpaca")[0]?.subscriptions.size === 2 && c.status().state === "live", "resubscribed");
    expect(sent(1)).toEqual([
      { action: "auth", key: fake.keys.alpaca.keyId, secret: fake.keys.alpaca.secretKey },
      { action: "subscribe", trades: ["AAPL", "MSFT"] },
    ]);
    expect(c.status()).toMatchObject({ reconnects: 1, breaker: "closed" });
    fake.pushTrades("alpaca", [{ symbol: "MSFT", price: 371.5, size: 3, ts: T0, id: 11 }]);
    await waitFor(() => rec.ticks().length === 1, "tick");
    expect(rec.ticks()[0]).toEqual({ symbol: "MSFT", ts: T0, price: 371.5, size: 3, id: "V:11" });
  });

  it("counts malformed frames and messages, never turning them into ticks", async () => {
    const raws: string[] = [];
    const { c, rec } = await startLive(["AAPL"], { onMalformed: (_r, raw) => raws.push(raw) });
    fake.sendRaw("alpaca", '{"T":"t"}'); // not an array
    fake.sendRaw("alpaca", JSON.stringify([{ T: "t", S: "AAPL", i: 1, x: "V", p: 1, s: 1, t: "2021-02-22 15:51:44" }]));
    fake.sendRaw("alpaca", JSON.stringify([{ T: "t", S: "AAPL", i: 2, x: "V", p: -1, s: 1, t: "2021-02-22T15:51:44Z" }, { nope: 1 }]));
    fake.pushTrades("alpaca", [{ symbol: "AAPL", price: 190, size: 1, ts: T0, id: 3 }]);
    await waitFor(() => rec.ticks().length === 1, "valid tick");
    expect(c.status().malformed).toBe(4);
    expect(rec.ticks().map((t) => t.id)).toEqual(["V:3"]);
    expect(raws[0]).toBe('{"T":"t"}');
  });

  it("drops a trade re-sent after a reconnect and passes out-of-order trades through", async () => {
    const { c, rec } = await startLive(["AAPL"]);
    fake.pushTrades("alpaca", [
      { symbol: "AAPL", price: 190, size: 1, ts: T0 + 60_000, id: 1 },
      { symbol: "AAPL", price: 189, size: 2, ts: T0, id: 2 }, // a minute older
    ]);
    await waitFor(() => rec.ticks().length === 2, "two ticks");
    fake.drop("alpaca");
    await waitFor(() => fake.open("alpaca")[0]?.subscriptions.size === 1, "resubscribed");
    fake.pushTrades("alpaca", [
      { symbol: "AAPL", price: 189, size: 2, ts: T0, id: 2 },
      { symbol: "AAPL", price: 191, size: 4, ts: T0 + 61_000, id: 3 },
    ]);
    await waitFor(() => rec.ticks().length === 3, "third tick");
    expect(rec.ticks().map((t) => [t.id, t.ts - T0])).toEqual([
      ["V:1", 60_000],
      ["V:2", 0],
      ["V:3", 61_000],
    ]);
    expect(c.status().duplicates).toBe(1);
  });

  it("goes stale when the stream is silent and reconnects (our pings go unanswered)", async () => {
    const { c } = await startLive(["AAPL"], { staleAfterMs: 150, staleGraceMs: 100, pingIntervalMs: 50 });
    await sleep(120);
    expect(fake.current("alpaca").pings).toBeGreaterThanOrEqual(1); // client pings keep a quiet market "live"
    expect(c.status().state).toBe("live");
    fake.behave("alpaca", { silent: true });
    await waitFor(() => c.status().state === "stale", "stale", 1_000);
    await waitFor(() => fake.connections("alpaca").length === 2, "new connection", 1_000);
    fake.behave("alpaca", { silent: false });
    // The new connection saw no "connected" while silent; the handshake timeout (1 s) would retry,
    // so send it now the vendor speaks again.
    fake.sendFixture("alpaca", "connected.json");
    await waitFor(() => c.status().state === "live" && fake.current("alpaca").subscriptions.size === 1, "live again", 2_000);
    expect(c.status().lastError).toMatch(/stale/);
  });

  it("auth failure opens the breaker at once with a clear error, and does not hammer", async () => {
    const c = make({ secretKey: "wrong-secret-value-123" });
    await c.setSymbols([{ symbol: "AAPL" }]);
    await c.start(recordingSink().sink);
    await waitFor(() => c.status().breaker === "open", "breaker open");
    expect(c.status().lastError).toBe("alpaca: authentication refused: auth failed (code 402); check the Alpaca key id/secret");
    expect(c.status().state).toBe("disconnected");
    await sleep(150);
    expect(fake.connections("alpaca")).toHaveLength(1); // no retry while open (pause 300 ms)
    await waitFor(() => fake.connections("alpaca").length === 2, "one half-open probe after the pause", 1_000);
    await sleep(100);
    expect(fake.connections("alpaca")).toHaveLength(2);
    expect(c.status().breaker).toBe("open");
  });

  it("treats 406 connection limit exceeded as a breaker failure", async () => {
    fake.behave("alpaca", { maxConnections: 1 });
    await startLive(["AAPL"]);
    const second = make();
    await second.start(recordingSink().sink);
    await waitFor(() => second.status().breaker === "open", "second collector's breaker open");
    expect(second.status().lastError).toBe("alpaca: connection limit exceeded (code 406)");
    expect(fake.connections("alpaca")).toHaveLength(2); // the second collector tried once, then stopped trying
    expect(second.status().reconnects).toBe(0);
  });

  it("counts symbols refused with 405 symbol limit exceeded, and those over maxSubscriptions", async () => {
    fake.behave("alpaca", { subscriptionLimit: 2 });
    const { c } = await startLive(["AAPL", "MSFT"], { maxSubscriptions: 3 });
    await c.setSymbols(["AAPL", "MSFT", "TSLA", "NVDA"].map((symbol) => ({ symbol })));
    await waitFor(() => c.status().rejected === 2, "two rejected");
    expect(c.status()).toMatchObject({ subscribed: 2, rejected: 2, state: "live" });
    expect(sent().at(-1)).toEqual({ action: "subscribe", trades: ["TSLA"] }); // NVDA is over our own limit of 3
    expect(c.status().lastError).toBe("alpaca: subscription refused for TSLA: symbol limit exceeded (code 405)");
    expect(subs()).toEqual(["AAPL", "MSFT"]);
  });

  it("never shows keys in lastError, even when the vendor echoes them", async () => {
    const { c } = await startLive(["AAPL"]);
    fake.sendRaw("alpaca", JSON.stringify([{ T: "error", code: 400, msg: `invalid syntax near ${fake.keys.alpaca.secretKey}` }]));
    await waitFor(() => c.status().lastError?.includes("invalid syntax"), "error recorded");
    expect(c.status().lastError).toBe("alpaca: invalid syntax near *** (code 400)");
  });
});
