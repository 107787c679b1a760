import { TIMEFRAME_MS, type Timeframe } from "@/lib/bars/timeframe";
import type { FakeBar } from "./types";
import { fixtureReply, json } from "./util";
import { collect, tradesOf, vwapOf, type VendorModule } from "./vendor";

/**
 * Binance spot klines: GET /api/v3/klines?symbol&interval[&startTime][&endTime][&limit]
 * startTime/endTime inclusive, limit default 500 and max 1000, `{code,msg}` errors with HTTP 400,
 * 429/418 with Retry-After. Prices are decimal strings with 8 places.
 */
const INTERVALS = ["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"];
const TF: Record<string, Timeframe> = { "1m": "1m", "5m": "5m", "15m": "15m", "1h": "1h", "4h": "4h", "1d": "1d" };

const err = (code: number, msg: string) => json(400, { code, msg }, { "content-type": "application/json;charset=UTF-8" });

function kline(b: FakeBar, step: number): unknown[] {
  const quote = vwapOf(b) * b.volume;
  return [
    b.ts,
    b.open.toFixed(8),
    b.high.toFixed(8),
    b.low.toFixed(8),
    b.close.toFixed(8),
    b.volume.toFixed(8),
    b.ts + step - 1,
    quote.toFixed(8),
    tradesOf(b),
    (b.volume / 2).toFixed(8),
    (quote / 2).toFixed(8),
    "0",
  ];
}

export const binance: VendorModule = {
  id: "binance",
  matches: (p) => p === "/api/v3/klines",
  parse: (url) => ({ params: Object.fromEntries(url.searchParams) }),
  checkAuth: () => null, // market data is public
  serve(params, ctx) {
    const { symbol, interval } = params;
    if (!symbol) return err(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (!interval || !INTERVALS.includes(interval)) return err(-1120, "Invalid interval.");
    const limit = params.limit === undefined ? 500 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return err(-1130, "Data sent for parameter 'limit' is not valid.");
    if (!ctx.store.knows("binance", symbol)) return err(-1121, "Invalid symbol.");

    const tf = TF[interval];
    const reg = tf ? ctx.store.get("binance", symbol, tf) : null;
    if (!reg || !tf) return json(200, [], { "content-type": "application/json;charset=UTF-8" });
    const step = TIMEFRAME_MS[tf];
    const endIncl = params.endTime !== undefined ? Number(params.endTime) : ctx.now();
    const out: FakeBar[] = [];
    if (params.startTime !== undefined) {
      // Walk windows of `limit` bars so sparse series still fill a page.
      for (let from = Number(params.startTime); from <= endIncl && out.length < limit; from += limit * step) {
        const to = Math.min(endIncl + 1, from + limit * step);
        out.push(...collect(reg.source, symbol, tf, from, to).slice(0, limit - out.length));
      }
    } else {
      // No startTime: the most recent `limit` klines up to endTime.
      out.push(...collect(reg.source, symbol, tf, endIncl + 1 - limit * step, endIncl + 1).slice(-limit));
    }
    return json(
      200,
      out.map((b) => kline(b, step)),
      { "content-type": "application/json;charset=UTF-8", "x-mbx-used-weight": "2", "x-mbx-used-weight-1m": "2" },
    );
  },
  rateLimitReply(status, retryAfterSeconds) {
    // Binance always sends Retry-After with 429/418.
    const file = status === 418 ? "banned-418.json" : "rate-limited-429.json";
    const ra = retryAfterSeconds === undefined ? (status === 418 ? 120 : 1) : retryAfterSeconds;
    return fixtureReply("binance", file, status, ra === null ? {} : { "retry-after": String(ra) });
  },
  serverErrorReply: (status) => fixtureReply("binance", "server-error.json", status),
};
