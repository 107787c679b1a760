"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import { CandlesChart } from "@/components/charts/candles-chart";
import { IndicatorPicker } from "@/components/charts/indicator-picker";
import { DEFAULT_CHART_INDICATORS, parseChartIndicators, type ChartIndicatorsValue } from "@/components/charts/indicator-series";
import { formatChangePct, formatPrice } from "@/components/charts/chart-data";
import { mergeLiveBars } from "@/components/charts/live-bars";
import { LiveStatusBadge } from "@/components/live-status-badge";
import { fmtInt, fmtUtc } from "@/components/ui/format";
import { useTRPC, useTRPCClient } from "@/components/providers/trpc";
import { changeVsPrevDailyClose, sessionDayOf } from "./day-change";
import { useLiveBars } from "./use-live-bars";

const TIMEFRAMES = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
type Tf = (typeof TIMEFRAMES)[number];
const PAGE = 1500;
/** The chart's indicators and patterns, per browser (not per symbol). */
const INDICATORS_STORAGE_KEY = "chart.indicators.v1";

export function SymbolView({ symbol }: { symbol: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [timeframe, setTimeframe] = useState<Tf>("1d");
  const [adjusted, setAdjusted] = useState(true);
  const [chartIndicators, setChartIndicators] = useState<ChartIndicatorsValue>(DEFAULT_CHART_INDICATORS);
  // Restore the user's choice after hydration (the server renders the default).
  useEffect(() => {
    try {
      const stored = window.localStorage.getItem(INDICATORS_STORAGE_KEY);
      const parsed = stored ? parseChartIndicators(JSON.parse(stored)) : null;
      if (parsed) setChartIndicators(parsed);
    } catch {}
  }, []);
  const onIndicatorsChange = useCallback((next: ChartIndicatorsValue) => {
    setChartIndicators(next);
    try {
      window.localStorage.setItem(INDICATORS_STORAGE_KEY, JSON.stringify(next));
    } catch {}
  }, []);
  const info = useQuery(trpc.market.symbols.list.queryOptions({ search: symbol, limit: 5, offset: 0, includeInactive: true }));
  const meta = info.data?.rows.find((r) => r.symbol === symbol);

  // Pages of bars, newest first; older pages load as the user scrolls back.
  const bars = useInfiniteQuery({
    queryKey: ["bars", symbol, timeframe, adjusted],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => client.market.bars.get.query({ symbol, timeframe, adjusted, limit: PAGE, ...(pageParam ? { to: pageParam } : {}) }),
    getNextPageParam: (last) => (last.hasMore && last.bars.length ? last.bars[0]!.ts : undefined),
  });
  const history = useMemo(() => (bars.data ? [...bars.data.pages].reverse().flatMap((p) => p.bars) : []), [bars.data]);
  // Live: the forming candle and new candles from bars.live, merged over the loaded history by ts.
  const live = useLiveBars(symbol, timeframe, adjusted);
  const series = useMemo(() => (bars.isSuccess ? mergeLiveBars(history, live.bars) : history), [bars.isSuccess, history, live.bars]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, refetch } = bars;
  // A snapshot sent again mid-stream after a long disconnect can start after the bars held: reload the
  // history so the candles in between (stored meanwhile) are not missing.
  useEffect(() => {
    if (live.resyncs > 0) void refetch();
  }, [live.resyncs, refetch]);
  const onNeedMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  // The production model's stored predictions for this symbol (daily), drawn as a score pane.
  const preds = useQuery(trpc.models.predictions.forSymbol.queryOptions({ symbol, limit: 2000 }, { enabled: timeframe === "1d" }));
  const scoreLine = useMemo(
    () =>
      timeframe === "1d" && preds.data?.version && preds.data.points.length
        ? { label: `ml_score ${preds.data.version.modelName} v${preds.data.version.version}`, points: preds.data.points.map((p) => ({ ts: p.ts, value: p.score })) }
        : null,
    [preds.data, timeframe],
  );
  const last = series[series.length - 1];
  // Change vs the previous daily close, as the watchlist shows it (adjusted daily closes; the newest
  // segment's prices are the same raw or adjusted), whatever the chart's timeframe.
  const sessionDay = last ? sessionDayOf(last.ts) : null;
  const prevDay = useQuery(
    trpc.market.bars.get.queryOptions({ symbol, timeframe: "1d", adjusted: true, limit: 1, to: sessionDay ?? 0 }, { enabled: sessionDay !== null }),
  );
  const dayChange = last && prevDay.data ? changeVsPrevDailyClose(last, prevDay.data.bars) : null;

  return (
    <div>
      <div className="row">
        <Link href="/data" className="muted">
          ← Market data
        </Link>
      </div>
      <div className="row" style={{ alignItems: "baseline" }}>
        <h1 style={{ marginBottom: 4 }}>
          <span className="mono">{symbol}</span> {meta?.name ? <span className="muted" style={{ fontWeight: 400 }}>{meta.name}</span> : null}
        </h1>
        <span className="spacer" />
        <LiveStatusBadge symbol={symbol} streamConnected={live.connected} lastEvent={live.event} note={live.applies ? null : "adjusted view: live updates paused"} />
        {last ? (
          <span className="stat-value" data-testid="last-close">
            {formatPrice(last.close)}{" "}
            {dayChange ? (
              <span
                className={dayChange.changePct >= 0 ? "up" : "down"}
                style={{ fontSize: 13 }}
                title={`Change since the previous daily close (${formatPrice(dayChange.prevClose)})`}
                data-testid="day-change"
                data-value={dayChange.changePct}
              >
                {formatChangePct(dayChange.changePct)} <span className="muted">vs prev. close</span>
              </span>
            ) : null}
          </span>
        ) : null}
      </div>
      <div className="row muted" style={{ marginBottom: 10 }}>
        {meta ? (
          <>
            <span>{meta.assetClass}</span>·<span>{meta.exchange ?? "—"}</span>·<span>{meta.sector ?? "—"}</span>·<span>provider {meta.provider}</span>
          </>
        ) : info.isFetched ? (
          <span className="down">Not in the universe.</span>
        ) : null}
      </div>
      <div className="row" style={{ marginBottom: 8 }}>
        <div className="row" role="group" aria-label="Timeframe">
          {TIMEFRAMES.map((tf) => (
            <button key={tf} type="button" className={`btn small ${tf === timeframe ? "primary" : ""}`} aria-pressed={tf === timeframe} onClick={() => setTimeframe(tf)}>
              {tf}
            </button>
          ))}
        </div>
        <label className="row" style={{ gap: 4 }}>
          <input type="checkbox" checked={adjusted} onChange={(e) => setAdjusted(e.target.checked)} aria-label="Adjusted prices" />
          Adjusted (splits, dividends, spin-offs)
        </label>
        <span className="spacer" />
        <span className="muted" data-testid="bars-loaded">
          {fmtInt(series.length)} bars{series.length ? ` · ${fmtUtc(series[0]!.ts).slice(0, 16)} → ${fmtUtc(last!.ts).slice(0, 16)}` : ""}
          {hasNextPage ? " · scroll left for more" : ""}
        </span>
      </div>
      <div style={{ marginBottom: 8 }}>
        <IndicatorPicker value={chartIndicators} onChange={onIndicatorsChange} />
      </div>
      <div className="card" style={{ padding: 6 }}>
        {bars.isError ? <div className="alert error">{bars.error.message}</div> : null}
        {bars.isSuccess && series.length === 0 ? (
          <p className="muted" style={{ padding: 20 }}>
            No {timeframe} bars stored for {symbol}. Backfill it from the Market data page.
          </p>
        ) : (
          <CandlesChart
            bars={series}
            timeframe={timeframe}
            adjusted={adjusted}
            onNeedMore={onNeedMore}
            loading={bars.isFetching}
            height={460}
            paneHeight={130}
            indicators={chartIndicators.indicators}
            patterns={chartIndicators.patterns}
            scoreLine={scoreLine}
          />
        )}
      </div>
    </div>
  );
}
