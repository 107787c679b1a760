import type { Timeframe } from "@/lib/bars/timeframe";
import type { FakeBar, Reply } from "./types";
import { DAY_MS, b64urlNoPad, fixtureReply, json, requestId, unb64, utcDay, zonedToUtc } from "./util";
import { collect, tradesOf, vwapOf, type VendorModule } from "./vendor";

/**
 * Polygon aggregates: GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted&sort&limit&apiKey
 * from/to: YYYY-MM-DD (session dates, inclusive) or epoch ms (inclusive). limit default 5000 / max
 * 50000 (counted in results here). More data → next_url on this server with a base64url cursor
 * holding adjusted/limit/sort, and without the key (the client must append apiKey, as with Polygon).
 * Unknown tickers answer resultsCount 0. Daily bars are stamped at New York midnight (UTC for X:/C:).
 */
const RE = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/;
const TIMESPANS = ["second", "minute", "hour", "day", "week", "month", "quarter", "year"];
const TF: Record<string, Timeframe> = { "1/minute": "1m", "5/minute": "5m", "15/minute": "15m", "1/hour": "1h", "4/hour": "4h", "1/day": "1d" };

const polyErr = (status: number, error: string): Reply => json(status, { status: "ERROR", request_id: requestId(), error });

export const polygon: VendorModule = {
  id: "polygon",
  matches: (p) => RE.test(p),
  parse(url) {
    const m = RE.exec(url.pathname)!;
    return {
      params: {
        ticker: decodeURIComponent(m[1]!),
        multiplier: m[2]!,
        timespan: m[3]!,
        from: m[4]!,
        to: m[5]!,
        ...Object.fromEntries(url.searchParams),
      },
    };
  },
  checkAuth(headers, params, ctx) {
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    const key = params.apiKey ?? bearer;
    if (!key) return fixtureReply("polygon", "missing-api-key.json", 401);
    if (key !== ctx.keys.polygon.apiKey) return fixtureReply("polygon", "unknown-api-key.json", 401);
    return null;
  },
  serve(params, ctx) {
    const ticker = params.ticker ?? "";
    const multiplier = Number(params.multiplier);
    if (!Number.isInteger(multiplier) || multiplier < 1) return polyErr(400, `Invalid multiplier: ${params.multiplier}`);
    if (!TIMESPANS.includes(params.timespan ?? "")) return polyErr(400, `Invalid timespan: ${params.timespan}`);

    // The cursor of a next_url carries the original query options.
    const opts: Record<string, string> = { adjusted: "true", sort: "asc", limit: "5000" };
    for (const k of ["adjusted", "sort", "limit"]) if (params[k] !== undefined) opts[k] = params[k]!;
    if (params.cursor) {
      const decoded = unb64(params.cursor);
      if (decoded === null) return polyErr(400, "Invalid cursor");
      for (const [k, v] of new URLSearchParams(decoded)) opts[k] = v;
    }
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50_000) return polyErr(400, "Invalid limit: must be between 1 and 50000");

    const tz = /^(X|C):/.test(ticker) ? "UTC" : "America/New_York";
    const parseBound = (s: string, isEnd: boolean): number | null => {
      if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
        const day = Date.parse(`${s}T00:00:00Z`);
        return isEnd ? zonedToUtc(day + DAY_MS, 0, tz) - 1 : zonedToUtc(day, 0, tz);
      }
      return /^\d+$/.test(s) ? Number(s) : null;
    };
    const from = parseBound(params.from ?? "", false);
    const to = parseBound(params.to ?? "", true);
    if (from === null) return polyErr(400, "Could not parse the time parameter: 'from'. Use YYYY-MM-DD or Unix MS Timestamps");
    if (to === null) return polyErr(400, "Could not parse the time parameter: 'to'. Use YYYY-MM-DD or Unix MS Timestamps");

    const tf = TF[`${multiplier}/${params.timespan}`];
    const reg = tf && ctx.store.knows("polygon", ticker) ? ctx.store.get("polygon", ticker, tf) : null;
    const adjusted = opts.adjusted !== "false";
    if (!reg || !tf) {
      return json(200, { ticker, queryCount: 0, resultsCount: 0, adjusted, status: "OK", request_id: requestId() });
    }
    const daily = tf === "1d";
    const stamp = (b: FakeBar) => (daily ? (tz === "UTC" ? b.ts : zonedToUtc(b.ts, 0, tz)) : b.ts);
    const candidates = daily ? collect(reg.source, ticker, tf, utcDay(from) - DAY_MS, to + 2 * DAY_MS) : collect(reg.source, ticker, tf, from, to + 1);
    const inRange = candidates.filter((b) => stamp(b) >= from && stamp(b) <= to);
    const page = inRange.slice(0, limit);
    const next = inRange[limit];
    const results = page.map((b) => ({ v: b.volume, vw: Math.round(vwapOf(b) * 10_000) / 10_000, o: b.open, c: b.close, h: b.high, l: b.low, t: stamp(b), n: tradesOf(b) }));
    return json(200, {
      ticker,
      queryCount: page.length,
      resultsCount: page.length,
      adjusted,
      ...(page.length ? { results } : {}),
      status: "OK",
      request_id: requestId(),
      count: page.length,
      ...(next
        ? {
            next_url:
              `${ctx.baseUrl}/v2/aggs/ticker/${encodeURIComponent(ticker).replace(/%3A/gi, ":")}/range/${multiplier}/${params.timespan}/${stamp(next)}/${params.to}` +
              `?cursor=${b64urlNoPad(`adjusted=${adjusted}&limit=${limit}&sort=${opts.sort}`)}`,
          }
        : {}),
    });
  },
  rateLimitReply(_status, retryAfterSeconds) {
    return fixtureReply("polygon", "rate-limited.json", 429, retryAfterSeconds == null ? {} : { "retry-after": String(retryAfterSeconds) });
  },
  serverErrorReply: (status) => fixtureReply("polygon", "server-error.json", status),
  // Recorded pages point next_url at the real host; serve them pointing here.
  rewriteFixture: (body, ctx) => body.split("https://api.polygon.io").join(ctx.baseUrl),
};
