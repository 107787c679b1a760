import type { Timeframe } from "@/lib/bars/timeframe";
import type { FakeBar, Reply } from "./types";
import { DAY_MS, b64, fixtureReply, isCryptoSymbol, json, unb64, utcDay, zonedToUtc } from "./util";
import { collect, tradesOf, vwapOf, type VendorModule } from "./vendor";

/**
 * Alpaca market data v2: GET /v2/stocks/{symbol}/bars?timeframe&start&end&limit&page_token&adjustment&feed&sort
 * Auth with APCA-API-KEY-ID / APCA-API-SECRET-KEY headers. start/end inclusive (RFC 3339 or date),
 * limit default 1000 / max 10000, next_page_token (base64) until null, `bars: null` when empty.
 * Daily bars are stamped at New York midnight. Only sort=asc is implemented.
 */
const RE = /^\/v2\/stocks\/([^/]+)\/bars$/;
const TF: Record<string, Timeframe> = { "1Min": "1m", "5Min": "5m", "15Min": "15m", "1Hour": "1h", "4Hour": "4h", "1Day": "1d" };

const alpacaErr = (status: number, code: number, message: string): Reply => json(status, { code, message });

function parseTime(s: string | undefined): number | null {
  if (!s) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

function rfc3339(ts: number): string {
  return new Date(ts).toISOString().replace(".000Z", "Z");
}

export const alpaca: VendorModule = {
  id: "alpaca",
  matches: (p) => RE.test(p),
  parse(url) {
    const m = RE.exec(url.pathname);
    return { params: { symbol: decodeURIComponent(m?.[1] ?? ""), ...Object.fromEntries(url.searchParams) } };
  },
  checkAuth(headers, _params, ctx) {
    const id = headers["apca-api-key-id"];
    const secret = headers["apca-api-secret-key"];
    if (!id || !secret) return fixtureReply("alpaca", "unauthorized.json", 401);
    if (id !== ctx.keys.alpaca.keyId || secret !== ctx.keys.alpaca.secretKey) return fixtureReply("alpaca", "forbidden.json", 403);
    return null;
  },
  serve(params, ctx) {
    const symbol = params.symbol ?? "";
    if (!/^[A-Z][A-Z0-9.]{0,9}$/.test(symbol)) return alpacaErr(400, 40010001, `invalid symbol: ${symbol}`);
    const tf = TF[params.timeframe ?? ""];
    if (!tf) return fixtureReply("alpaca", "invalid-timeframe.json", 422);
    const start = parseTime(params.start);
    if (start === null) return alpacaErr(422, 42210000, `invalid start: ${params.start ?? "(missing)"}`);
    const end = params.end === undefined ? ctx.now() : parseTime(params.end);
    if (end === null) return alpacaErr(422, 42210000, `invalid end: ${params.end}`);
    const limit = params.limit === undefined ? 1000 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return alpacaErr(422, 42210000, "invalid limit: must be between 1 and 10000");

    let from = start;
    if (params.page_token) {
      const decoded = unb64(params.page_token)?.split("|");
      const t = decoded?.length === 3 && decoded[0] === symbol ? Date.parse(decoded[2]!.replace(/\.(\d{3})\d*Z$/, ".$1Z")) : Number.NaN;
      if (Number.isNaN(t)) return alpacaErr(422, 42210000, "invalid page_token");
      from = t;
    }

    const reg = ctx.store.knows("alpaca", symbol) ? ctx.store.get("alpaca", symbol, tf) : null;
    if (!reg) return json(200, { bars: null, symbol, next_page_token: null });
    const tz = reg.options.timeZone ?? (isCryptoSymbol(symbol) ? "UTC" : "America/New_York");
    const daily = tf === "1d";
    const stamp = (b: FakeBar) => (daily ? zonedToUtc(b.ts, 0, tz) : b.ts);

    const candidates = daily ? collect(reg.source, symbol, tf, utcDay(from) - DAY_MS, end + 2 * DAY_MS) : collect(reg.source, symbol, tf, from, end + 1);
    const inRange = candidates.filter((b) => stamp(b) >= from && stamp(b) <= end);
    const page = inRange.slice(0, limit);
    const next = inRange[limit];
    return json(200, {
      bars: page.length
        ? page.map((b) => ({ t: rfc3339(stamp(b)), o: b.open, h: b.high, l: b.low, c: b.close, v: b.volume, n: tradesOf(b), vw: vwapOf(b) }))
        : null,
      symbol,
      next_page_token: next ? b64(`${symbol}|${tf === "1d" ? "D" : "M"}|${new Date(stamp(next)).toISOString().replace("Z", "000000Z")}`) : null,
    });
  },
  rateLimitReply(_status, retryAfterSeconds, ctx) {
    // Alpaca sends X-RateLimit-* headers rather than Retry-After.
    const headers: Record<string, string> = {
      "x-ratelimit-limit": "200",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.ceil(ctx.now() / 1000)), // the next second boundary
    };
    if (retryAfterSeconds != null) headers["retry-after"] = String(retryAfterSeconds);
    return fixtureReply("alpaca", "rate-limited.json", 429, headers);
  },
  serverErrorReply: (status) => fixtureReply("alpaca", "server-error.json", status),
};
