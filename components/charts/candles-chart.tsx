"use client";

/**
 * Candlesticks + volume for one symbol/timeframe (lightweight-charts v5).
 *
 * - Data comes in as props; the chart is created once per mount and updated in place: a ticking
 *   last bar or new bars use series.update(), older history uses setData() with the visible range
 *   kept on the same bars, anything else setData().
 * - Times are UTC everywhere (axis ticks, crosshair label, legend).
 * - Colors come from the app's CSS variables and follow theme changes.
 * - `onNeedMore(oldestTs)` fires (debounced, once per oldest bar) when the view nears the left edge.
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type LogicalRange,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  formatBarTime,
  formatChangePct,
  formatCrosshairTime,
  formatPrice,
  formatTickMark,
  formatVolume,
  fromChartTime,
  indexOfTs,
  isIntraday,
  legendValues,
  planBarsUpdate,
  pricePrecision,
  toCandle,
  toSeriesData,
  toVolume,
  withAlpha,
  type ChartBar,
  type ChartTimeframe,
  type VolumeColors,
} from "./chart-data";

export interface CandlesChartProps {
  /** Ascending by ts (epoch ms UTC, bar open). Extra fields are ignored. */
  bars: readonly ChartBar[];
  timeframe: ChartTimeframe;
  /** Called when the user scrolls or zooms back near the oldest loaded bar, with that bar's ts. */
  onNeedMore?: (oldestTs: number) => void;
  loading?: boolean;
  /** Height in px (the width follows the container). */
  height?: number;
  /** Shown in the legend only: the bars are given already adjusted or raw. */
  adjusted?: boolean;
}

/** Load more when fewer than this many bars are left of the view. */
const NEED_MORE_BARS = 30;
const NEED_MORE_DEBOUNCE_MS = 250;
/** Bars shown when a series is first displayed. */
const INITIAL_VISIBLE_BARS = 200;
/** Above this many new bars, one setData beats many update() calls. */
const MAX_INCREMENTAL_UPDATES = 500;

interface ChartTheme {
  bg: string;
  text: string;
  border: string;
  up: string;
  down: string;
  muted: string;
}

/** Read the app's theme variables (app/globals.css); fallbacks are the dark theme. */
function readTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v("--bg", "#0b0e13"),
    text: v("--text", "#d7dde8"),
    border: v("--border", "#242c3a"),
    up: v("--up", "#22c55e"),
    down: v("--down", "#ef4444"),
    muted: v("--muted", "#8a94a6"),
  };
}

function volumeColors(t: ChartTheme): VolumeColors {
  return { up: withAlpha(t.up, 0.45), down: withAlpha(t.down, 0.45) };
}

function applyTheme(chart: IChartApi, candles: ISeriesApi<"Candlestick">, t: ChartTheme): void {
  chart.applyOptions({
    layout: { background: { type: ColorType.Solid, color: t.bg }, textColor: t.text },
    grid: { vertLines: { color: withAlpha(t.border, 0.5) }, horzLines: { color: withAlpha(t.border, 0.5) } },
    rightPriceScale: { borderColor: t.border },
    timeScale: { borderColor: t.border },
    crosshair: {
      vertLine: { color: t.muted, labelBackgroundColor: t.border },
      horzLine: { color: t.muted, labelBackgroundColor: t.border },
    },
  });
  candles.applyOptions({ upColor: t.up, downColor: t.down, borderUpColor: t.up, borderDownColor: t.down, wickUpColor: t.up, wickDownColor: t.down });
}

interface ChartHandles {
  chart: IChartApi;
  candles: ISeriesApi<"Candlestick">;
  volume: ISeriesApi<"Histogram">;
  colors: VolumeColors;
}

export function CandlesChart({ bars, timeframe, onNeedMore, loading = false, height = 420, adjusted }: CandlesChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const handles = useRef<ChartHandles | null>(null);
  /** What the series currently show (to plan incremental updates). */
  const applied = useRef<{ bars: readonly ChartBar[]; timeframe: ChartTimeframe | null }>({ bars: [], timeframe: null });
  /** Latest props for the chart's event handlers, which are subscribed once. */
  const latest = useRef({ bars, onNeedMore, loading });
  /** Oldest ts already passed to onNeedMore (one request per oldest bar). */
  const requestedOldest = useRef<number | null>(null);
  const needMoreTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Hovered bar's ts; null = show the last bar. */
  const [hoverTs, setHoverTs] = useState<number | null>(null);

  useEffect(() => {
    latest.current = { bars, onNeedMore, loading };
  });

  /** Debounced check: is the view near the left edge of the loaded data? Reads refs only, so it is stable. */
  const scheduleNeedMore = useCallback(() => {
    if (needMoreTimer.current) clearTimeout(needMoreTimer.current);
    needMoreTimer.current = setTimeout(() => {
      needMoreTimer.current = null;
      const h = handles.current;
      const cur = latest.current;
      const first = cur.bars[0];
      if (!h || !cur.onNeedMore || cur.loading || !first) return;
      const range = h.chart.timeScale().getVisibleLogicalRange();
      if (!range || range.from > NEED_MORE_BARS) return;
      if (requestedOldest.current === first.ts) return;
      requestedOldest.current = first.ts;
      cur.onNeedMore(first.ts);
    }, NEED_MORE_DEBOUNCE_MS);
  }, []);

  // Create the chart once per mount, in its own host element (React owns the overlays beside it).
  useEffect(() => {
    const container = hostRef.current;
    if (!container) return;
    const theme = readTheme();
    const chart = createChart(container, {
      autoSize: true,
      layout: { attributionLogo: false, fontSize: 11 },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.25 } },
      timeScale: { rightOffset: 3, timeVisible: false, secondsVisible: false, tickMarkFormatter: (time: Time, type: number) => formatTickMark(time as UTCTimestamp, type) },
      localization: { timeFormatter: (time: Time) => formatCrosshairTime(time as UTCTimestamp, isIntraday(applied.current.timeframe ?? "1d")) },
    });
    const candles = chart.addSeries(CandlestickSeries, { priceLineVisible: true, lastValueVisible: true });
    // Volume on its own overlay scale in the bottom fifth of the pane.
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" }, lastValueVisible: false, priceLineVisible: false });
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    applyTheme(chart, candles, theme);
    handles.current = { chart, candles, volume, colors: volumeColors(theme) };

    const onCrosshair = (p: MouseEventParams<Time>) => {
      setHoverTs(p.time === undefined || p.point === undefined ? null : fromChartTime(p.time as UTCTimestamp));
    };
    const onRange = (range: LogicalRange | null) => {
      if (range && range.from <= NEED_MORE_BARS) scheduleNeedMore();
    };
    chart.subscribeCrosshairMove(onCrosshair);
    chart.timeScale().subscribeVisibleLogicalRangeChange(onRange);

    // Theme changes: the data-theme attribute, or the OS preference when no theme is forced.
    const retheme = () => {
      const h = handles.current;
      if (!h) return;
      const t = readTheme();
      applyTheme(h.chart, h.candles, t);
      h.colors = volumeColors(t);
      h.volume.setData(applied.current.bars.map((b) => toVolume(b, h.colors)));
    };
    const observer = new MutationObserver(retheme);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "class"] });
    const media = window.matchMedia("(prefers-color-scheme: light)");
    media.addEventListener("change", retheme);

    return () => {
      observer.disconnect();
      media.removeEventListener("change", retheme);
      if (needMoreTimer.current) clearTimeout(needMoreTimer.current);
      needMoreTimer.current = null;
      chart.unsubscribeCrosshairMove(onCrosshair);
      chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange);
      chart.remove();
      handles.current = null;
      // A remount (React strict mode, fast refresh) starts from an empty chart.
      applied.current = { bars: [], timeframe: null };
      requestedOldest.current = null;
    };
  }, [scheduleNeedMore]);

  // Intraday axes show times (UTC); daily axes show dates.
  useEffect(() => {
    handles.current?.chart.applyOptions({ timeScale: { timeVisible: isIntraday(timeframe), secondsVisible: false } });
  }, [timeframe]);

  // Push bar changes into the series without recreating the chart.
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    const prev = applied.current;
    const fresh = prev.timeframe !== timeframe || prev.bars.length === 0;
    const plan = fresh ? ({ kind: "reset" } as const) : planBarsUpdate(prev.bars, bars);
    const ts = h.chart.timeScale();

    switch (plan.kind) {
      case "none":
        break;
      case "update":
        if (bars.length - plan.from > MAX_INCREMENTAL_UPDATES) {
          const d = toSeriesData(bars, h.colors);
          h.candles.setData(d.candles);
          h.volume.setData(d.volume);
        } else {
          for (let i = plan.from; i < bars.length; i++) {
            h.candles.update(toCandle(bars[i]!));
            h.volume.update(toVolume(bars[i]!, h.colors));
          }
        }
        break;
      case "prepend": {
        // lightweight-charts keeps the right offset when bars are added on the left, so the same bars
        // stay in view; the explicit correction guards that contract.
        const before = ts.getVisibleLogicalRange();
        const d = toSeriesData(bars, h.colors);
        h.candles.setData(d.candles);
        h.volume.setData(d.volume);
        const after = ts.getVisibleLogicalRange();
        if (before && after && Math.abs(after.from - (before.from + plan.count)) > 0.5) {
          ts.setVisibleLogicalRange({ from: before.from + plan.count, to: before.to + plan.count });
        }
        break;
      }
      case "reset": {
        const d = toSeriesData(bars, h.colors);
        h.candles.setData(d.candles);
        h.volume.setData(d.volume);
        const lastClose = bars[bars.length - 1]?.close;
        if (lastClose !== undefined) {
          const precision = pricePrecision(lastClose);
          h.candles.applyOptions({ priceFormat: { type: "price", precision, minMove: 10 ** -precision } });
        }
        if (fresh && bars.length > 0) {
          // New series: show the most recent bars (all of them when few).
          if (bars.length <= INITIAL_VISIBLE_BARS) ts.fitContent();
          else ts.setVisibleLogicalRange({ from: bars.length - INITIAL_VISIBLE_BARS, to: bars.length - 1 + 3 });
        }
        requestedOldest.current = null;
        break;
      }
    }
    applied.current = { bars, timeframe };
    // Parked at the left edge while a page was loading: check again now.
    scheduleNeedMore();
  }, [bars, timeframe, scheduleNeedMore]);

  // Loading finished without the range moving (e.g. the user waited at the edge).
  useEffect(() => {
    if (!loading) scheduleNeedMore();
  }, [loading, scheduleNeedMore]);

  const hoverIndex = hoverTs === null ? -1 : indexOfTs(bars, hoverTs);
  const legend = legendValues(bars, hoverIndex >= 0 ? hoverIndex : bars.length - 1);
  const intraday = isIntraday(timeframe);

  return (
    <div
      data-testid="candles-chart"
      data-timeframe={timeframe}
      data-bars={bars.length}
      aria-busy={loading}
      style={{ position: "relative", width: "100%", height }}
    >
      <div ref={hostRef} style={{ position: "absolute", inset: 0 }} />
      <div
        data-testid="chart-legend"
        className="mono"
        style={{
          position: "absolute",
          top: 6,
          left: 8,
          zIndex: 3,
          pointerEvents: "none",
          display: "flex",
          flexWrap: "wrap",
          gap: "2px 10px",
          fontSize: 11,
          color: "var(--text)",
          background: "color-mix(in srgb, var(--bg) 70%, transparent)",
          padding: "2px 6px",
          borderRadius: 4,
        }}
      >
        <span className="muted">
          {timeframe} · {adjusted === undefined ? "" : adjusted ? "adj · " : "raw · "}
          {legend ? formatBarTime(legend.ts, intraday) + (intraday ? " UTC" : "") : "no data"}
        </span>
        {legend ? (
          <>
            <span>O <span className={legend.up ? "up" : "down"}>{formatPrice(legend.open)}</span></span>
            <span>H <span className={legend.up ? "up" : "down"}>{formatPrice(legend.high)}</span></span>
            <span>L <span className={legend.up ? "up" : "down"}>{formatPrice(legend.low)}</span></span>
            <span>C <span className={legend.up ? "up" : "down"}>{formatPrice(legend.close)}</span></span>
            <span>V <span className="muted">{formatVolume(legend.volume)}</span></span>
            <span className={legend.up ? "up" : "down"} data-testid="chart-legend-change">
              {formatChangePct(legend.changePct)}
            </span>
          </>
        ) : null}
      </div>
      {loading ? (
        <div
          role="status"
          className="badge muted"
          style={{ position: "absolute", top: 6, right: 70, zIndex: 3, pointerEvents: "none", background: "var(--panel)" }}
        >
          Loading…
        </div>
      ) : null}
    </div>
  );
}
