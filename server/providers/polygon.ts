import { z } from "zod";
import type { Timeframe } from "@/lib/bars/timeframe";
import { BarBuilder } from "./bar-builder";
import { DEFAULT_USER_AGENT, joinUrl, parseJsonBody, parsePayload, pathSegment, throwForStatus, vendorGet, type HttpContext } from "./http";
import {
  DEFAULT_REQUESTS_PER_MINUTE,
  assertTimeframe,
  checkRange,
  pageSizeOf,
  resolveResilience,
  splitCryptoPair,
  type HttpProviderOptions,
  type ResilientHistoryProvider,
} from "./shared";
import { sessionDateUtc, utcDateString } from "./time";
import { VendorPayloadError, VendorRequestError, type FetchBarsRequest, type FetchBarsResult } from "./types";

/**
 * Polygon.io aggregates:
 *   GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted=false&sort=asc&limit=50000&apiKey=…
 *
 * - Timeframes: 1/minute, 5/minute, 15/minute, 1/hour, 4/hour, 1/day.
 * - from/to: dates (YYYY-MM-DD, the session dates) for daily bars, epoch ms for intraday; both
 *   inclusive on Polygon, so `to` is end - 1 (or the date of end - 1).
 * - Pagination: follow `next_url` (which carries a cursor but not the key: apiKey is appended).
 *   next_url must stay on the configured host, so the key is never sent anywhere else.
 * - Prices requested unadjusted (adjusted=false) unless `adjusted: true`. vwap = `vw`, trades = `n`.
 * - Daily bars are stamped at New York midnight for stocks (UTC midnight for X:/C: crypto and FX
 *   tickers) and are moved to the session date.
 * - status "OK" and "DELAYED" are data; resultsCount 0 (results omitted) is an empty range, which
 *   is also how Polygon answers an unknown ticker. 401/403 (bad key, plan) → VendorRequestError.
 * - Splits and dividends are separate endpoints (/v3/reference/splits, /v3/reference/dividends),
 *   not fetched here: actions [] and adjClose null.
 */
export interface PolygonProviderOptions extends HttpProviderOptions {
  apiKey: string;
  /** Ask Polygon for split-adjusted bars (default false: raw, as traded). */
  adjusted?: boolean;
}

export const POLYGON_BASE_URL = "https://api.polygon.io";
const MAX_LIMIT = 50_000;
const TF: Record<Timeframe, [number, string]> = {
  "1m": [1, "minute"],
  "5m": [5, "minute"],
  "15m": [15, "minute"],
  "1h": [1, "hour"],
  "4h": [4, "hour"],
  "1d": [1, "day"],
};
const TIMEFRAMES = Object.keys(TF) as Timeframe[];
const DATA_STATUSES = new Set(["OK", "DELAYED"]);

const ZAgg = z.object({
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number().nonnegative(),
  vw: z.number().optional(),
  t: z.number().int(),
  n: z.number().int().nonnegative().optional(),
  otc: z.boolean().optional(),
});

const ZAggsPage = z
  .object({
    ticker: z.string(),
    status: z.string(),
    adjusted: z.boolean(),
    queryCount: z.number().int().nonnegative().optional(),
    resultsCount: z.number().int().nonnegative(),
    results: z.array(ZAgg).optional(),
    request_id: z.string().optional(),
    next_url: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    const n = p.results?.length ?? 0;
    if (p.resultsCount > 0 && n === 0) ctx.addIssue({ code: "custom", path: ["results"], message: `missing while resultsCount is ${p.resultsCount}` });
    if (p.resultsCount === 0 && n > 0) ctx.addIssue({ code: "custom", path: ["resultsCount"], message: `is 0 but results has ${n} rows` });
  });

/** Polygon error bodies: {status:"ERROR", error:"…"} or {status:"NOT_AUTHORIZED", message:"…"}. */
const ZPolygonError = z.object({ status: z.string().optional(), error: z.string().optional(), message: z.string().optional() });

function describePolygonError(body: unknown): string | null {
  const e = ZPolygonError.safeParse(body);
  const text = e.success ? (e.data.error ?? e.data.message) : undefined;
  if (!e.success || !text) return null;
  return e.data.status ? `${e.data.status}: ${text}` : text;
}

/** "BTC-USD" → "X:BTCUSD"; stock tickers pass through. */
export function toPolygonTicker(symbol: string): string {
  const pair = splitCryptoPair(symbol);
  return pair ? `X:${pair.base}${pair.quote}` : symbol.toUpperCase();
}

export function createPolygonProvider(opts: PolygonProviderOptions): ResilientHistoryProvider {
  if (!opts.apiKey) throw new Error("polygon: apiKey is required");
  const baseUrl = opts.baseUrl ?? POLYGON_BASE_URL;
  const origin = new URL(baseUrl).origin;
  const now = opts.now ?? Date.now;
  const limit = pageSizeOf(opts.pageSize, MAX_LIMIT);
  const secrets = [opts.apiKey];
  const http: HttpContext = { provider: "polygon", fetch: opts.fetch ?? globalThis.fetch, secrets, secretParams: ["apiKey"] };
  const resilience = resolveResilience("polygon", opts.resilience, { requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE.polygon, secrets });
  const headers = { "user-agent": opts.userAgent ?? DEFAULT_USER_AGENT };

  /** next_url → URL with our key, only if it stays on our host and endpoint. */
  const followUrl = (next: string): URL => {
    let u: URL;
    try {
      u = new URL(next);
    } catch {
      throw new VendorPayloadError("polygon", "aggs: invalid payload at next_url: not a URL");
    }
    if (u.origin !== origin || !u.pathname.startsWith("/v2/aggs/ticker/")) {
      throw new VendorPayloadError("polygon", `aggs: invalid payload at next_url: points outside ${origin}/v2/aggs/ (not followed)`);
    }
    u.searchParams.set("apiKey", opts.apiKey);
    return u;
  };

  return {
    id: "polygon",
    timeframes: TIMEFRAMES,
    resilience,
    async fetchBars(req: FetchBarsRequest): Promise<FetchBarsResult> {
      assertTimeframe("polygon", req.timeframe, TIMEFRAMES);
      const builder = new BarBuilder("polygon");
      let requests = 0;
      if (!checkRange("polygon", req)) return { bars: builder.build().bars, actions: [], adjClose: null, requests };

      const ticker = req.vendorSymbol ?? toPolygonTicker(req.symbol);
      const daily = req.timeframe === "1d";
      const tz = /^(X|C):/.test(ticker) ? "UTC" : "America/New_York";
      const [multiplier, timespan] = TF[req.timeframe];
      const from = daily ? utcDateString(req.start) : String(req.start);
      const to = daily ? utcDateString(req.end - 1) : String(req.end - 1);

      let url: URL | null = new URL(joinUrl(baseUrl, `/v2/aggs/ticker/${pathSegment(ticker)}/range/${multiplier}/${timespan}/${from}/${to}`));
      url.searchParams.set("adjusted", String(opts.adjusted ?? false));
      url.searchParams.set("sort", "asc");
      url.searchParams.set("limit", String(limit));
      url.searchParams.set("apiKey", opts.apiKey);
      const seen = new Set<string>();

      while (url) {
        const target: URL = url;
        const page = await resilience.execute(async (s) => {
          requests++;
          const res = await vendorGet(http, target.toString(), { headers, signal: s });
          throwForStatus(http, res, { now: now(), describe: describePolygonError });
          const body = parsePayload(http, ZAggsPage, parseJsonBody(http, res, "aggs"), "aggs");
          if (body.status === "NOT_FOUND") throw new VendorRequestError("polygon", 404, `NOT_FOUND: ticker ${ticker}`);
          if (!DATA_STATUSES.has(body.status)) throw new VendorPayloadError("polygon", `aggs: invalid payload at status: unexpected ${JSON.stringify(body.status)}`);
          return body;
        }, req.signal);

        for (const a of page.results ?? []) {
          const ts = daily ? sessionDateUtc(a.t, tz) : a.t;
          if (ts < req.start || ts >= req.end) continue;
          builder.push({ ts, open: a.o, high: a.h, low: a.l, close: a.c, volume: a.v, vwap: a.vw ?? Number.NaN, trades: a.n ?? Number.NaN });
        }

        url = null;
        if (page.next_url) {
          const next = followUrl(page.next_url);
          const key = next.pathname + next.search;
          if (seen.has(key)) throw new VendorPayloadError("polygon", "aggs: next_url repeats; pagination would not end");
          seen.add(key);
          url = next;
        }
      }

      return { bars: builder.build().bars, actions: [], adjClose: null, requests };
    },
  };
}
