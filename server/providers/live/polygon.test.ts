import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLive, type FakeLive } from "@/test/fake-live/server";
import { FAST_LIVE, recordingSink, sleep, waitFor } from "@/test/fake-live/testing";
import { createPolygonLiveCollector, type PolygonLiveOptions } from "./polygon";
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

const make = (o: Partial<PolygonLiveOptions> = {}) => {
  const c = createPolygonLiveCollector({ baseUrl: fake.url, apiKey: fake.keys.polygon.apiKey, ...FAST_LIVE, ...o });
  live.push(c);
  return c;
};
const T0 = Date.UTC(2024, 0, 2, 15, 0, 0);
const sent = (i = 0) => fake.connections("polygon")[i]!.received.map((r) => r.json);
const subs = () => [...fake.current("polygon").subscriptions].sort();

async function startLive(symbols: string[], o: Partial<PolygonLiveOptions> = {}) {
  const c = make(o);
  const rec = recordingSink();
  await c.setSymbols(symbols.map((symbol) => ({ symbol })));
  await c.start(rec.sink);
  await waitFor(() => c.status().state === "live" && fake.open("polygon")[0]?.subscriptions.size === symbols.length, "live + subscribed");
  return { c, rec };
}

describe("polygon live: connect, auth, subscribe", () => {
  it("authenticates after 'connected' and subscribes T.<sym> params", async () => {
    const { c } = await startLive(["AAPL", "MSFT"]);
    expect(fake.current("polygon").path).toBe("/stocks");
    expect(sent()).toEqual([
      { action: "auth", params: fake.keys.polygon.apiKey },
      { action: "subscribe", params: "T.AAPL,T.MSFT" },
    ]);
    expect(c.status()).toMatchObject({ provider: "polygon", state: "live", subscribed: 2, rejected: 0 });
  });

  it("parses the documented trade event exactly (ts ms, id per exchange and TRF)", async () => {
    const { rec } = await startLive(["MSFT"]);
    fake.sendFixture("polygon", "trades.json");
    await waitFor(() => rec.batches().length === 1, "one batch");
    expect(rec.batches()[0]!.ticks).toEqual([
      { symbol: "MSFT", ts: 1536036818784, price: 114.125, size: 100, id: "4:12345" },
      // same exchange and id but reported through a TRF: a different trade
      { symbol: "MSFT", ts: 1536036818790, price: 114.13, size: 20, id: "4:202:12345" },
    ]);
    expect(new Date(rec.ticks()[0]!.ts).toISOString()).toBe("2018-09-04T04:53:38.784Z");
  });
});

describe("polygon live: setSymbols on a live connection", () => {
  it("sends unsubscribe/subscribe for the difference only", async () => {
    const { c, rec } = await startLive(["AAPL", "MSFT"]);
    await c.setSymbols([{ symbol: "MSFT" }, { symbol: "NVDA" }, { symbol: "AMD" }]);
    await waitFor(() => subs().join() === "AMD,MSFT,NVDA", "fake subscriptions");
    expect(sent().slice(2)).toEqual([
      { action: "unsubscribe", params: "T.AAPL" },
      { action: "subscribe", params: "T.NVDA,T.AMD" },
    ]);
    expect(fake.connections("polygon")).toHaveLength(1);
    fake.pushTrades("polygon", [
      { symbol: "AAPL", price: 190, size: 1, ts: T0, id: "1" },
      { symbol: "NVDA", price: 495.2, size: 10, ts: T0 + 1, id: "2" },
    ]);
    await waitFor(() => rec.ticks().length === 1, "NVDA tick");
    expect(rec.ticks()).toEqual([{ symbol: "NVDA", ts: T0 + 1, price: 495.2, size: 10, id: "4:2" }]);
    expect(c.status()).toMatchObject({ subscribed: 3, reconnects: 0 });
  });
});

describe("polygon live: faults", () => {
  it("reconnects after a drop, re-authenticates, resubscribes and receives again", async () => {
    const { c, rec } = await startLive(["AAPL"], { backoffInitialMs: 60, random: () => 1 });
    fake.drop("polygon");
    await waitFor(() => fake.open("polygon")[0]?.subscriptions.size === 1 && c.status().state === "live", "resubscribed");
    const [a, b] = fake.connections("polygon");
    expect(b!.openedAt - a!.closedAt!).toBeGreaterThanOrEqual(55); // random 1 → the full 60 ms
    expect(sent(1)).toEqual([
      { action: "auth", params: fake.keys.polygon.apiKey },
      { action: "subscribe", params: "T.AAPL" },
    ]);
    fake.pushTrades("polygon", [{ symbol: "AAPL", price: 190.5, size: 2, ts: T0, id: "77", exchange: 11 }]);
    await waitFor(() => rec.ticks().length === 1, "tick");
    expect(rec.ticks()[0]).toEqual({ symbol: "AAPL", ts: T0, price: 190.5, size: 2, id: "11:77" });
    expect(c.status().reconnects).toBe(1);
  });

  it("counts malformed frames and events and skips them", async () => {
    const { c, rec } = await startLive(["AAPL"]);
    fake.sendRaw("polygon", "<html>502 Bad Gateway</html>");
    fake.sendRaw("polygon", JSON.stringify([{ ev: "T", sym: "AAPL", x: 4, i: "1", p: "190", s: 1, t: T0 }])); // p as string
    fake.sendRaw("polygon", JSON.stringify([{ ev: "T", sym: "AAPL", x: 4, i: "2", p: 190, s: 1 }])); // no t
    fake.pushTrades("polygon", [{ symbol: "AAPL", price: 190, size: 1, ts: T0, id: "3" }]);
    await waitFor(() => rec.ticks().length === 1, "valid tick");
    expect(c.status().malformed).toBe(3);
    expect(rec.ticks().map((t) => t.id)).toEqual(["4:3"]);
  });

  it("drops duplicates and keeps out-of-order trades", async () => {
    const { c, rec } = await startLive(["AAPL"]);
    fake.pushTrades("polygon", [
      { symbol: "AAPL", price: 190, size: 1, ts: T0 + 10, id: "1" },
      { symbol: "AAPL", price: 191, size: 1, ts: T0 + 5, id: "2" },
      { symbol: "AAPL", price: 190, size: 1, ts: T0 + 10, id: "1" },
    ]);
    await waitFor(() => c.status().duplicates === 1, "duplicate counted");
    expect(rec.ticks().map((t) => [t.id, t.ts - T0])).toEqual([
      ["4:1", 10],
      ["4:2", 5],
    ]);
  });

  it("goes stale when silent and reconnects", async () => {
    const { c } = await startLive(["AAPL"], { staleAfterMs: 150, staleGraceMs: 100 });
    fake.behave("polygon", { silent: true });
    await waitFor(() => c.status().state === "stale", "stale", 1_000);
    await waitFor(() => fake.connections("polygon").length === 2, "reconnect", 1_000);
    fake.behave("polygon", { silent: false });
    fake.sendFixture("polygon", "connected.json");
    await waitFor(() => c.status().state === "live" && fake.current("polygon").subscriptions.size === 1, "live again", 2_000);
    expect(c.status().reconnects).toBe(1);
  });

  it("auth_failed opens the breaker at once with a clear, key-free error", async () => {
    fake.behave("polygon", { refuseAuth: true });
    const c = make();
    await c.start(recordingSink().sink);
    await waitFor(() => c.status().breaker === "open", "breaker open");
    expect(c.status().lastError).toBe("polygon: authentication refused: authentication failed; check the Polygon API key");
    expect(c.status().lastError).not.toContain(fake.keys.polygon.apiKey);
    await sleep(150);
    expect(fake.connections("polygon")).toHaveLength(1);
  });

  it("max_connections opens the breaker", async () => {
    fake.behave("polygon", { maxConnections: 1 });
    await startLive(["AAPL"]);
    const second = make();
    await second.start(recordingSink().sink);
    await waitFor(() => second.status().breaker === "open", "breaker open");
    expect(second.status().lastError).toMatch(/^polygon: connection limit: Maximum number of websocket connections exceeded/);
    expect(fake.connections("polygon")).toHaveLength(2);
    expect(second.status().reconnects).toBe(0);
  });

  it("rejects symbols over maxSubscriptions", async () => {
    const { c } = await startLive(["AAPL", "MSFT"], { maxSubscriptions: 2 });
    await c.setSymbols(["AAPL", "MSFT", "TSLA", "NVDA"].map((symbol) => ({ symbol })));
    await sleep(30);
    expect(c.status()).toMatchObject({ subscribed: 2, rejected: 2 });
    expect(subs()).toEqual(["AAPL", "MSFT"]);
    expect(sent()).toHaveLength(2); // nothing sent for TSLA/NVDA
  });
});
