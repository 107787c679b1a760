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
  type VendorResponse,
} from "./http";
import {
  DEFAULT_REQUESTS_PER_MINUTE,
  assertTimeframe,
  checkRange,
  pageSizeOf,
  resolveResilience,
  type HttpProviderOptions,
  type ResilientHistoryProvider,
} from "./shared";
import { rfc3339, sessionDateUtc } from "./time";
import { VendorPayloadError, type FetchBarsRequest, type FetchBarsResult } from "./types";

/**
 * Alpaca market data v2, historical stock bars:
 *   GET /v2/stocks/{symbol}/bars?timeframe=1Day&start=RFC3339&end=RFC3339&limit=10000&adjustment=raw&sort=asc[&feed][&page_token]
 *   headers APCA-API-KEY-ID / APCA-API-SECRET-KEY
 *
 * - Timeframes: 1Min 5Min 15Min 1Hour 4Hour 1Day ↔ our 1m 5m 15m 1h 4h 1d.
 * - Pagination: `next_page_token` until null (limit up to 10000 bars per page).
 * - Prices are requested raw (adjustment=raw), as traded; vwap (`vw`) and trades (`n`) are kept.
 * - Daily bars are stamped at New York midnight (04:00/05:00 UTC) and moved to the session date.
 * - Empty range: `bars: null` → empty result. Alpaca answers an unknown but well-formed symbol the
 *   same way, so that is an empty result too; a malformed symbol is HTTP 400 → VendorRequestError.
 * - Corporate actions come from a separate endpoint (/v1/corporate-actions), not fetched here:
 *   actions [] and adjClose null.
 * - 429: Retry-After if sent, else X-RateLimit-Reset (epoch seconds).
 * - Stocks only; crypto bars live under /v1beta3/crypto and are not implemented.
 */
export interface AlpacaProviderOptions extends HttpProviderOptions {
  keyId: string;
  secretKey: string;
  /** Data feed; omitted → Alpaca's default for the account (sip with a paid plan, else iex). */
  feed?: "sip" | "iex" | "otc" | "boats";
}

export const ALPACA_BASE_URL = "https://data.alpaca.markets";
const MAX_LIMIT = 10_000;
const TF: Record<Timeframe, string> = { "1m": "1Min", "5m": "5Min", "15m": "15Min", "1h": "1Hour", "4h": "4Hour", "1d": "1Day" };
const TIMEFRAMES = Object.keys(TF) as Timeframe[];
const EXCHANGE_TZ = "America/New_York";

/** RFC 3339 timestamp → epoch ms. */
const ZTime = z.string().transform((s, ctx) => {
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: "custom", message: `expected an RFC 3339 timestamp, got ${JSON.stringify(s).slice(0, 40)}` });
    return z.NEVER;
  }
  return t;
});

const ZBar = z.object({
  t: ZTime,
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number().nonnegative(),
  n: z.number().int().nonnegative().optional(),
  vw: z.number().optional(),
});

const ZBarsPage = z.object({
  // Present on every answer: null when there are no bars. A missing key is a changed payload.
  bars: z.array(ZBar).nullable(),
  symbol: z.string(),
  next_page_token: z.string().nullable().optional(),
});

const ZAlpacaError = z.object({ code: z.number().int().optional(), message: z.string() });

function describeAlpacaError(body: unknown): string | null {
  const e = ZAlpacaError.safeParse(body);
  if (!e.success) return null;
  return e.data.code === undefined ? e.data.message : `${e.data.message} (code ${e.data.code})`;
}

export function createAlpacaProvider(opts: AlpacaProviderOptions): ResilientHistoryProvider {
  if (!opts.keyId || !opts.secretKey) throw new Error("alpaca: keyId and secretKey are required");
  const baseUrl = opts.baseUrl ?? ALPACA_BASE_URL;
  const now = opts.now ?? Date.now;
  const limit = pageSizeOf(opts.pageSize, MAX_LIMIT);
  const secrets = [opts.keyId, opts.secretKey];
  const http: HttpContext = { provider: "alpaca", fetch: opts.fetch ?? globalThis.fetch, secrets };
  const resilience = resolveResilience("alpaca", opts.resilience, { requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE.alpaca, secrets });
  const headers = {
    "user-agent": opts.userAgent ?? DEFAULT_USER_AGENT,
    "APCA-API-KEY-ID": opts.keyId,
    "APCA-API-SECRET-KEY": opts.secretKey,
  };
  const resetFallback = (res: VendorResponse): number | null => {
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now()) : null;
  };

  return {
    id: "alpaca",
    timeframes: TIMEFRAMES,
    resilience,
    async fetchBars(req: FetchBarsRequest): Promise<FetchBarsResult> {
      assertTimeframe("alpaca", req.timeframe, TIMEFRAMES);
      const builder = new BarBuilder("alpaca");
      let requests = 0;
      if (!checkRange("alpaca", req)) return { bars: builder.build().bars, actions: [], adjClose: null, requests };

      const symbol = req.vendorSymbol ?? req.symbol;
      const daily = req.timeframe === "1d";
      const seenTokens = new Set<string>();
      let token: string | null = null;

      do {
        const url = new URL(joinUrl(baseUrl, `/v2/stocks/${pathSegment(symbol)}/bars`));
        url.searchParams.set("timeframe", TF[req.timeframe]);
        url.searchParams.set("start", rfc3339(req.start));
        // Alpaca's end is inclusive; bars at exactly `end` are filtered out below.
        url.searchParams.set("end", rfc3339(req.end));
        url.searchParams.set("limit", String(limit));
        url.searchParams.set("adjustment", "raw");
        url.searchParams.set("sort", "asc");
        if (opts.feed) url.searchParams.set("feed", opts.feed);
        if (token) url.searchParams.set("page_token", token);

        const page = await resilience.execute(async (s) => {
          requests++;
          const res = await vendorGet(http, url.toString(), { headers, signal: s });
          throwForStatus(http, res, { now: now(), describe: describeAlpacaError, retryAfterFallback: resetFallback });
          const body = parsePayload(http, ZBarsPage, parseJsonBody(http, res, "bars"), "bars");
          if (body.symbol.toUpperCase() !== symbol.toUpperCase()) {
            throw new VendorPayloadError("alpaca", `bars: invalid payload at symbol: asked for ${symbol}, got ${body.symbol}`);
          }
          return body;
        }, req.signal);

        token = page.next_page_token ?? null;
        if (token !== null) {
          if (seenTokens.has(token)) throw new VendorPayloadError("alpaca", "bars: next_page_token repeats; pagination would not end");
          seenTokens.add(token);
        }

        for (const b of page.bars ?? []) {
          const ts = daily ? sessionDateUtc(b.t, EXCHANGE_TZ) : b.t;
          if (ts < req.start || ts >= req.end) continue;
          builder.push({ ts, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw ?? Number.NaN, trades: b.n ?? Number.NaN });
        }
      } while (token !== null);

      return { bars: builder.build().bars, actions: [], adjClose: null, requests };
    },
  };
}
