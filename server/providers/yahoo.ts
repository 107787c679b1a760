import { z } from "zod";
import type { Timeframe } from "@/lib/bars/timeframe";
import { BarBuilder } from "./bar-builder";
import {
  DEFAULT_USER_AGENT,
  joinUrl,
  parseJsonBody,
  parsePayload,
  pathSegment,
  throwForStatus,
  vendorGet,
  type HttpContext,
} from "./http";
import {
  DEFAULT_REQUESTS_PER_MINUTE,
  assertTimeframe,
  checkRange,
  resolveResilience,
  type HttpProviderOptions,
  type ResilientHistoryProvider,
} from "./shared";
import { DAY_MS, isValidTimeZone, sessionDateUtc } from "./time";
import {
  VendorPayloadError,
  VendorRequestError,
  type CorporateActionRecord,
  type FetchBarsRequest,
  type FetchBarsResult,
} from "./types";

/**
 * Yahoo Finance chart API v8 (unofficial, no key):
 *   GET /v8/finance/chart/{symbol}?period1={s}&period2={s}&interval={i}&events=div,splits
 *
 * - Timeframes: 1m, 5m, 15m, 1h (Yahoo "60m"), 1d. No 4h.
 * - One request per range, except intraday ranges, which are chunked: Yahoo serves at most 7 days
 *   of 1m bars per request (and only the last 30 days), 5m/15m only for the last 60 days, 60m for
 *   the last 730 days. Requests older than that are rejected before calling (VendorRequestError),
 *   unless `enforceLookback: false`.
 * - Corporate actions: `events.splits` (numerator/denominator → value) and `events.dividends`
 *   (amount) are returned as actions; `indicators.adjclose` → adjClose (daily only).
 * - Prices: Yahoo's OHLCV in the chart API are split-adjusted as of the request date (the
 *   4:1 AAPL split of 2020-08-31 shows 2020-08-28 closing at 124.81, not 499.23); adjclose is
 *   split- and dividend-adjusted. The split events are returned so callers can rebuild raw prices.
 * - Daily bars are stamped by Yahoo at the session open (13:30Z for NYSE); they are moved to the
 *   session date at 00:00 UTC using meta.exchangeTimezoneName. Daily requests ask for one extra
 *   day on each side (session opens east of UTC fall on the previous UTC date) and filter.
 * - Rows whose open/high/low/close is null (Yahoo's gaps, e.g. halts) are dropped; a null volume
 *   with prices present becomes 0. vwap and trades are NaN (Yahoo does not provide them).
 */
export interface YahooProviderOptions extends HttpProviderOptions {
  /** Reject intraday ranges older than Yahoo serves before calling (default true). */
  enforceLookback?: boolean;
}

export const YAHOO_BASE_URL = "https://query1.finance.yahoo.com";

const INTERVAL: Partial<Record<Timeframe, string>> = { "1m": "1m", "5m": "5m", "15m": "15m", "1h": "60m", "1d": "1d" };
const TIMEFRAMES = Object.keys(INTERVAL) as Timeframe[];

/** Longest span per request (intraday), a little under Yahoo's limits. */
const MAX_SPAN_MS: Partial<Record<Timeframe, number>> = {
  "1m": 7 * DAY_MS,
  "5m": 59 * DAY_MS,
  "15m": 59 * DAY_MS,
  "1h": 729 * DAY_MS,
};
/** How far back Yahoo serves each intraday interval. */
const LOOKBACK_MS: Partial<Record<Timeframe, number>> = {
  "1m": 30 * DAY_MS,
  "5m": 60 * DAY_MS,
  "15m": 60 * DAY_MS,
  "1h": 730 * DAY_MS,
};

// ---- payload schemas -------------------------------------------------------------------------

const ZNums = z.array(z.number().nullable());
const QUOTE_FIELDS = ["open", "high", "low", "close", "volume"] as const;

const ZQuote = z.object({
  open: ZNums.optional(),
  high: ZNums.optional(),
  low: ZNums.optional(),
  close: ZNums.optional(),
  volume: ZNums.optional(),
});

const ZDividend = z.object({ amount: z.number().nonnegative(), date: z.number().int() });
const ZSplit = z.object({
  date: z.number().int(),
  numerator: z.number().positive(),
  denominator: z.number().positive(),
  splitRatio: z.string().optional(),
});

const ZResult = z
  .object({
    meta: z.object({
      symbol: z.string(),
      exchangeTimezoneName: z.string().refine(isValidTimeZone, "unknown IANA time zone"),
      dataGranularity: z.string().optional(),
    }),
    timestamp: z.array(z.number().int()).optional(),
    events: z
      .object({
        dividends: z.record(z.string(), ZDividend).optional(),
        splits: z.record(z.string(), ZSplit).optional(),
      })
      .optional(),
    indicators: z.object({
      quote: z.array(ZQuote).min(1),
      adjclose: z.array(z.object({ adjclose: ZNums.optional() })).optional(),
    }),
  })
  .superRefine((r, ctx) => {
    const q = r.indicators.quote[0]!;
    const n = r.timestamp?.length;
    if (n === undefined) {
      // Empty range: Yahoo omits `timestamp` and sends `quote: [{}]`. Quotes without timestamps are a changed payload.
      if (QUOTE_FIELDS.some((f) => (q[f]?.length ?? 0) > 0)) {
        ctx.addIssue({ code: "custom", path: ["timestamp"], message: "missing while indicators.quote has data" });
      }
      return;
    }
    for (const f of QUOTE_FIELDS) {
      const arr = q[f];
      if (!arr) ctx.addIssue({ code: "custom", path: ["indicators", "quote", 0, f], message: "missing" });
      else if (arr.length !== n) {
        ctx.addIssue({ code: "custom", path: ["indicators", "quote", 0, f], message: `has ${arr.length} values for ${n} timestamps` });
      }
    }
    const adj = r.indicators.adjclose?.[0]?.adjclose;
    if (adj && adj.length !== n) {
      ctx.addIssue({ code: "custom", path: ["indicators", "adjclose", 0, "adjclose"], message: `has ${adj.length} values for ${n} timestamps` });
    }
  });

const ZChart = z.object({
  chart: z.object({
    result: z.array(ZResult).min(1).nullable(),
    error: z.object({ code: z.string(), description: z.string() }).nullable(),
  }),
});

/** Yahoo accepts both "60m" and "1h" and may echo either in meta.dataGranularity. */
function normalizeInterval(i: string): string {
  return i === "1h" ? "60m" : i;
}

const ZYahooErrorInfo = z.object({ code: z.string(), description: z.string() });
const ZYahooError = z.union([
  z.object({ chart: z.object({ error: ZYahooErrorInfo }) }).transform((b) => b.chart.error),
  z.object({ finance: z.object({ error: ZYahooErrorInfo }) }).transform((b) => b.finance.error),
]);

/** Yahoo's error bodies: {chart:{error:{code,description}}} or {finance:{error:{…}}}. */
function describeYahooError(body: unknown): string | null {
  const e = ZYahooError.safeParse(body);
  return e.success ? `${e.data.code}: ${e.data.description}` : null;
}

// ---- adapter ---------------------------------------------------------------------------------

export function createYahooProvider(opts: YahooProviderOptions = {}): ResilientHistoryProvider {
  const baseUrl = opts.baseUrl ?? YAHOO_BASE_URL;
  const now = opts.now ?? Date.now;
  const http: HttpContext = { provider: "yahoo", fetch: opts.fetch ?? globalThis.fetch, secrets: [] };
  const resilience = resolveResilience("yahoo", opts.resilience, { requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE.yahoo, secrets: [] });
  const headers = { "user-agent": opts.userAgent ?? DEFAULT_USER_AGENT };

  /** One chart request for [p1, p2) (epoch ms); returns the validated chart result (no timestamp = empty range). */
  async function fetchChunk(symbol: string, interval: string, p1: number, p2: number, signal: AbortSignal | undefined, count: () => void) {
    const url = new URL(joinUrl(baseUrl, `/v8/finance/chart/${pathSegment(symbol)}`));
    url.searchParams.set("period1", String(Math.floor(p1 / 1000)));
    url.searchParams.set("period2", String(Math.ceil(p2 / 1000)));
    url.searchParams.set("interval", interval);
    url.searchParams.set("events", "div,splits");
    url.searchParams.set("includeAdjustedClose", "true");
    url.searchParams.set("includePrePost", "false");
    return resilience.execute(async (s) => {
      count();
      const res = await vendorGet(http, url.toString(), { headers, signal: s });
      throwForStatus(http, res, { now: now(), describe: describeYahooError });
      const body = parsePayload(http, ZChart, parseJsonBody(http, res, "chart"), "chart");
      const { result, error } = body.chart;
      if (error) throw new VendorRequestError("yahoo", res.status, `${error.code}: ${error.description}`);
      if (!result) throw new VendorPayloadError("yahoo", "chart: invalid payload at chart.result: null without chart.error");
      const r = result[0]!;
      if (r.meta.dataGranularity && normalizeInterval(r.meta.dataGranularity) !== normalizeInterval(interval)) {
        throw new VendorPayloadError("yahoo", `chart: asked for interval ${interval} but meta.dataGranularity is ${r.meta.dataGranularity}`);
      }
      return r;
    }, signal);
  }

  return {
    id: "yahoo",
    timeframes: TIMEFRAMES,
    resilience,
    async fetchBars(req: FetchBarsRequest): Promise<FetchBarsResult> {
      assertTimeframe("yahoo", req.timeframe, TIMEFRAMES);
      const interval = INTERVAL[req.timeframe]!;
      const daily = req.timeframe === "1d";
      let requests = 0;
      const count = () => void requests++;
      if (!checkRange("yahoo", req)) return { bars: new BarBuilder("yahoo").build().bars, actions: [], adjClose: null, requests };

      const lookback = LOOKBACK_MS[req.timeframe];
      if (lookback !== undefined && opts.enforceLookback !== false && req.start < now() - lookback) {
        throw new VendorRequestError(
          "yahoo",
          422,
          `${interval} bars are only available for the last ${lookback / DAY_MS} days (requested start ${new Date(req.start).toISOString()}); request not sent`,
        );
      }

      const symbol = req.vendorSymbol ?? req.symbol;
      const span = MAX_SPAN_MS[req.timeframe] ?? Infinity;
      const builder = new BarBuilder("yahoo", daily);
      const actions = new Map<string, CorporateActionRecord>();
      let sawAdj = false;
      const firstDay = Math.floor(req.start / DAY_MS) * DAY_MS;

      // Daily stamps are session opens in the exchange zone, which for some markets (Sydney,
      // Auckland) fall on the previous UTC date: ask one day wider and filter by session date.
      const pad = daily ? DAY_MS : 0;
      for (let p1 = req.start; p1 < req.end; p1 += span) {
        const p2 = Math.min(req.end, p1 + span);
        const r = await fetchChunk(symbol, interval, p1 - pad, p2 + pad, req.signal, count);
        const tz = r.meta.exchangeTimezoneName;
        const ts = r.timestamp ?? [];
        const q = r.indicators.quote[0]!;
        const adj = daily ? r.indicators.adjclose?.[0]?.adjclose : undefined;
        if (adj) sawAdj = true;
        for (let i = 0; i < ts.length; i++) {
          const open = q.open![i];
          const high = q.high![i];
          const low = q.low![i];
          const close = q.close![i];
          if (open == null || high == null || low == null || close == null) continue; // Yahoo gap
          const t = daily ? sessionDateUtc(ts[i]! * 1000, tz) : ts[i]! * 1000;
          if (t < req.start || t >= req.end) continue;
          builder.push(
            { ts: t, open, high, low, close, volume: q.volume![i] ?? 0, vwap: Number.NaN, trades: Number.NaN },
            adj?.[i] ?? Number.NaN,
          );
        }
        for (const s of Object.values(r.events?.splits ?? {})) {
          const t = sessionDateUtc(s.date * 1000, tz);
          if (t >= firstDay && t < req.end) actions.set(`split:${t}`, { symbol: req.symbol, ts: t, kind: "split", value: s.numerator / s.denominator });
        }
        for (const d of Object.values(r.events?.dividends ?? {})) {
          const t = sessionDateUtc(d.date * 1000, tz);
          if (t >= firstDay && t < req.end) actions.set(`dividend:${t}`, { symbol: req.symbol, ts: t, kind: "dividend", value: d.amount });
        }
      }

      const { bars, adjClose } = builder.build();
      return {
        bars,
        actions: [...actions.values()].sort((a, b) => a.ts - b.ts || a.kind.localeCompare(b.kind)),
        adjClose: daily && sawAdj ? adjClose : null,
        requests,
      };
    },
  };
}
