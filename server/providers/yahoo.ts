import createYahooFinance from "yahoo-finance2/createYahooFinance";
import { ExtendedCookieJar } from "yahoo-finance2/lib/cookieJar";
import chart from "yahoo-finance2/modules/chart";
import { z } from "zod";
import { unadjustSplits } from "@/lib/bars/adjust";
import type { Timeframe } from "@/lib/bars/timeframe";
import { childLogger } from "@/server/logger";
import { BarBuilder } from "./bar-builder";
import {
  joinUrl,
  parseJsonBody,
  parsePayload,
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
import { isVendorError } from "./errors";
import { DAY_MS, isValidTimeZone, sessionDateUtc } from "./time";
import {
  VendorPayloadError,
  VendorRequestError,
  type CorporateActionRecord,
  type FetchBarsRequest,
  type FetchBarsResult,
  type InstrumentProfile,
} from "./types";

/**
 * Yahoo Finance chart API v8 (unofficial, no key), called through `yahoo-finance2`'s chart module:
 *   GET /v8/finance/chart/{symbol}?period1={s}&period2={s}&interval={i}&events=div|split&includePrePost=false
 *
 * - The library builds the request, keeps Yahoo's cookies (one jar per adapter) and checks the
 *   answer against its own schema; the fetch it calls is ours (yahooTransport), so every request
 *   goes through the resilience layer (timeout, retries, breaker, budget), HTTP failures become our
 *   typed errors, and the body is validated with zod before the library reads it.
 * - Timeframes: 1m, 5m, 15m, 1h (Yahoo "60m"), 1d. No 4h.
 * - One request per range, except intraday ranges, which are chunked: Yahoo serves at most 7 days
 *   of 1m bars per request (and only the last 30 days), 5m/15m only for the last 60 days, 60m for
 *   the last 730 days. Requests older than that are rejected before calling (VendorRequestError),
 *   unless `enforceLookback: false`.
 * - Corporate actions: `events.splits` (numerator/denominator → value) and `events.dividends`
 *   (amount) are returned as actions; `indicators.adjclose` → adjClose (daily only).
 * - Prices: Yahoo's OHLCV in the chart API are split-adjusted as of the request date (after the
 *   4:1 AAPL split of 2020-08-31, 2020-08-28 closes at 124.81, not 499.23); adjclose is split- and
 *   dividend-adjusted. The adapter returns raw prices: it undoes every split after each bar, those
 *   in the range (returned as actions) and those after it up to now, which it asks Yahoo for in one
 *   more daily request when the range ends before now.
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

type YahooInterval = "1m" | "5m" | "15m" | "60m" | "1d";
const INTERVAL: Partial<Record<Timeframe, YahooInterval>> = { "1m": "1m", "5m": "5m", "15m": "15m", "1h": "60m", "1d": "1d" };
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
      currency: z.string().regex(/^[A-Za-z]{3}$/, "not an ISO currency code").optional(),
      longName: z.string().max(300).optional(),
      shortName: z.string().max(300).optional(),
      fullExchangeName: z.string().max(120).optional(),
      exchangeName: z.string().max(120).optional(),
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

// ---- yahoo-finance2 client and transport ------------------------------------------------------

/** A yahoo-finance2 client with only the chart module (the library's other modules are not loaded). */
const YahooClient = createYahooFinance({ modules: { chart } });
type YahooClient = InstanceType<typeof YahooClient>;

const libLog = childLogger("yahoo-finance2");
const logText = (args: unknown[]) => args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
/**
 * The library's log lines, sent to our logger. Its one warning on this runtime (it asks for
 * Node >= 22 at construction while its package declares >= 20; the chart module is tested here on
 * Node 20) goes to debug rather than warning at every start.
 */
const libraryLogger = {
  info: (...a: unknown[]) => libLog.debug(logText(a)),
  debug: (...a: unknown[]) => libLog.debug(logText(a)),
  dir: (...a: unknown[]) => libLog.debug(logText(a)),
  warn: (...a: unknown[]) => (/Unsupported environment/.test(logText(a)) ? libLog.debug(logText(a)) : libLog.warn(logText(a))),
  error: (...a: unknown[]) => libLog.error(logText(a)),
};

function createYahooClient(): YahooClient {
  return new YahooClient({
    cookieJar: new ExtendedCookieJar(), // per adapter, not the library's process-wide jar
    validation: { logErrors: false, logOptionsErrors: false },
    versionCheck: false, // no calls to the npm registry from a data worker
    suppressNotices: ["yahooSurvey"],
    logger: libraryLogger,
  });
}

interface TransportOptions {
  http: HttpContext;
  /** Where requests go (Yahoo's host, or the fake vendor in tests). */
  baseUrl: string;
  userAgent: string | undefined;
  now: () => number;
  interval: YahooInterval;
  /** The resilience layer's signal for this attempt (timeout and caller abort). */
  signal: AbortSignal;
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

/**
 * The fetch yahoo-finance2 calls for one attempt. The library builds the request (URL, query,
 * cookies); this sends it to `baseUrl` with the attempt's abort signal, turns HTTP failures into
 * our typed errors (429 → rate limit with Retry-After, 5xx → transient, other 4xx → request error
 * with Yahoo's own message) and validates the body with zod before the library reads it, so a
 * changed payload fails with the path of the bad field instead of half-parsed bars.
 */
function yahooTransport(o: TransportOptions): typeof fetch {
  return async (input, init) => {
    const sent = new URL(requestUrl(input));
    const url = joinUrl(o.baseUrl, sent.pathname) + sent.search;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      if (v !== "") headers[k] = v;
    });
    if (o.userAgent) headers["user-agent"] = o.userAgent;

    const res = await vendorGet(o.http, url, { headers, signal: o.signal });
    throwForStatus(o.http, res, { now: o.now(), describe: describeYahooError });
    const body = parsePayload(o.http, ZChart, parseJsonBody(o.http, res, "chart"), "chart");
    const { result, error } = body.chart;
    if (error) throw new VendorRequestError("yahoo", res.status, `${error.code}: ${error.description}`);
    if (!result) throw new VendorPayloadError("yahoo", "chart: invalid payload at chart.result: null without chart.error");
    const granularity = result[0]!.meta.dataGranularity;
    if (granularity && normalizeInterval(granularity) !== o.interval) {
      throw new VendorPayloadError("yahoo", `chart: asked for interval ${o.interval} but meta.dataGranularity is ${granularity}`);
    }

    const forward = new Headers({ "content-type": res.contentType || "application/json" });
    for (const c of res.headers.getSetCookie()) forward.append("set-cookie", c);
    return new Response(res.text, { status: res.status, headers: forward });
  };
}

const ZLibraryIssue = z.object({
  instancePath: z.string().optional(),
  message: z.string().optional(),
  params: z.object({ missing: z.array(z.string()).optional() }).optional(),
});

/** The library checks `chart.result[0]`; its JSON pointer "/meta/x/0" becomes "chart.result[0].meta.x[0]". */
function libraryPath(pointer: string | undefined): string {
  const parts = (pointer ?? "").split("/").filter(Boolean);
  return "chart.result[0]" + parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
}

/**
 * What the chart module threw, as one of our errors: our own (from the transport) and aborts pass
 * through; the library's schema check failing is a VendorPayloadError listing its findings.
 */
function libraryError(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || isVendorError(err) || !(err instanceof Error)) return err;
  if (err.name === "FailedYahooValidationError") {
    const issues = z.array(ZLibraryIssue).safeParse((err as Error & { errors?: unknown }).errors);
    const list = (issues.success ? issues.data : []).slice(0, 3).map((i) => {
      const missing = i.params?.missing?.length ? ` (${i.params.missing.join(", ")})` : "";
      return `at ${libraryPath(i.instancePath)}: ${i.message ?? "invalid"}${missing}`;
    });
    return new VendorPayloadError("yahoo", `chart: yahoo-finance2 rejected the payload${list.length ? ` ${list.join("; ")}` : ""}`);
  }
  if (err.name === "InvalidOptionsError") return new VendorRequestError("yahoo", 400, `chart: ${err.message}; request not sent`);
  return new VendorPayloadError("yahoo", `chart: yahoo-finance2: ${err.message}`);
}

/** Name, exchange and price currency from the chart's meta (checked by ZResult in the transport). */
function yahooProfile(meta: { longName?: unknown; shortName?: unknown; fullExchangeName?: unknown; exchangeName?: unknown; currency?: unknown }): InstrumentProfile {
  const first = (...xs: unknown[]) => xs.find((x): x is string => typeof x === "string" && x.trim() !== "")?.trim();
  const name = first(meta.longName, meta.shortName);
  const exchange = first(meta.fullExchangeName, meta.exchangeName);
  const currency = first(meta.currency)?.toUpperCase();
  return { ...(name ? { name } : {}), ...(exchange ? { exchange } : {}), ...(currency ? { currency } : {}) };
}

// ---- adapter ---------------------------------------------------------------------------------

export function createYahooProvider(opts: YahooProviderOptions = {}): ResilientHistoryProvider {
  const baseUrl = opts.baseUrl ?? YAHOO_BASE_URL;
  const now = opts.now ?? Date.now;
  const http: HttpContext = { provider: "yahoo", fetch: opts.fetch ?? globalThis.fetch, secrets: [] };
  const resilience = resolveResilience("yahoo", opts.resilience, { requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE.yahoo, secrets: [] });
  const client = createYahooClient();

  /**
   * One chart request for [p1, p2) (epoch ms), made by yahoo-finance2's chart module through our
   * transport (see yahooTransport). Returns the library's typed result (no timestamp = empty range).
   */
  async function fetchChunk(symbol: string, interval: YahooInterval, p1: number, p2: number, signal: AbortSignal | undefined, count: () => void) {
    return resilience.execute(async (s) => {
      count();
      const transport = yahooTransport({ http, baseUrl, userAgent: opts.userAgent, now, interval, signal: s });
      try {
        return await client.chart(
          symbol,
          { period1: Math.floor(p1 / 1000), period2: Math.ceil(p2 / 1000), interval, events: "div|split", includePrePost: false, return: "object" },
          { fetch: transport },
        );
      } catch (err) {
        throw libraryError(err, s);
      }
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
      let profile: InstrumentProfile | undefined;
      for (let p1 = req.start; p1 < req.end; p1 += span) {
        const p2 = Math.min(req.end, p1 + span);
        const r = await fetchChunk(symbol, interval, p1 - pad, p2 + pad, req.signal, count);
        profile ??= yahooProfile(r.meta);
        const tz = r.meta.exchangeTimezoneName;
        const ts = r.timestamp ?? [];
        // The library drops Yahoo's `quote: [{}]` of an empty range; the transport has checked that
        // a quote with equal-length arrays exists whenever there are timestamps.
        const q = r.indicators.quote[0];
        const adj = daily ? r.indicators.adjclose?.[0]?.adjclose : undefined;
        if (adj && ts.length > 0) sawAdj = true;
        for (let i = 0; q && i < ts.length; i++) {
          const open = q.open[i];
          const high = q.high[i];
          const low = q.low[i];
          const close = q.close[i];
          if (open == null || high == null || low == null || close == null) continue; // Yahoo gap
          const t = daily ? sessionDateUtc(ts[i]! * 1000, tz) : ts[i]! * 1000;
          if (t < req.start || t >= req.end) continue;
          builder.push(
            { ts: t, open, high, low, close, volume: q.volume[i] ?? 0, vwap: Number.NaN, trades: Number.NaN },
            adj?.[i] ?? Number.NaN,
          );
        }
        for (const s of Object.values(r.events?.splits ?? {})) {
          const t = sessionDateUtc(s.date.getTime(), tz);
          if (t >= firstDay && t < req.end) actions.set(`split:${t}`, { symbol: req.symbol, ts: t, kind: "split", value: s.numerator / s.denominator });
        }
        for (const d of Object.values(r.events?.dividends ?? {})) {
          const t = sessionDateUtc(d.date.getTime(), tz);
          if (t >= firstDay && t < req.end) actions.set(`dividend:${t}`, { symbol: req.symbol, ts: t, kind: "dividend", value: d.amount });
        }
      }

      // Yahoo's quotes are split-adjusted as of today: undo every split after each bar, including
      // splits after the range, which this range's answer does not list (one more request, for the
      // split events from the range's end until now).
      const splits = [...actions.values()].filter((a) => a.kind === "split");
      const until = now();
      if (until > req.end && builder.length > 0) {
        const later = await fetchChunk(symbol, "1d", req.end - DAY_MS, until, req.signal, count);
        for (const s of Object.values(later.events?.splits ?? {})) {
          const t = sessionDateUtc(s.date.getTime(), later.meta.exchangeTimezoneName);
          if (t >= req.end) splits.push({ symbol: req.symbol, ts: t, kind: "split", value: s.numerator / s.denominator });
        }
      }
      const { bars, adjClose } = builder.build();
      unadjustSplits(bars, splits);
      return {
        bars,
        ...(profile ? { profile } : {}),
        actions: [...actions.values()].sort((a, b) => a.ts - b.ts || a.kind.localeCompare(b.kind)),
        adjClose: daily && sawAdj ? adjClose : null,
        requests,
      };
    },
  };
}
