"use client";

/**
 * Candlesticks + volume for one symbol/timeframe (lightweight-charts v5), with optional indicators
 * and candlestick-pattern markers.
 *
 * - Data comes in as props; the chart is created once per mount and updated in place: a ticking
 *   last bar or new bars use series.update(), older history uses setData() with the visible range
 *   kept on the same bars, anything else setData().
 * - Times are UTC everywhere (axis ticks, crosshair label, legend).
 * - Colors come from the app's CSS variables and follow theme changes.
 * - `onNeedMore(oldestTs)` fires (debounced, once per oldest bar) when the view nears the left edge.
 * - Indicators (`indicators`): computed here from the bars (lib/indicators, O(n)), overlays on the
 *   price pane, the others in panes of their own below it (each `paneHeight` px, added to `height`).
 *   Changing the list adds/removes series and panes without recreating the chart (indicator-layer.ts).
 *   Without the prop the chart keeps its classic layout (volume at the bottom of the price pane).
 * - Legends: OHLC and overlay values top-left of the price pane, each indicator pane's values
 *   top-left of its pane, for the hovered bar (the last bar otherwise).
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type LogicalRange,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from "react";
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
  scoreAt,
  toCandle,
  toChartTime,
  toSeriesData,
  toVolume,
  withAlpha,
  type ChartBar,
  type ChartTimeframe,
  type VolumeColors,
} from "./chart-data";
import { IndicatorLayer } from "./indicator-layer";
import {
  PALETTE_FALLBACK,
  PALETTE_VARS,
  PatternFlagsCache,
  assignColorSlots,
  barsToColumns,
  displayIndexOf,
  displayTimes,
  legendValuesAt,
  patternHits,
  patternLabelsAt,
  patternMarkers,
  planIndicators,
  roleColor,
  timeframeMs,
  type ChartIndicator,
  type ColorSlot,
  type IndicatorPlan,
  type RoleColors,
} from "./indicator-series";

export interface CandlesChartProps {
  /** Ascending by ts (epoch ms UTC, bar open). Extra fields are ignored. */
  bars: readonly ChartBar[];
  timeframe: ChartTimeframe;
  /** Called when the user scrolls or zooms back near the oldest loaded bar, with that bar's ts. */
  onNeedMore?: (oldestTs: number) => void;
  loading?: boolean;
  /** Height of the price pane in px (the width follows the container); indicator panes add `paneHeight` each. */
  height?: number;
  /** Shown in the legend only: the bars are given already adjusted or raw. */
  adjusted?: boolean;
  /**
   * Indicators to draw (ids from lib/indicators/registry.ts, plus "volume"). When given, volume is
   * drawn only as the "volume" indicator; when undefined, volume sits at the bottom of the price pane.
   */
  indicators?: readonly ChartIndicator[];
  /** Candlestick pattern ids (lib/indicators/patterns.ts) to mark on the candles. */
  patterns?: readonly string[];
  /** Height of each indicator pane in px. */
  paneHeight?: number;
  /** A score series (e.g. a model's predictions at bar times) drawn as a line in its own pane at the bottom. */
  scoreLine?: { label: string; points: readonly { ts: number; value: number }[] } | null;
}

/** Load more when fewer than this many bars are left of the view. */
const NEED_MORE_BARS = 30;
const NEED_MORE_DEBOUNCE_MS = 250;
/** Bars shown when a series is first displayed. */
const INITIAL_VISIBLE_BARS = 200;
/** Above this many new bars, one setData beats many update() calls. */
const MAX_INCREMENTAL_UPDATES = 500;

interface ChartTheme extends RoleColors {
  bg: string;
  text: string;
  border: string;
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
    palette: PALETTE_VARS.map((name, i) => v(name, PALETTE_FALLBACK[i]!)),
  };
}

/** Legend colours before the theme is read (server render, first paint): CSS variables. */
const CSS_COLORS: RoleColors = {
  up: "var(--up)",
  down: "var(--down)",
  muted: "var(--muted)",
  palette: PALETTE_VARS.map((name, i) => `var(${name}, ${PALETTE_FALLBACK[i]!})`),
};

function volumeColors(t: ChartTheme): VolumeColors {
  return { up: withAlpha(t.up, 0.45), down: withAlpha(t.down, 0.45) };
}

function applyTheme(chart: IChartApi, candles: ISeriesApi<"Candlestick">, t: ChartTheme): void {
  chart.applyOptions({
    layout: {
      background: { type: ColorType.Solid, color: t.bg },
      textColor: t.text,
      panes: { separatorColor: t.border, separatorHoverColor: withAlpha(t.muted, 0.25) },
    },
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
  layer: IndicatorLayer;
}

const EMPTY_PATTERNS: readonly string[] = [];

export function CandlesChart({
  bars,
  timeframe,
  onNeedMore,
  loading = false,
  height = 420,
  adjusted,
  indicators,
  patterns = EMPTY_PATTERNS,
  paneHeight = 120,
  scoreLine = null,
}: CandlesChartProps) {
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
  /** Resolved theme colours (null until mounted). */
  const [theme, setTheme] = useState<ChartTheme | null>(null);
  /** Top of each indicator pane, px from the chart's top, by indicator key. */
  const [paneTops, setPaneTops] = useState<Readonly<Record<string, number>>>({});
  const measureFrame = useRef<number | null>(null);

  const withIndicators = indicators !== undefined;

  useEffect(() => {
    latest.current = { bars, onNeedMore, loading };
  });

  // ── Indicator data (pure, memoised; colours are applied by the layer and the legend) ──
  const needColumns = (indicators?.length ?? 0) > 0 || patterns.length > 0;
  const columns = useMemo(() => barsToColumns(needColumns ? bars : []), [bars, needColumns]);
  // One plan cache per bar set: within it, editing one indicator leaves the others' plans (and their
  // series data) untouched.
  const planCache = useMemo(() => ({ columns, plans: new Map<string, IndicatorPlan>() }), [columns]);
  const plans = useMemo(() => (indicators ? planIndicators(indicators, planCache.columns, planCache.plans) : []), [indicators, planCache]);
  const slots = useMemo(() => assignColorSlots(indicators ?? []), [indicators]);
  const futureBars = useMemo(() => plans.reduce((m, p) => Math.max(m, p.futureBars), 0), [plans]);
  const times = useMemo(() => displayTimes(bars, futureBars, timeframeMs(timeframe)), [bars, futureBars, timeframe]);
  const patternCache = useRef<PatternFlagsCache | null>(null);
  const hits = useMemo(() => {
    if (patterns.length === 0 || columns.length === 0) return [];
    patternCache.current ??= new PatternFlagsCache();
    const cache = patternCache.current;
    cache.retain(patterns);
    return patternHits(new Map(patterns.map((id) => [id, cache.flags(id, bars, columns)])), columns.length);
  }, [patterns, bars, columns]);
  const ownPanes = plans.filter((p) => p.pane === "own" && p.outputs.length > 0);
  const volumeOnPrice = !withIndicators || plans.some((p) => p.id === "volume" && p.pane === "price");
  const totalHeight = height + (ownPanes.length + (scoreLine ? 1 : 0)) * paneHeight;
  const scoreSeries = useRef<ISeriesApi<"Line"> | null>(null);

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

  /** Pane rows being watched for size changes (lightweight-charts lays panes out in its own frame). */
  const paneObserver = useRef<ResizeObserver | null>(null);
  const observedPanes = useRef<HTMLElement[]>([]);

  /** Where each indicator pane starts (for its legend), read from the panes' elements. */
  const measurePanesNow = useCallback(() => {
    const h = handles.current;
    const host = hostRef.current;
    if (!h || !host) return;
    const hostTop = host.getBoundingClientRect().top;
    const panes = h.chart.panes();
    const next: Record<string, number> = {};
    for (const [key, index] of h.layer.paneIndexes()) {
      const el = index > 0 ? panes[index]?.getHTMLElement() : null;
      if (el) next[key] = Math.round(el.getBoundingClientRect().top - hostTop);
    }
    const scoreEl = scoreSeries.current?.getPane().getHTMLElement();
    if (scoreEl) next[SCORE_PANE] = Math.round(scoreEl.getBoundingClientRect().top - hostTop);
    setPaneTops((prev) => {
      const a = Object.keys(prev);
      const same = a.length === Object.keys(next).length && a.every((k) => prev[k] === next[k]);
      return same ? prev : next;
    });
    // Re-measure whenever a pane is resized: a pane added/removed above, a separator dragged, a new height.
    const els = panes.map((p) => p.getHTMLElement()).filter((e): e is HTMLElement => e !== null);
    const ro = paneObserver.current;
    if (ro && (els.length !== observedPanes.current.length || els.some((e, i) => e !== observedPanes.current[i]))) {
      ro.disconnect();
      ro.observe(host);
      els.forEach((e) => ro.observe(e));
      observedPanes.current = els;
    }
  }, []);

  /** Measure after the chart has applied a change (its layout happens in a later frame). */
  const measurePanes = useCallback(() => {
    if (measureFrame.current !== null) cancelAnimationFrame(measureFrame.current);
    measureFrame.current = requestAnimationFrame(() => {
      measureFrame.current = requestAnimationFrame(() => {
        measureFrame.current = null;
        measurePanesNow();
      });
    });
  }, [measurePanesNow]);

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
    // Volume on its own overlay scale in the bottom fifth of the pane (classic layout, no indicators).
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" }, lastValueVisible: false, priceLineVisible: false });
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    applyTheme(chart, candles, theme);
    handles.current = { chart, candles, volume, colors: volumeColors(theme), layer: new IndicatorLayer(chart, candles) };
    setTheme(theme);

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
      setTheme(t); // indicators, markers and legends follow through their effects
    };
    const observer = new MutationObserver(retheme);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "class"] });
    const media = window.matchMedia("(prefers-color-scheme: light)");
    media.addEventListener("change", retheme);
    // Pane legends follow pane size changes (the observer fires after layout, so measure right away).
    const resize = new ResizeObserver(() => measurePanesNow());
    resize.observe(container);
    paneObserver.current = resize;

    return () => {
      observer.disconnect();
      media.removeEventListener("change", retheme);
      resize.disconnect();
      paneObserver.current = null;
      observedPanes.current = [];
      if (measureFrame.current !== null) cancelAnimationFrame(measureFrame.current);
      measureFrame.current = null;
      if (needMoreTimer.current) clearTimeout(needMoreTimer.current);
      needMoreTimer.current = null;
      chart.unsubscribeCrosshairMove(onCrosshair);
      chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange);
      chart.remove();
      handles.current = null;
      scoreSeries.current = null;
      // A remount (React strict mode, fast refresh) starts from an empty chart.
      applied.current = { bars: [], timeframe: null };
      requestedOldest.current = null;
    };
  }, [scheduleNeedMore, measurePanesNow]);

  // Intraday axes show times (UTC); daily axes show dates.
  useEffect(() => {
    handles.current?.chart.applyOptions({ timeScale: { timeVisible: isIntraday(timeframe), secondsVisible: false } });
  }, [timeframe]);

  // Classic volume only without indicators; the price pane leaves room at the bottom only for overlaid volume.
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.volume.applyOptions({ visible: !withIndicators });
    h.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: volumeOnPrice ? 0.25 : 0.08 } });
  }, [withIndicators, volumeOnPrice]);

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
            // Bars before the previous last one (a late print re-emitted a closed bar) need historicalUpdate.
            const historical = i < prev.bars.length - 1;
            h.candles.update(toCandle(bars[i]!), historical);
            h.volume.update(toVolume(bars[i]!, h.colors), historical);
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
        // Indicator series of the previous bars would keep their times on the time scale: empty them
        // first (the indicator effect below refills them).
        h.layer.clear();
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

  // Indicators: add/remove series and panes, push changed values (runs after the candles are updated).
  useEffect(() => {
    const h = handles.current;
    if (!h || !theme) return;
    const lastClose = bars[bars.length - 1]?.close;
    h.layer.sync({
      bars,
      columns,
      times,
      plans,
      slots,
      theme,
      pricePrecision: lastClose === undefined ? 2 : pricePrecision(lastClose),
      priceHeight: height,
      paneHeight,
    });
    measurePanes();
  }, [bars, columns, times, plans, slots, theme, height, paneHeight, measurePanes]);

  // Pattern markers on the candles.
  useEffect(() => {
    const h = handles.current;
    if (!h || !theme) return;
    h.layer.setMarkers(patternMarkers(hits, bars, { up: theme.up, down: theme.down, muted: theme.muted }));
  }, [hits, bars, theme]);

  // Score line: its own pane below the indicator panes (created on demand, removed with the prop).
  useEffect(() => {
    const h = handles.current;
    if (!h || !theme) return;
    if (!scoreLine) {
      if (scoreSeries.current) h.chart.removeSeries(scoreSeries.current);
      scoreSeries.current = null;
      return;
    }
    scoreSeries.current ??= h.chart.addSeries(LineSeries, { lineWidth: 2, priceLineVisible: false, lastValueVisible: true, priceFormat: { type: "price", precision: 4, minMove: 0.0001 } }, h.chart.panes().length);
    // Named by its legend (an axis title would cover the line's latest values).
    scoreSeries.current.applyOptions({ color: theme.palette[2] ?? theme.muted });
    // Same relative height as an indicator pane (new panes default to a stretch factor of 1).
    h.chart.panes()[0]?.setStretchFactor(height);
    scoreSeries.current.getPane().setStretchFactor(paneHeight);
    const first = bars[0]?.ts ?? Number.NEGATIVE_INFINITY;
    scoreSeries.current.setData(scoreLine.points.filter((p) => p.ts >= first && Number.isFinite(p.value)).map((p) => ({ time: toChartTime(p.ts), value: p.value })));
    measurePanes();
  }, [scoreLine, bars, theme, height, paneHeight, measurePanes]);

  // Loading finished without the range moving (e.g. the user waited at the edge).
  useEffect(() => {
    if (!loading) scheduleNeedMore();
  }, [loading, scheduleNeedMore]);

  const hoverIndex = hoverTs === null ? -1 : indexOfTs(bars, hoverTs);
  const legend = legendValues(bars, hoverIndex >= 0 ? hoverIndex : bars.length - 1);
  const intraday = isIntraday(timeframe);
  // Indicator legends read the display index: the hovered bar, a future slot (Ichimoku cloud), or the last bar.
  const hoverDisplay = hoverTs === null ? -1 : displayIndexOf(times, hoverTs);
  const displayIndex = hoverDisplay >= 0 ? hoverDisplay : bars.length - 1;
  const colors: RoleColors = theme ?? CSS_COLORS;
  const overlayPlans = plans.filter((p) => p.pane === "price" || p.outputs.length === 0);
  const patternNames = hits.length ? patternLabelsAt(hits, hoverIndex >= 0 ? hoverIndex : bars.length - 1) : [];

  return (
    <div
      data-testid="candles-chart"
      data-timeframe={timeframe}
      data-bars={bars.length}
      data-last-ts={bars.length ? bars[bars.length - 1]!.ts : undefined}
      data-last-close={bars.length ? bars[bars.length - 1]!.close : undefined}
      data-indicators={plans.map((p) => p.key).join(" ")}
      data-score-points={scoreLine ? scoreLine.points.length : undefined}
      aria-busy={loading}
      style={{ position: "relative", width: "100%", height: totalHeight }}
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
          flexDirection: "column",
          alignItems: "flex-start",
          gap: 1,
          fontSize: 11,
          color: "var(--text)",
          maxWidth: "calc(100% - 90px)",
        }}
      >
        <div style={{ display: "flex", flexWrap: "wrap", gap: "2px 10px", ...LEGEND_BOX }}>
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
        {overlayPlans.map((p) => (
          <IndicatorLegendLine key={p.key} plan={p} displayIndex={displayIndex} slot={slots.get(p.key)} colors={colors} />
        ))}
        {patternNames.length ? (
          <div data-testid="pattern-legend" className="muted" style={LEGEND_BOX}>
            {patternNames.join(" · ")}
          </div>
        ) : null}
      </div>
      {ownPanes.map((p) =>
        paneTops[p.key] === undefined ? null : (
          <div
            key={p.key}
            className="mono"
            style={{
              position: "absolute",
              top: paneTops[p.key]! + 4,
              left: 8,
              zIndex: 3,
              pointerEvents: "none",
              fontSize: 11,
              color: "var(--text)",
            }}
          >
            <IndicatorLegendLine plan={p} displayIndex={displayIndex} slot={slots.get(p.key)} colors={colors} testId="pane-legend" />
          </div>
        ),
      )}
      {scoreLine && paneTops[SCORE_PANE] !== undefined ? (
        <div
          className="mono"
          data-testid="score-legend"
          style={{ position: "absolute", top: paneTops[SCORE_PANE] + 4, left: 8, zIndex: 3, pointerEvents: "none", fontSize: 11, ...LEGEND_BOX }}
        >
          <span style={{ color: theme?.palette[2] ?? "var(--muted)" }}>{scoreLine.label}</span>{" "}
          {legend ? (scoreAt(scoreLine.points, legend.ts)?.toFixed(4) ?? "—") : "—"}
        </div>
      ) : null}
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

/** paneTops key of the score pane (indicator keys never start with a NUL). */
const SCORE_PANE = "\u0000score";

/** Each legend line has its own translucent backdrop, so the legend hides as little of the chart as possible. */
const LEGEND_BOX = { background: "color-mix(in srgb, var(--bg) 70%, transparent)", padding: "1px 6px", borderRadius: 4 } as const;

/** "RSI(14) 56.21": the label, then each output's value in its series colour. */
function IndicatorLegendLine({
  plan,
  displayIndex,
  slot,
  colors,
  testId = "indicator-legend",
}: {
  plan: IndicatorPlan;
  displayIndex: number;
  slot: ColorSlot | undefined;
  colors: RoleColors;
  testId?: string;
}) {
  const s = slot ?? { slot: 0 };
  return (
    <div data-testid={testId} data-indicator={plan.key} style={{ display: "flex", flexWrap: "wrap", gap: "0 6px", ...LEGEND_BOX }}>
      <span style={{ color: roleColor("primary", s, colors) }}>{plan.label}</span>
      {plan.error ? (
        <>
          {" "}
          <span className="down">{plan.error}</span>
        </>
      ) : (
        legendValuesAt(plan, displayIndex).map((v) => (
          <Fragment key={v.id}>
            {" "}
            <span style={{ color: roleColor(v.role, s, colors) }}>{v.text}</span>
          </Fragment>
        ))
      )}
    </div>
  );
}
