import { z } from "zod";
import { joinUrl } from "../http";
import { ZPrice, ZRfc3339Ms, ZSize, parseJsonFrame, validate } from "./frames";
import { WsCollector, type LiveCollectorOptions, type WsProtocol, type WsProtocolDefaults, type WsSessionContext } from "./ws-collector";
import type { LiveSymbol } from "./types";

/**
 * Alpaca market data stream v2 (stocks): `wss://stream.data.alpaca.markets/v2/{iex|sip|delayed_sip|test}`.
 * Every server frame is a JSON array of messages, each with a "T" type:
 *
 *   ← [{"T":"success","msg":"connected"}]
 *   → {"action":"auth","key":"…","secret":"…"}
 *   ← [{"T":"success","msg":"authenticated"}]      or [{"T":"error","code":402,"msg":"auth failed"}]
 *   → {"action":"subscribe","trades":["AAPL","MSFT"]}
 *   ← [{"T":"subscription","trades":["AAPL","MSFT"],"quotes":[],"bars":[],…}]   (the full current list)
 *   ← [{"T":"t","S":"AAPL","i":96921,"x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"}]
 *
 * - ts = t (RFC 3339, up to ns; truncated to ms), price = p, size = s, id = "{x}:{i}" (trade ids are
 *   per exchange, so the exchange code is part of the key).
 * - Errors: 402 auth failed, 404 auth timeout, 406 connection limit exceeded (another connection
 *   of the account is open), 409 insufficient subscription (feed not in the plan) → failed connect
 *   that opens the breaker at once (retrying would only hammer). 401 not authenticated → failed
 *   connect. 405 symbol limit exceeded → the subscribe request's symbols are rejected. Others
 *   (400 invalid syntax, 407 slow client, 500) are reported in lastError.
 * - A "subscription" answer lists everything subscribed; symbols we asked for that are missing
 *   from it are counted as rejected.
 * - Alpaca sends no application heartbeats; we ping every 10 s so a quiet market is not "stale".
 * - Corrections ("c") and cancels ("x") are not forwarded: the Tick contract has no way to retract a print.
 */
export interface AlpacaLiveOptions extends LiveCollectorOptions {
  keyId: string;
  secretKey: string;
  /** Data feed path. Default "iex" (the free plan's feed). "test" serves the FAKEPACA symbol. */
  feed?: "iex" | "sip" | "delayed_sip" | "boats" | "overnight" | "test";
}

export const ALPACA_WS_URL = "wss://stream.data.alpaca.markets";

/** Alpaca's free (Basic) plan allows 30 symbols on the IEX stream; paid SIP plans are unlimited. */
export function alpacaLiveDefaults(feed: AlpacaLiveOptions["feed"] = "iex"): WsProtocolDefaults {
  return {
    maxSubscriptions: feed === "iex" || feed === "test" ? 30 : 10_000,
    maxSymbolsPerMessage: 500,
    minSendIntervalMs: 0,
    pingIntervalMs: 10_000,
    staleAfterMs: 30_000,
    // The delayed SIP feed runs 15 minutes behind.
    feedDelayMs: feed === "delayed_sip" ? 15 * 60_000 : 0,
  };
}

const ZMessage = z.object({ T: z.string() });
const ZSuccess = z.object({ T: z.literal("success"), msg: z.string() });
const ZError = z.object({ T: z.literal("error"), code: z.number().int(), msg: z.string() });
const ZSubscription = z.object({ T: z.literal("subscription"), trades: z.array(z.string()).optional() });
const ZTrade = z.object({
  T: z.literal("t"),
  S: z.string().min(1).max(32),
  i: z.number().int().nonnegative(),
  x: z.string().min(1).max(8),
  p: ZPrice,
  s: ZSize,
  t: ZRfc3339Ms,
  c: z.array(z.string()).optional(),
  z: z.string().optional(),
});

const FATAL_CODES = new Set([402, 404, 406, 409]);

export function createAlpacaProtocol(opts: AlpacaLiveOptions): WsProtocol {
  const baseUrl = opts.baseUrl ?? ALPACA_WS_URL;
  const feed = opts.feed ?? "iex";
  let authSent = false;
  let authed = false;
  /** Subscribe/unsubscribe requests in the order sent; Alpaca answers them in order. */
  let pending: { action: "subscribe" | "unsubscribe"; symbols: readonly string[] }[] = [];

  const request = (action: "subscribe" | "unsubscribe", symbols: readonly string[], ctx: WsSessionContext) => {
    pending.push({ action, symbols });
    ctx.send({ action, trades: symbols });
  };

  const onMessage = (m: unknown, raw: string, ctx: WsSessionContext) => {
    const base = ZMessage.safeParse(m);
    if (!base.success) return ctx.malformed("alpaca: message without a \"T\" type", raw);
    switch (base.data.T) {
      case "t": {
        const t = validate(ZTrade, m, "trade");
        if (!t.ok) return ctx.malformed(t.reason, raw);
        const v = t.value;
        return ctx.trade({ vendorSymbol: v.S, ts: v.t, price: v.p, size: v.s, id: `${v.x}:${v.i}` });
      }
      case "success": {
        const r = validate(ZSuccess, m, "success");
        if (!r.ok) return ctx.malformed(r.reason, raw);
        if (r.value.msg === "connected" && !authSent) {
          authSent = true;
          ctx.send({ action: "auth", key: opts.keyId, secret: opts.secretKey });
        } else if (r.value.msg === "authenticated" && !authed) {
          authed = true;
          ctx.ready();
        }
        return;
      }
      case "error": {
        const r = validate(ZError, m, "error");
        if (!r.ok) return ctx.malformed(r.reason, raw);
        const { code, msg } = r.value;
        const text = `${msg} (code ${code})`;
        if (FATAL_CODES.has(code)) return ctx.fail(code === 402 ? `authentication refused: ${text}; check the Alpaca key id/secret` : text, { fatal: true });
        if (code === 401) return ctx.fail(text);
        if (code === 405) {
          const i = pending.findIndex((p) => p.action === "subscribe");
          const req = i >= 0 ? pending.splice(i, 1)[0] : undefined;
          return ctx.reject(req?.symbols ?? [], text);
        }
        if (!authed) return ctx.fail(text);
        return ctx.error(text);
      }
      case "subscription": {
        const r = validate(ZSubscription, m, "subscription");
        if (!r.ok) return ctx.malformed(r.reason, raw);
        const req = pending.shift();
        if (req?.action === "subscribe") {
          const have = new Set(r.value.trades ?? []);
          const missing = req.symbols.filter((s) => !have.has(s));
          if (missing.length > 0) ctx.reject(missing, "not in Alpaca's subscription answer");
        }
        return;
      }
      default:
        return; // quotes, bars, statuses, corrections, cancels: not used here
    }
  };

  return {
    provider: "alpaca",
    url: () => joinUrl(baseUrl, `/v2/${feed}`),
    vendorSymbol: (s: LiveSymbol) => s.vendorSymbol ?? s.symbol,
    open() {
      authSent = false;
      authed = false;
      pending = [];
    },
    subscribe: (symbols, ctx) => request("subscribe", symbols, ctx),
    unsubscribe: (symbols, ctx) => request("unsubscribe", symbols, ctx),
    frame(text, ctx) {
      const j = parseJsonFrame(text);
      if (!j.ok) return ctx.malformed(j.reason, text);
      if (!Array.isArray(j.value)) return ctx.malformed("expected a JSON array of messages", text);
      for (const m of j.value) onMessage(m, text, ctx);
    },
  };
}

export function createAlpacaLiveCollector(options: AlpacaLiveOptions): WsCollector {
  if (!options.keyId || !options.secretKey) throw new Error("alpaca: keyId and secretKey are required for the live stream");
  return new WsCollector(createAlpacaProtocol(options), alpacaLiveDefaults(options.feed), options, [options.keyId, options.secretKey]);
}
