import { z } from "zod";
import { joinUrl } from "../http";
import { toBinanceSymbol } from "../binance";
import { ZDecimalString, parseJsonFrame, validate } from "./frames";
import { WsCollector, type LiveCollectorOptions, type WsProtocol, type WsProtocolDefaults, type WsSessionContext } from "./ws-collector";
import type { LiveSymbol } from "./types";

/**
 * Binance spot trade streams, over `wss://stream.binance.com:9443/ws` with live SUBSCRIBE/UNSUBSCRIBE:
 *
 *   → {"method":"SUBSCRIBE","params":["btcusdt@trade","ethusdt@trade"],"id":1}
 *   ← {"result":null,"id":1}                         (errors: {"code":2,"msg":"Invalid request: …","id":1},
 *                                                      or {"error":{"code":2,"msg":"…"},"id":1})
 *   ← {"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}
 *
 * Combined-stream frames ({"stream":"bnbbtc@trade","data":{…}}, from /stream) are accepted too.
 * - Ready as soon as the socket is open (market data needs no key).
 * - ts = T (trade time, ms), price = p, size = q, id = t (trade id, unique per symbol).
 * - The server pings every 20 s and drops clients that do not pong within a minute; ws answers
 *   pings for us, and we send no pings of our own (pings and pongs count toward the limit below).
 * - Limits: 1024 streams per connection; 5 incoming messages per second (SUBSCRIBE/UNSUBSCRIBE,
 *   PING, PONG) → subscriptions go out 200 streams per message, at most 4 messages a second.
 * - {"e":"serverShutdown"} (sent before maintenance) → reconnect at once, not counted as a failure.
 * - Connections are closed after 24 h; that is a normal reconnect.
 */
export interface BinanceLiveOptions extends LiveCollectorOptions {
  /** Not needed for market streams; accepted so it is scrubbed from texts if a caller passes one. */
  apiKey?: string;
}

export const BINANCE_WS_URL = "wss://stream.binance.com:9443";

export const BINANCE_LIVE_DEFAULTS: WsProtocolDefaults = {
  maxSubscriptions: 1024,
  maxSymbolsPerMessage: 200,
  minSendIntervalMs: 250,
  pingIntervalMs: 0,
  staleAfterMs: 60_000,
};

const ZTrade = z.object({
  e: z.literal("trade"),
  E: z.number().int(),
  s: z.string().min(1).max(32),
  t: z.number().int().nonnegative(),
  p: ZDecimalString.refine((n) => n > 0, "price must be > 0"),
  q: ZDecimalString,
  T: z.number().int().positive(),
  m: z.boolean(),
});

const ZResponse = z.object({
  id: z.union([z.number(), z.string(), z.null()]),
  result: z.unknown().optional(),
  code: z.number().optional(),
  msg: z.string().optional(),
  error: z.object({ code: z.number().optional(), msg: z.string() }).optional(),
});

const ZEvent = z.object({ e: z.string() });

/** "BTCUSDT" → "btcusdt@trade". */
export function binanceTradeStream(vendorSymbol: string): string {
  return `${vendorSymbol.toLowerCase()}@trade`;
}

export function createBinanceProtocol(baseUrl = BINANCE_WS_URL): WsProtocol {
  let nextId = 1;
  /** Requests awaiting their response: id → method and vendor symbols. */
  const pending = new Map<number, { method: "SUBSCRIBE" | "UNSUBSCRIBE"; symbols: readonly string[] }>();

  const request = (method: "SUBSCRIBE" | "UNSUBSCRIBE", symbols: readonly string[], ctx: WsSessionContext) => {
    const id = nextId++;
    pending.set(id, { method, symbols });
    ctx.send({ method, params: symbols.map(binanceTradeStream), id });
  };

  const onPayload = (payload: unknown, raw: string, ctx: WsSessionContext) => {
    const ev = ZEvent.safeParse(payload);
    if (!ev.success) return ctx.malformed("binance: event without an \"e\" type", raw);
    if (ev.data.e === "serverShutdown") return ctx.reconnect("binance announced a server shutdown");
    if (ev.data.e !== "trade") return; // a stream type we did not ask for
    const t = validate(ZTrade, payload, "trade");
    if (!t.ok) return ctx.malformed(t.reason, raw);
    ctx.trade({ vendorSymbol: t.value.s, ts: t.value.T, price: t.value.p, size: t.value.q, id: String(t.value.t) });
  };

  return {
    provider: "binance",
    url: () => joinUrl(baseUrl, "/ws"),
    vendorSymbol: (s: LiveSymbol) => (s.vendorSymbol ?? toBinanceSymbol(s.symbol)).toUpperCase(),
    open(ctx) {
      pending.clear();
      ctx.ready();
    },
    subscribe: (symbols, ctx) => request("SUBSCRIBE", symbols, ctx),
    unsubscribe: (symbols, ctx) => request("UNSUBSCRIBE", symbols, ctx),
    frame(text, ctx) {
      const j = parseJsonFrame(text);
      if (!j.ok) return ctx.malformed(j.reason, text);
      const v = j.value;
      if (typeof v !== "object" || v === null || Array.isArray(v)) return ctx.malformed("expected a JSON object", text);
      if ("data" in v && "stream" in v) return onPayload((v as { data: unknown }).data, text, ctx);
      if ("e" in v) return onPayload(v, text, ctx);
      if ("id" in v) {
        const r = validate(ZResponse, v, "response");
        if (!r.ok) return ctx.malformed(r.reason, text);
        const req = typeof r.value.id === "number" ? pending.get(r.value.id) : undefined;
        if (typeof r.value.id === "number") pending.delete(r.value.id);
        const err = r.value.error ?? (r.value.msg !== undefined ? { code: r.value.code, msg: r.value.msg } : null);
        if (!err) return; // {"result":null,"id":n}: done
        const reason = `${err.msg}${err.code === undefined ? "" : ` (code ${err.code})`}`;
        if (req?.method === "SUBSCRIBE") return ctx.reject(req.symbols, reason);
        return ctx.error(`request ${String(r.value.id)} failed: ${reason}`);
      }
      ctx.malformed("unrecognised message", text);
    },
  };
}

export function createBinanceLiveCollector(options: BinanceLiveOptions = {}): WsCollector {
  return new WsCollector(createBinanceProtocol(options.baseUrl), BINANCE_LIVE_DEFAULTS, options, options.apiKey ? [options.apiKey] : []);
}
