import { describe, expect, it } from "vitest";
import { streamedSymbols, summarizeLiveStatus } from "./live-status";

const NOW = 1_700_000_000_000;
const collector = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ provider: "replay", state: "live", breaker: "closed", subscribed: 3, rejected: 0, lastMessageAt: NOW - 100, lastTickAt: NOW - 100, reconnects: 0, malformed: 0, duplicates: 0, lastError: null, updatedAt: NOW - 1_000, ...over });
const builder = (over: Record<string, unknown> = {}) => JSON.stringify({ state: "running", updatedAt: NOW - 500, lagMs: 3, ...over });

describe("summarizeLiveStatus", () => {
  it("nothing running is disconnected, honestly", () => {
    expect(summarizeLiveStatus({}, NOW, 10_000)).toMatchObject({ overall: "disconnected", reason: "no collector is running", collectors: [], builder: null });
  });

  it("fresh live collector + builder is live; details of the builder are passed on", () => {
    const s = summarizeLiveStatus({ replay: collector(), builder: builder() }, NOW, 10_000);
    expect(s.overall).toBe("live");
    expect(s.collectors[0]).toMatchObject({ provider: "replay", effectiveState: "live", stale: false, ageMs: 1_000, breaker: "closed" });
    expect(s.builder).toMatchObject({ state: "running", stale: false, details: { lagMs: 3 } });
  });

  it("a status older than the window counts as disconnected", () => {
    const s = summarizeLiveStatus({ replay: collector({ updatedAt: NOW - 10_001 }), builder: builder() }, NOW, 10_000);
    expect(s.collectors[0]).toMatchObject({ effectiveState: "disconnected", stale: true });
    expect(s.overall).toBe("disconnected");
    expect(summarizeLiveStatus({ replay: collector(), builder: builder({ updatedAt: NOW - 60_000 }) }, NOW, 10_000).overall).toBe("disconnected");
  });

  it("an open breaker or a stale feed is delayed; junk is skipped", () => {
    const s = summarizeLiveStatus({ binance: collector({ provider: "binance", state: "connecting", breaker: "open" }), builder: builder(), junk: "{", bad: JSON.stringify({ x: 1 }) }, NOW, 10_000);
    expect(s.overall).toBe("delayed");
    expect(s.reason).toBe("binance: connecting, breaker open");
    expect(s.collectors).toHaveLength(1);
  });

  it("for one symbol, live only when an active collector streams it", () => {
    const hash = { replay: collector({ symbols: ["SIM0101", "SIM0102"] }), builder: builder() };
    expect(summarizeLiveStatus(hash, NOW, 10_000, "SIM0101")).toMatchObject({ overall: "live", symbol: "SIM0101", symbolCovered: true });
    expect(summarizeLiveStatus(hash, NOW, 10_000, "AAPL")).toMatchObject({ overall: "disconnected", reason: "no live feed streams AAPL", symbolCovered: false, symbolListed: false });
    // A finished replay covers nothing; the symbol lists never leave the server.
    expect(summarizeLiveStatus({ replay: collector({ state: "stopped", symbols: ["SIM0101"] }), builder: builder() }, NOW, 10_000, "SIM0101").symbolCovered).toBe(false);
    expect(summarizeLiveStatus(hash, NOW, 10_000).symbolListed).toBeNull();
  });

  it("a symbol whose feed is down is told apart from one no feed carries", () => {
    // The replay that streams SIM0101 went quiet (stale) while another feed is live.
    const hash = { replay: collector({ symbols: ["SIM0101"], updatedAt: NOW - 60_000 }), binance: collector({ provider: "binance", symbols: ["BTCUSDT"] }), builder: builder() };
    expect(summarizeLiveStatus(hash, NOW, 10_000, "SIM0101")).toMatchObject({ overall: "disconnected", reason: "replay, which streams SIM0101, is disconnected", symbolCovered: false, symbolListed: true });
    expect(summarizeLiveStatus(hash, NOW, 10_000, "BTCUSDT")).toMatchObject({ overall: "live", symbolCovered: true, symbolListed: true });
    expect(summarizeLiveStatus(hash, NOW, 10_000, "AAPL")).toMatchObject({ overall: "disconnected", reason: "no live feed streams AAPL", symbolListed: false });
    expect(summarizeLiveStatus(hash, NOW, 10_000).collectors[0]).not.toHaveProperty("symbols");
  });

  it("for one symbol, only the collectors that stream it are judged; the overall status still judges them all", () => {
    const hash = {
      replay: collector({ symbols: ["SIM0101"] }),
      binance: collector({ provider: "binance", state: "connecting", breaker: "open", symbols: ["BTCUSDT"] }),
      builder: builder(),
    };
    // An unrelated feed in trouble neither delays SIM0101 nor shows up in its reason.
    expect(summarizeLiveStatus(hash, NOW, 10_000, "SIM0101")).toMatchObject({ overall: "live", reason: null, symbolCovered: true });
    expect(summarizeLiveStatus(hash, NOW, 10_000, "BTCUSDT")).toMatchObject({ overall: "delayed", reason: "binance: connecting, breaker open", symbolCovered: true });
    expect(summarizeLiveStatus(hash, NOW, 10_000)).toMatchObject({ overall: "delayed", reason: "binance: connecting, breaker open" });
    // Every collector is still listed, whatever was asked.
    expect(summarizeLiveStatus(hash, NOW, 10_000, "SIM0101").collectors.map((c) => c.provider)).toEqual(["binance", "replay"]);
    // A symbol carried by two feeds is delayed when one of them is in trouble.
    const both = { ...hash, binance: collector({ provider: "binance", breaker: "half-open", symbols: ["BTCUSDT", "SIM0101"] }) };
    expect(summarizeLiveStatus(both, NOW, 10_000, "SIM0101")).toMatchObject({ overall: "delayed", reason: "binance: live, breaker half-open" });
    // The builder still counts for every symbol.
    expect(summarizeLiveStatus({ ...hash, builder: builder({ state: "stopped" }) }, NOW, 10_000, "SIM0101")).toMatchObject({ overall: "disconnected", reason: "the bar builder is not running" });
  });
});

describe("streamedSymbols", () => {
  it("maps the symbols of running, fresh vendor collectors to their provider (not the replay's, not stopped or stale ones)", () => {
    const hash = {
      binance: collector({ provider: "binance", state: "connecting", symbols: ["BTC-USD", "ETH-USD"] }),
      alpaca: collector({ provider: "alpaca", state: "stopped", symbols: ["AAPL"] }),
      polygon: collector({ provider: "polygon", updatedAt: NOW - 20_000, symbols: ["MSFT"] }),
      replay: collector({ symbols: ["SIM0101"] }),
      builder: builder(),
      junk: "{",
    };
    expect([...streamedSymbols(hash, NOW, 10_000)]).toEqual([
      ["BTC-USD", "binance"],
      ["ETH-USD", "binance"],
    ]);
  });
});
