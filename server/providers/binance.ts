import { z } from "zod";
import { TIMEFRAME_MS, type Timeframe } from "@/lib/bars/timeframe";
import { BarBuilder } from "./bar-builder";
import { DEFAULT_USER_AGENT, joinUrl, parseJsonBody, parsePayload, throwForStatus, vendorGet, type HttpContext } from "./http";
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
import { VendorPayloadError, type FetchBarsRequest, type FetchBarsResult } from "./types";

/**
 * Binance spot klines:
 *   GET /api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={ms}&endTime={ms}&limit=1000
 *
 * - Timeframes: all of ours (1m 5m 15m 1h 4h 1d), same interval names. Open times are UTC and
 *   daily klines open at 00:00 UTC, which already is our daily convention.
 * - Pagination: at most 1000 klines per request; startTime walks forward from the last open time
 *   until a short page or the end. endTime is inclusive on Binance, so we send end - 1.
 * - vwap = quote asset volume / volume (NaN when volume is 0); trades = number of trades.
 * - The still-open kline (close time in the future) is dropped: it is not a finished bar.
 * - Errors: `{code,msg}` bodies; -1121 "Invalid symbol." is HTTP 400 → VendorRequestError.
 *   429 and 418 (IP ban) → VendorRateLimitError with Retry-After (seconds).
 * - No corporate actions (crypto): actions [] and adjClose null.
 * - Market data is public; an optional apiKey is sent as X-MBX-APIKEY (never in the URL).
 */
export interface BinanceProviderOptions extends HttpProviderOptions {
  apiKey?: string;
}

export const BINANCE_BASE_URL = "https://api.binance.com";
const MAX_LIMIT = 1000;
const TIMEFRAMES: readonly Timeframe[] = ["1m", "5m", "15m", "1h", "4h", "1d"];

/** Binance decimals arrive as strings ("28923.63000000"). */
const ZDecimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, "expected a decimal string")
  .transform(Number);
const ZMs = z.number().int().nonnegative();

/** [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote, ignore] */
const ZKline = z.tuple([ZMs, ZDecimal, ZDecimal, ZDecimal, ZDecimal, ZDecimal, ZMs, ZDecimal, z.number().int().nonnegative(), ZDecimal, ZDecimal], z.unknown());
const ZKlines = z.array(ZKline);

const ZBinanceError = z.object({ code: z.number().int().optional(), msg: z.string() });

function describeBinanceError(body: unknown): string | null {
  const e = ZBinanceError.safeParse(body);
  if (!e.success) return null;
  return e.data.code === undefined ? e.data.msg : `${e.data.msg} (code ${e.data.code})`;
}

/** "BTC-USD" → "BTCUSDT" (Binance spot has no USD pairs; USDT is the dollar quote); others pass through. */
export function toBinanceSymbol(symbol: string): string {
  const pair = splitCryptoPair(symbol);
  if (!pair) return symbol.toUpperCase();
  return `${pair.base}${pair.quote === "USD" ? "USDT" : pair.quote}`;
}

export function createBinanceProvider(opts: BinanceProviderOptions = {}): ResilientHistoryProvider {
  const baseUrl = opts.baseUrl ?? BINANCE_BASE_URL;
  const now = opts.now ?? Date.now;
  const limit = pageSizeOf(opts.pageSize, MAX_LIMIT);
  const secrets = opts.apiKey ? [opts.apiKey] : [];
  const http: HttpContext = { provider: "binance", fetch: opts.fetch ?? globalThis.fetch, secrets };
  const resilience = resolveResilience("binance", opts.resilience, { requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE.binance, secrets });
  const headers: Record<string, string> = { "user-agent": opts.userAgent ?? DEFAULT_USER_AGENT };
  if (opts.apiKey) headers["x-mbx-apikey"] = opts.apiKey;

  return {
    id: "binance",
    timeframes: TIMEFRAMES,
    resilience,
    async fetchBars(req: FetchBarsRequest): Promise<FetchBarsResult> {
      assertTimeframe("binance", req.timeframe, TIMEFRAMES);
      const builder = new BarBuilder("binance");
      let requests = 0;
      if (!checkRange("binance", req)) return { bars: builder.build().bars, actions: [], adjClose: null, requests };

      const symbol = req.vendorSymbol ?? toBinanceSymbol(req.symbol);
      const step = TIMEFRAME_MS[req.timeframe];
      let cursor = req.start;

      for (;;) {
        const url = new URL(joinUrl(baseUrl, "/api/v3/klines"));
        url.searchParams.set("symbol", symbol);
        url.searchParams.set("interval", req.timeframe);
        url.searchParams.set("startTime", String(cursor));
        url.searchParams.set("endTime", String(req.end - 1));
        url.searchParams.set("limit", String(limit));
        const page = await resilience.execute(async (s) => {
          requests++;
          const res = await vendorGet(http, url.toString(), { headers, signal: s });
          throwForStatus(http, res, { now: now(), describe: describeBinanceError, rateLimitStatuses: [418] });
          return parsePayload(http, ZKlines, parseJsonBody(http, res, "klines"), "klines");
        }, req.signal);

        const t = now();
        let finished = false;
        for (const k of page) {
          const [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades] = k;
          if (openTime < cursor) continue;
          if (openTime >= req.end || closeTime >= t) {
            finished = true; // past the range, or the still-open kline
            break;
          }
          builder.push({ ts: openTime, open, high, low, close, volume, vwap: volume > 0 ? quoteVolume / volume : Number.NaN, trades });
        }
        if (finished || page.length < limit) break;
        const next = page[page.length - 1]![0] + step;
        if (next <= cursor) throw new VendorPayloadError("binance", `klines: pagination does not advance (last open time ${page[page.length - 1]![0]})`);
        cursor = next;
        if (cursor >= req.end) break;
      }

      return { bars: builder.build().bars, actions: [], adjClose: null, requests };
    },
  };
}
