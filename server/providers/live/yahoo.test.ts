import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { liveFixture, liveFixtureJson, pricingBase64, startFakeLive, type FakeLive, type YahooSnapshot } from "@/test/fake-live/server";
import { FAST_LIVE, recordingSink, sleep, waitFor } from "@/test/fake-live/testing";
import { createYahooLiveCollector, decodeYahooPricing, roundFloat32, type YahooLiveOptions } from "./yahoo";
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

const make = (o: Partial<YahooLiveOptions> = {}) => {
  const c = createYahooLiveCollector({ baseUrl: fake.url, ...FAST_LIVE, ...o });
  live.push(c);
  return c;
};
const T0 = Date.UTC(2024, 0, 2, 15, 0, 0);
const sent = (i = 0) => fake.connections("yahoo")[i]!.received.map((r) => r.json);
const snap = (id: string, price: number, dt: number, dayVolume: number): YahooSnapshot => ({ id, price, time: T0 + dt, dayVolume, priceHint: 2 });

async function startLive(symbols: string[], o: Partial<YahooLiveOptions> = {}) {
  const c = make(o);
  const rec = recordingSink();
  await c.setSymbols(symbols.map((symbol) => ({ symbol })));
  await c.start(rec.sink);
  await waitFor(() => c.status().state === "live" && fake.open("yahoo")[0]?.subscriptions.size === symbols.length, "live + subscribed");
  return { c, rec };
}

describe("yahoo PricingData decoding", () => {
  it("decodes the recorded frame's fields exactly", () => {
    const env = liveFixtureJson<{ type: string; message: string }>("yahoo", "pricing-v2.json");
    expect(env.type).toBe("pricing");
    expect(decodeYahooPricing(env.message)).toEqual({ id: "AAPL", price: 227.48, time: 1736881200123, dayVolume: 40123456, priceHint: 2 });
    expect(decodeYahooPricing(liveFixture("yahoo", "pricing-v1.txt"))).toEqual(decodeYahooPricing(env.message));
  });

  it("handles sint64 zigzag, large volumes and float32 prices", () => {
    const p = decodeYahooPricing(pricingBase64({ id: "BTC-USD", price: 97123.45, time: 1736881200999, dayVolume: 2 ** 40 + 7 }));
    expect(p.time).toBe(1736881200999);
    expect(p.dayVolume).toBe(2 ** 40 + 7);
    expect(p.price).toBe(97123.45); // float32 of 97123.45 is 97123.453125; 7 significant digits restore it
    expect(roundFloat32(Math.fround(126.55), 2)).toBe(126.55);
    expect(roundFloat32(Math.fround(1.0312), 4)).toBe(1.0312);
  });

  it("rejects what is not a PricingData message", () => {
    expect(() => decodeYahooPricing("not base64!!")).toThrow(/not base64/);
    expect(() => decodeYahooPricing(Buffer.from([0x0a, 0x10, 0x41]).toString("base64"))).toThrow(/truncated/);
    expect(() => decodeYahooPricing(pricingBase64({ id: "AAPL", price: 0, time: T0 }))).toThrow(/price/);
    expect(() => decodeYahooPricing(Buffer.from([0x08, 0x01]).toString("base64"))).toThrow(/field 1 has wire type 0/);
  });
});

describe("yahoo live: connect and subscribe", () => {
  it("connects with version=2 and sends {subscribe:[…]}", async () => {
    const { c } = await startLive(["AAPL", "BTC-USD"]);
    expect(fake.current("yahoo").query).toEqual({ version: "2" });
    expect(sent()).toEqual([{ subscribe: ["AAPL", "BTC-USD"] }]);
    expect(c.status()).toMatchObject({ provider: "yahoo", state: "live", subscribed: 2, rejected: 0 });
  });

  it("turns day-volume increases into prints: first snapshot primes, size = volume delta", async () => {
    const { c, rec } = await startLive(["AAPL"]);
    fake.pushYahoo([snap("AAPL", 190.1, 0, 1_000)]); // primes
    fake.pushYahoo([snap("AAPL", 190.25, 1_000, 1_100)]); // +100
    fake.pushYahoo([snap("AAPL", 190.3, 1_500, 1_100)]); // quote-only change: no print
    fake.pushYahoo([snap("AAPL", 190.3, 1_500, 1_100)]); // re-sent: duplicate
    fake.pushYahoo([snap("AAPL", 190.2, 800, 1_350)]); // older time, more volume: out of order, kept
    fake.pushYahoo([snap("AAPL", 190.0, 700, 1_200)]); // older and less volume: stale, ignored
    fake.pushYahoo([snap("AAPL", 190.4, 2_000, 1_360)]); // +10 from 1_350
    await waitFor(() => rec.ticks().length === 3, "three prints");
    await sleep(20);
    expect(rec.ticks()).toEqual([
      { symbol: "AAPL", ts: T0 + 1_000, price: 190.25, size: 100 },
      { symbol: "AAPL", ts: T0 + 800, price: 190.2, size: 250 },
      { symbol: "AAPL", ts: T0 + 2_000, price: 190.4, size: 10 },
    ]);
    expect(c.status().duplicates).toBe(1);
    expect(c.status().malformed).toBe(0);
  });

  it("turns the recorded frame of an instrument without volume (FX) into a size-0 print", async () => {
    const { rec } = await startLive(["EURUSD=X"]);
    fake.sendFixture("yahoo", "pricing-fx-v2.json");
    await waitFor(() => rec.ticks().length === 1, "fx print");
    expect(rec.ticks()[0]).toEqual({ symbol: "EURUSD=X", ts: 1736881201000, price: 1.0312, size: 0 });
  });

  it("maps vendor symbols back to ours and accepts the unversioned bare-base64 frames", async () => {
    const c = make();
    const rec = recordingSink();
    await c.setSymbols([{ symbol: "BRK.B", vendorSymbol: "BRK-B" }]);
    await c.start(rec.sink);
    await waitFor(() => fake.open("yahoo")[0]?.subscriptions.has("BRK-B"), "subscribed");
    fake.sendRaw("yahoo", pricingBase64(snap("BRK-B", 410.5, 0, 50)));
    fake.sendRaw("yahoo", pricingBase64(snap("BRK-B", 410.75, 10, 80)));
    await waitFor(() => rec.ticks().length === 1, "print");
    expect(rec.ticks()[0]).toEqual({ symbol: "BRK.B", ts: T0 + 10, price: 410.75, size: 30 });
  });
});

describe("yahoo live: setSymbols and faults", () => {
  it("sends unsubscribe/subscribe for the difference on the same connection", async () => {
    const { c } = await startLive(["AAPL", "BTC-USD"]);
    await c.setSymbols([{ symbol: "AAPL" }, { symbol: "MSFT" }]);
    await waitFor(() => [...fake.current("yahoo").subscriptions].sort().join() === "AAPL,MSFT", "AAPL, MSFT");
    expect(sent()).toEqual([{ subscribe: ["AAPL", "BTC-USD"] }, { unsubscribe: ["BTC-USD"] }, { subscribe: ["MSFT"] }]);
    expect(fake.connections("yahoo")).toHaveLength(1);
  });

  it("after a reconnect resubscribes and primes again (no print for volume traded while away)", async () => {
    const { c, rec } = await startLive(["AAPL"]);
    fake.pushTrades("yahoo", [{ symbol: "AAPL", price: 190, size: 1, ts: T0 }]); // primes (volume 1_000_001)
    fake.pushTrades("yahoo", [{ symbol: "AAPL", price: 190.5, size: 40, ts: T0 + 1 }]);
    await waitFor(() => rec.ticks().length === 1, "first print");
    fake.drop("yahoo");
    await waitFor(() => fake.open("yahoo")[0]?.subscriptions.size === 1 && c.status().state === "live", "resubscribed");
    expect(sent(1)).toEqual([{ subscribe: ["AAPL"] }]);
    fake.pushTrades("yahoo", [{ symbol: "AAPL", price: 191, size: 500, ts: T0 + 2 }]); // primes again
    fake.pushTrades("yahoo", [{ symbol: "AAPL", price: 191.25, size: 7, ts: T0 + 3 }]);
    await waitFor(() => rec.ticks().length === 2, "print after reconnect");
    expect(rec.ticks()).toEqual([
      { symbol: "AAPL", ts: T0 + 1, price: 190.5, size: 40 },
      { symbol: "AAPL", ts: T0 + 3, price: 191.25, size: 7 },
    ]);
    expect(c.status().reconnects).toBe(1);
  });

  it("counts malformed frames", async () => {
    const { c, rec } = await startLive(["AAPL"]);
    fake.sendRaw("yahoo", "%%%");
    fake.sendRaw("yahoo", JSON.stringify({ type: "pricing", message: Buffer.from([0x0a, 0x40]).toString("base64") }));
    fake.sendRaw("yahoo", JSON.stringify({ type: 7 }));
    fake.sendRaw("yahoo", "{broken");
    fake.pushYahoo([snap("AAPL", 1, 0, 10), snap("AAPL", 2, 1, 15)]);
    await waitFor(() => rec.ticks().length === 1, "valid print");
    expect(c.status().malformed).toBe(4);
    expect(rec.ticks()[0]).toEqual({ symbol: "AAPL", ts: T0 + 1, price: 2, size: 5 });
  });

  it("goes stale when silent and reconnects", async () => {
    const { c } = await startLive(["AAPL"], { staleAfterMs: 150, staleGraceMs: 100 });
    fake.behave("yahoo", { silent: true });
    await waitFor(() => c.status().state === "stale", "stale", 1_000);
    await waitFor(() => fake.connections("yahoo").length === 2, "reconnect", 1_000);
    fake.behave("yahoo", { silent: false });
    await waitFor(() => c.status().state === "live" && fake.current("yahoo").subscriptions.has("AAPL"), "live and resubscribed", 1_000);
    expect(c.status()).toMatchObject({ reconnects: 1, subscribed: 1 });
    expect(c.status().lastError).toMatch(/^yahoo: no message for \d+ ms \(stale\); reconnecting$/);
  });

  it("rejects symbols over maxSubscriptions", async () => {
    const { c } = await startLive(["AAPL"], { maxSubscriptions: 1 });
    await c.setSymbols([{ symbol: "AAPL" }, { symbol: "MSFT" }]);
    expect(c.status()).toMatchObject({ subscribed: 1, rejected: 1 });
    expect(make().maxSubscriptions).toBe(200);
  });
});
