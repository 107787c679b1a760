import type { Timeframe } from "@/lib/bars/timeframe";
import type { FakeBar, Reply } from "./types";
import { DAY_MS, fixtureReply, isCryptoSymbol, json, tzOffsetMs, utcDay, zonedToUtc } from "./util";
import { collect, type VendorModule } from "./vendor";

/**
 * Yahoo chart API v8: GET /v8/finance/chart/{symbol}?period1&period2&interval&events=div,splits
 * Bars are served with Yahoo's stamping (daily = session open in the exchange zone, seconds),
 * `timestamp` omitted and `quote: [{}]` for an empty range, 404 chart.error for unknown symbols,
 * 422 for 1m spans over 8 days (Yahoo's current per-request cap).
 */
const PREFIX = "/v8/finance/chart/";
const VALID_INTERVALS = ["1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo"];
const TF: Record<string, Timeframe> = { "1m": "1m", "5m": "5m", "15m": "15m", "60m": "1h", "1h": "1h", "1d": "1d" };

function chartError(status: number, code: string, description: string): Reply {
  return json(status, { chart: { result: null, error: { code, description } } });
}

/** Yahoo's session windows of the current day (NYSE: pre 04:00, regular 09:30–16:00, post to 20:00). */
function tradingPeriods(now: number, tz: string, gmtoffset: number, timezone: string) {
  const day = utcDay(now + gmtoffset * 1000);
  const at = (minute: number) => Math.floor((tz === "UTC" ? day + minute * 60_000 : zonedToUtc(day, minute, tz)) / 1000);
  const period = (from: number, to: number) => ({ timezone, start: at(from), end: at(to), gmtoffset });
  return tz === "UTC"
    ? { pre: period(0, 0), regular: period(0, 24 * 60 - 1), post: period(24 * 60 - 1, 24 * 60 - 1) }
    : { pre: period(4 * 60, 9 * 60 + 30), regular: period(9 * 60 + 30, 16 * 60), post: period(16 * 60, 20 * 60) };
}

function meta(symbol: string, tz: string, interval: string, now: number, lastClose: number) {
  const crypto = tz === "UTC";
  const off = Math.round(tzOffsetMs(now, tz) / 1000);
  const timezone = crypto ? "UTC" : off === -14400 ? "EDT" : "EST";
  return {
    currency: "USD",
    symbol,
    ...(crypto ? {} : { longName: `${symbol} Holdings Inc.`, shortName: `${symbol} Holdings` }),
    exchangeName: crypto ? "CCC" : "NMS",
    fullExchangeName: crypto ? "CCC" : "NasdaqGS",
    instrumentType: crypto ? "CRYPTOCURRENCY" : "EQUITY",
    firstTradeDate: 345479400,
    regularMarketTime: Math.floor(now / 1000),
    hasPrePostMarketData: !crypto,
    gmtoffset: off,
    timezone,
    exchangeTimezoneName: tz,
    regularMarketPrice: lastClose,
    priceHint: 2,
    currentTradingPeriod: tradingPeriods(now, tz, off, timezone),
    dataGranularity: interval,
    range: "",
    validRanges: ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
  };
}

/** Yahoo stamps a daily bar at the session open (09:30 local for NYSE, 00:00 for UTC markets). */
function dailyStamp(day: number, tz: string): number {
  return tz === "UTC" ? day : zonedToUtc(day, 9 * 60 + 30, tz);
}

function ratio(value: number): { numerator: number; denominator: number } {
  return value >= 1 ? { numerator: value, denominator: 1 } : { numerator: 1, denominator: Math.round(1 / value) };
}

export const yahoo: VendorModule = {
  id: "yahoo",
  matches: (p) => p.startsWith(PREFIX),
  parse(url) {
    const symbol = decodeURIComponent(url.pathname.slice(PREFIX.length));
    if (!symbol || symbol.includes("/")) return { reply: chartError(404, "Not Found", "No data found, symbol may be delisted") };
    return { params: { symbol, ...Object.fromEntries(url.searchParams) } };
  },
  checkAuth: () => null, // no key; (the real service also wants a browser-like User-Agent)
  serve(params, ctx) {
    const { symbol = "", interval = "1d" } = params;
    if (!VALID_INTERVALS.includes(interval)) {
      return chartError(400, "Bad Request", `Invalid input - interval=${interval} is not supported. Valid intervals: [${VALID_INTERVALS.join(", ")}]`);
    }
    const p1 = Number(params.period1);
    const p2 = Number(params.period2);
    if (!Number.isInteger(p1) || !Number.isInteger(p2)) return chartError(400, "Bad Request", "Invalid input - period1 and period2 must be integers");
    if (interval === "1m" && p2 - p1 > 8 * 86_400) {
      return chartError(
        422,
        "Unprocessable Entity",
        `1m data not available for startTime=${p1} and endTime=${p2}. Only 8 days worth of 1m granularity data are allowed to be fetched per request.`,
      );
    }
    if (!ctx.store.knows("yahoo", symbol)) return fixtureReply("yahoo", "not-found.json", 404);

    const opts = ctx.store.options("yahoo", symbol);
    const tz = opts.timeZone ?? (isCryptoSymbol(symbol) ? "UTC" : "America/New_York");
    const tf = TF[interval];
    const reg = tf ? ctx.store.get("yahoo", symbol, tf) : null;
    const from = p1 * 1000;
    const to = p2 * 1000;
    const daily = tf === "1d";

    // Like Yahoo's chart API, prices and volumes are split-adjusted as of now: a bar is divided by
    // every split dated after it that has happened (registered bars and actions are raw).
    const splits = (opts.actions ?? []).filter((a) => a.kind === "split" && a.ts <= ctx.now());
    const adjusted = (bar: FakeBar): FakeBar => {
      let f = 1;
      for (const sp of splits) if (sp.ts > bar.ts) f *= sp.value;
      if (f === 1) return bar;
      return { ...bar, open: bar.open / f, high: bar.high / f, low: bar.low / f, close: bar.close / f, volume: Math.round(bar.volume * f) };
    };
    const rows: { stamp: number; bar: FakeBar }[] = [];
    if (reg && tf) {
      const bars = daily ? collect(reg.source, symbol, tf, utcDay(from) - 2 * DAY_MS, to + 2 * DAY_MS) : collect(reg.source, symbol, tf, from, to);
      for (const bar of bars) {
        const stamp = daily ? dailyStamp(bar.ts, tz) : bar.ts;
        if (stamp >= from && stamp < to) rows.push({ stamp, bar: adjusted(bar) });
      }
    }

    const m = meta(symbol, tz, interval, ctx.now(), rows.at(-1)?.bar.close ?? 0);
    if (rows.length === 0) {
      return json(200, { chart: { result: [{ meta: m, indicators: { quote: [{}], ...(daily ? { adjclose: [{}] } : {}) } }], error: null } });
    }

    const events: { dividends?: Record<string, unknown>; splits?: Record<string, unknown> } = {};
    // Like Yahoo, events only when asked for (`events=div|split`, or the older `div,splits`).
    const wanted = params.events ?? "";
    for (const a of opts.actions ?? []) {
      if (!wanted.includes(a.kind === "dividend" ? "div" : "split")) continue;
      const date = Math.floor(dailyStamp(a.ts, tz) / 1000);
      if (date * 1000 < utcDay(from) || date * 1000 >= to) continue;
      if (a.kind === "dividend") (events.dividends ??= {})[String(date)] = { amount: a.value, date };
      else {
        const r = ratio(a.value);
        (events.splits ??= {})[String(date)] = { date, ...r, splitRatio: `${r.numerator}:${r.denominator}` };
      }
    }

    return json(200, {
      chart: {
        result: [
          {
            meta: m,
            timestamp: rows.map((r) => Math.floor(r.stamp / 1000)),
            ...(Object.keys(events).length ? { events } : {}),
            indicators: {
              quote: [
                {
                  open: rows.map((r) => r.bar.open),
                  high: rows.map((r) => r.bar.high),
                  low: rows.map((r) => r.bar.low),
                  close: rows.map((r) => r.bar.close),
                  volume: rows.map((r) => r.bar.volume),
                },
              ],
              ...(daily ? { adjclose: [{ adjclose: rows.map((r) => r.bar.adjClose ?? r.bar.close) }] } : {}),
            },
          },
        ],
        error: null,
      },
    });
  },
  rateLimitReply(_status, retryAfterSeconds) {
    // Yahoo answers plain text and usually without Retry-After.
    return fixtureReply("yahoo", "too-many-requests.txt", 429, retryAfterSeconds == null ? {} : { "retry-after": String(retryAfterSeconds) });
  },
  serverErrorReply: (status) => fixtureReply("yahoo", "server-error.json", status),
};
