import { z } from "zod";
import { joinUrl } from "../http";
import { ZPrice, ZSize, parseJsonFrame, validate } from "./frames";
import { WsCollector, type LiveCollectorOptions, type WsProtocol, type WsProtocolDefaults, type WsSessionContext } from "./ws-collector";
import type { LiveSymbol } from "./types";

/**
 * Polygon.io stocks WebSocket: `wss://socket.polygon.io/stocks` (real time) or
 * `wss://delayed.polygon.io/stocks` (15-minute delayed plans). Every server frame is a JSON array:
 *
 *   ← [{"ev":"status","status":"connected","message":"Connected Successfully"}]
 *   → {"action":"auth","params":"<key>"}
 *   ← [{"ev":"status","status":"auth_success","message":"authenticated"}]   or "auth_failed"
 *   → {"action":"subscribe","params":"T.AAPL,T.MSFT"}
 *   ← [{"ev":"status","status":"success","message":"subscribed to: T.AAPL"}, …]
 *   ← [{"ev":"T","sym":"MSFT","x":4,"i":"12345","z":3,"p":114.125,"s":100,"c":[0,12],"t":1536036818784,"q":3681328}]
 *
 * - ts = t (SIP timestamp, ms), price = p, size = s, id = "{x}:{i}" or "{x}:{trfi}:{i}" for trades
 *   reported through a TRF (Polygon: ids are unique per ticker, exchange and TRF).
 * - auth_failed / max_connections → failed connect that opens the breaker at once.
 * - Polygon has no per-symbol limit; maxSubscriptions (default 1000) is our own cap per connection.
 * - Stocks cluster only ("T" events); crypto/forex clusters use other event shapes.
 */
export interface PolygonLiveOptions extends LiveCollectorOptions {
  apiKey: string;
  /** Cluster path, default "stocks". */
  cluster?: "stocks";
}

export const POLYGON_WS_URL = "wss://socket.polygon.io";

export const POLYGON_LIVE_DEFAULTS: WsProtocolDefaults = {
  maxSubscriptions: 1_000,
  maxSymbolsPerMessage: 500,
  minSendIntervalMs: 0,
  pingIntervalMs: 10_000,
  staleAfterMs: 30_000,
};

const ZEvent = z.object({ ev: z.string() });
const ZStatus = z.object({ ev: z.literal("status"), status: z.string(), message: z.string().optional() });
const ZTrade = z.object({
  ev: z.literal("T"),
  sym: z.string().min(1).max(32),
  x: z.number().int().nonnegative(),
  i: z.string().min(1).max(40),
  z: z.number().int().optional(),
  p: ZPrice,
  s: ZSize,
  c: z.array(z.number().int()).optional(),
  t: z.number().int().positive(),
  q: z.number().int().optional(),
  trfi: z.number().int().optional(),
  trft: z.number().int().optional(),
});

export function createPolygonProtocol(opts: PolygonLiveOptions): WsProtocol {
  const baseUrl = opts.baseUrl ?? POLYGON_WS_URL;
  let authSent = false;
  let authed = false;

  const onMessage = (m: unknown, raw: string, ctx: WsSessionContext) => {
    const base = ZEvent.safeParse(m);
    if (!base.success) return ctx.malformed("polygon: message without an \"ev\" type", raw);
    if (base.data.ev === "T") {
      const t = validate(ZTrade, m, "trade");
      if (!t.ok) return ctx.malformed(t.reason, raw);
      const v = t.value;
      const id = v.trfi === undefined ? `${v.x}:${v.i}` : `${v.x}:${v.trfi}:${v.i}`;
      return ctx.trade({ vendorSymbol: v.sym, ts: v.t, price: v.p, size: v.s, id });
    }
    if (base.data.ev !== "status") return; // quotes, aggregates: not used here
    const r = validate(ZStatus, m, "status");
    if (!r.ok) return ctx.malformed(r.reason, raw);
    const { status, message = "" } = r.value;
    switch (status) {
      case "connected":
        if (!authSent) {
          authSent = true;
          ctx.send({ action: "auth", params: opts.apiKey });
        }
        return;
      case "auth_success":
        if (!authed) {
          authed = true;
          ctx.ready();
        }
        return;
      case "auth_failed":
        return ctx.fail(`authentication refused: ${message || "auth_failed"}; check the Polygon API key`, { fatal: true });
      case "max_connections":
        return ctx.fail(`connection limit: ${message || "max_connections"}`, { fatal: true });
      case "auth_timeout":
        return ctx.fail(`auth timeout: ${message}`);
      case "success":
        return; // "subscribed to: T.AAPL" / "unsubscribed to: T.AAPL"
      case "error":
        return authed ? ctx.error(message || "error") : ctx.fail(message || "error before authentication");
      default:
        return ctx.error(`status ${status}: ${message}`);
    }
  };

  return {
    provider: "polygon",
    url: () => joinUrl(baseUrl, `/${opts.cluster ?? "stocks"}`),
    vendorSymbol: (s: LiveSymbol) => s.vendorSymbol ?? s.symbol,
    open() {
      authSent = false;
      authed = false;
    },
    subscribe: (symbols, ctx) => ctx.send({ action: "subscribe", params: symbols.map((s) => `T.${s}`).join(",") }),
    unsubscribe: (symbols, ctx) => ctx.send({ action: "unsubscribe", params: symbols.map((s) => `T.${s}`).join(",") }),
    frame(text, ctx) {
      const j = parseJsonFrame(text);
      if (!j.ok) return ctx.malformed(j.reason, text);
      if (!Array.isArray(j.value)) return ctx.malformed("expected a JSON array of events", text);
      for (const m of j.value) onMessage(m, text, ctx);
    },
  };
}

export function createPolygonLiveCollector(options: PolygonLiveOptions): WsCollector {
  if (!options.apiKey) throw new Error("polygon: apiKey is required for the live stream");
  // The delayed cluster (delayed.polygon.io, 15-minute plans) runs 15 minutes behind.
  const delayed = /^delayed\./i.test(new URL(options.baseUrl ?? POLYGON_WS_URL).hostname);
  return new WsCollector(createPolygonProtocol(options), { ...POLYGON_LIVE_DEFAULTS, feedDelayMs: delayed ? 15 * 60_000 : 0 }, options, [options.apiKey]);
}
