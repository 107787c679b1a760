import { z } from "zod";
import { joinUrl } from "../http";
import { parseJsonFrame, validate } from "./frames";
import { ProtobufError, protoFloat, protoString, readProtoFields, zigzag } from "./protobuf";
import { WsCollector, type LiveCollectorOptions, type WsProtocol, type WsProtocolDefaults, type WsSessionContext } from "./ws-collector";
import type { LiveSymbol } from "./types";

/**
 * Yahoo Finance streamer (unofficial, no key): `wss://streamer.finance.yahoo.com/?version=2`.
 *
 *   → {"subscribe":["AAPL","BTC-USD"]}           → {"unsubscribe":["AAPL"]}
 *   ← {"type":"pricing","message":"<base64 PricingData>"}        (version=2)
 *   ← <base64 PricingData>                                        (the older, unversioned stream)
 *
 * PricingData is protobuf; the fields used here: id=1 string, price=2 float, time=3 sint64 (epoch
 * ms), dayVolume=9 sint64, priceHint=27 sint64 (decimals). Decoded by ./protobuf (no dependency).
 *
 * Yahoo streams quote snapshots, not trades. A print is derived from the change of the cumulative
 * day volume: size = dayVolume - previous dayVolume, price = the snapshot's price, ts = time.
 * - The first snapshot of a symbol on a connection only primes the volume (no print), also after
 *   a reconnect: volume traded while disconnected is not invented as one big print.
 * - Same dayVolume again → no print (a quote-only update); identical time, price and volume → a
 *   re-sent snapshot, counted as a duplicate.
 * - Lower dayVolume with a later time → the day rolled over: prime again. Lower with an earlier or
 *   equal time → a stale snapshot, ignored.
 * - Instruments without volume (indices, FX; dayVolume absent) → a size-0 print whenever time or
 *   price changes, so their bars still form.
 * - Prints have no vendor id (Yahoo has none); the volume rule above is the duplicate guard.
 * - Prices are float32 on the wire: rounded to priceHint decimals (else 7 significant digits).
 * Judged usable: it is what Yahoo's own pages use; it is unofficial and may change, in which case
 * frames fail validation and show up in `malformed` rather than as bad ticks.
 */
export type YahooLiveOptions = LiveCollectorOptions;

export const YAHOO_WS_URL = "wss://streamer.finance.yahoo.com";

export const YAHOO_LIVE_DEFAULTS: WsProtocolDefaults = {
  maxSubscriptions: 200,
  maxSymbolsPerMessage: 100,
  minSendIntervalMs: 0,
  pingIntervalMs: 10_000,
  staleAfterMs: 30_000,
};

export interface YahooPricing {
  id: string;
  price: number;
  /** epoch ms */
  time: number;
  /** 0 when absent (proto3 default). */
  dayVolume: number;
  priceHint: number | null;
}

const ZEnvelope = z.object({ type: z.string(), message: z.string().optional() });
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decode one base64 PricingData message. Throws ProtobufError when it is not one. */
export function decodeYahooPricing(b64: string): YahooPricing {
  const text = b64.trim();
  if (!BASE64.test(text)) throw new ProtobufError("not base64");
  const buf = Buffer.from(text, /[-_]/.test(text) ? "base64url" : "base64");
  let id: string | null = null;
  let price: number | null = null;
  let time: number | null = null;
  let dayVolume = 0;
  let priceHint: number | null = null;
  for (const f of readProtoFields(buf)) {
    if (f.field === 1 && f.wire === 2) id = protoString(f.value);
    else if (f.field === 2 && f.wire === 5) price = protoFloat(f.value);
    else if (f.field === 3 && f.wire === 0) time = zigzag(f.value);
    else if (f.field === 9 && f.wire === 0) dayVolume = zigzag(f.value);
    else if (f.field === 27 && f.wire === 0) priceHint = zigzag(f.value);
    else if ([1, 2, 3, 9, 27].includes(f.field)) throw new ProtobufError(`field ${f.field} has wire type ${f.wire}`);
  }
  if (!id) throw new ProtobufError("missing id (field 1)");
  if (price === null || !Number.isFinite(price) || price <= 0) throw new ProtobufError(`missing or invalid price (field 2) for ${id}`);
  if (time === null || !Number.isFinite(time) || time <= 0) throw new ProtobufError(`missing or invalid time (field 3) for ${id}`);
  if (!Number.isFinite(dayVolume) || dayVolume < 0) throw new ProtobufError(`invalid dayVolume (field 9) for ${id}`);
  const hint = priceHint !== null && Number.isInteger(priceHint) && priceHint >= 0 && priceHint <= 10 ? priceHint : null;
  return { id, price: roundFloat32(price, hint), time, dayVolume, priceHint: hint };
}

/** Undo float32 noise: 126.55 arrives as 126.55000305…; keep priceHint decimals, or 7 significant digits. */
export function roundFloat32(x: number, decimals: number | null): number {
  if (decimals !== null) {
    const f = 10 ** decimals;
    return Math.round(x * f) / f;
  }
  return Number(x.toPrecision(7));
}

export function createYahooProtocol(baseUrl = YAHOO_WS_URL): WsProtocol {
  /** Per connection: last snapshot per vendor symbol. */
  let last = new Map<string, { time: number; price: number; dayVolume: number }>();

  const onPricing = (b64: string, raw: string, ctx: WsSessionContext) => {
    let p: YahooPricing;
    try {
      p = decodeYahooPricing(b64);
    } catch (err) {
      return ctx.malformed(`pricing: ${err instanceof Error ? err.message : String(err)}`, raw);
    }
    const prev = last.get(p.id);
    last.set(p.id, { time: p.time, price: p.price, dayVolume: p.dayVolume });
    if (!prev) {
      // Priming snapshot; a no-volume instrument's first snapshot is already a price.
      if (p.dayVolume === 0) ctx.trade({ vendorSymbol: p.id, ts: p.time, price: p.price, size: 0 });
      return;
    }
    if (p.time === prev.time && p.price === prev.price && p.dayVolume === prev.dayVolume) return ctx.duplicate();
    if (p.dayVolume === 0 && prev.dayVolume === 0) {
      return ctx.trade({ vendorSymbol: p.id, ts: p.time, price: p.price, size: 0 });
    }
    if (p.dayVolume < prev.dayVolume) {
      if (p.time <= prev.time) last.set(p.id, prev); // stale snapshot: keep the newer state
      return; // later time: new trading day, this snapshot primed the volume
    }
    const size = p.dayVolume - prev.dayVolume;
    if (size === 0) return; // quote-only update
    ctx.trade({ vendorSymbol: p.id, ts: p.time, price: p.price, size });
  };

  return {
    provider: "yahoo",
    url: () => `${joinUrl(baseUrl, "/")}?version=2`,
    vendorSymbol: (s: LiveSymbol) => s.vendorSymbol ?? s.symbol,
    open(ctx) {
      last = new Map();
      ctx.ready();
    },
    subscribe: (symbols, ctx) => ctx.send({ subscribe: symbols }),
    unsubscribe(symbols, ctx) {
      for (const s of symbols) last.delete(s);
      ctx.send({ unsubscribe: symbols });
    },
    frame(text, ctx) {
      const t = text.trim();
      if (!t.startsWith("{")) return onPricing(t, text, ctx); // unversioned stream: bare base64
      const j = parseJsonFrame(t);
      if (!j.ok) return ctx.malformed(j.reason, text);
      const env = validate(ZEnvelope, j.value, "envelope");
      if (!env.ok) return ctx.malformed(env.reason, text);
      if (env.value.type !== "pricing") return; // other message types (none documented yet)
      if (env.value.message === undefined) return ctx.malformed("envelope: pricing without a message", text);
      onPricing(env.value.message, text, ctx);
    },
  };
}

export function createYahooLiveCollector(options: YahooLiveOptions = {}): WsCollector {
  return new WsCollector(createYahooProtocol(options.baseUrl), YAHOO_LIVE_DEFAULTS, options);
}
