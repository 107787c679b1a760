/**
 * Imperative part of the indicator chart: keeps lightweight-charts series, panes, guide lines, band
 * fills and pattern markers in step with a list of indicator plans (indicator-series.ts), without
 * recreating the chart.
 *
 * - An indicator keeps its series while its layout (pane, outputs) stays the same; param edits only
 *   setData. Removed indicators lose their series, and their pane disappears with its last series.
 * - Indicators in their own pane get a new pane at the bottom; panes follow the list order.
 * - When bars were appended or the last bar changed, outputs without a display shift get
 *   series.update() for the changed bars only (unless a line has a gap there to hide); anything else is setData (the values are recomputed
 *   anyway: indicators are O(n) and fast).
 *
 * Client-only (imports the lightweight-charts runtime); used by candles-chart.tsx.
 */
import {
  HistogramSeries,
  LineSeries,
  LineStyle,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type LineWidth,
  type PriceFormat,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import type { BarColumns } from "@/lib/bars/columns";
import { BandFill } from "./band-fill";
import { planBarsUpdate, withAlpha, type ChartBar } from "./chart-data";
import {
  bandPoints,
  pointColors,
  roleColor,
  tailHasGap,
  toIndicatorPoints,
  valuePrecision,
  type BandPlan,
  type ColorSlot,
  type HistogramColors,
  type IndicatorPlan,
  type OutputPlan,
  type RoleColors,
} from "./indicator-series";

export type LayerTheme = RoleColors;

export interface LayerInput {
  /** Bars as shown by the candles (ascending). */
  bars: readonly ChartBar[];
  columns: BarColumns;
  /** Display times (epoch ms): the bars' times, then future times for forward shifts. */
  times: readonly number[];
  plans: readonly IndicatorPlan[];
  slots: ReadonlyMap<string, ColorSlot>;
  theme: LayerTheme;
  /** Price pane's format (overlays use the candles' precision). */
  pricePrecision: number;
  /** Relative heights: price pane vs each indicator pane (pane stretch factors). */
  priceHeight: number;
  paneHeight: number;
}

type IndicatorSeries = ISeriesApi<"Line"> | ISeriesApi<"Histogram">;

interface SeriesHandle {
  out: OutputPlan;
  api: IndicatorSeries;
  hasData: boolean;
}

interface Entry {
  key: string;
  layout: string;
  /** The plan whose data the series show (null: none yet, or cleared). */
  plan: IndicatorPlan | null;
  /** Bars that data was computed on. */
  bars: readonly ChartBar[] | null;
  colorKey: string;
  series: SeriesHandle[];
  guides: IPriceLine[];
  bands: { band: BandPlan; fill: BandFill; on: IndicatorSeries }[];
}

const LINE_STYLE: Record<OutputPlan["lineStyle"], LineStyle> = { solid: LineStyle.Solid, dashed: LineStyle.Dashed, dotted: LineStyle.Dotted };

function histColors(t: LayerTheme): HistogramColors {
  return { up: withAlpha(t.up, 0.5), down: withAlpha(t.down, 0.5), upWeak: withAlpha(t.up, 0.3), downWeak: withAlpha(t.down, 0.3) };
}

function macdColors(t: LayerTheme): HistogramColors {
  return { up: withAlpha(t.up, 0.85), down: withAlpha(t.down, 0.85), upWeak: withAlpha(t.up, 0.4), downWeak: withAlpha(t.down, 0.4) };
}

export class IndicatorLayer {
  private readonly chart: IChartApi;
  private readonly entries = new Map<string, Entry>();
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  /** Bars the layer last synced with. */
  private bars: readonly ChartBar[] = [];
  private paneSig = "";

  constructor(chart: IChartApi, candles: ISeriesApi<"Candlestick">) {
    this.chart = chart;
    this.markers = createSeriesMarkers(candles, [], { autoScale: true });
  }

  sync(input: LayerInput): void {
    const { bars, plans } = input;
    const change = this.bars.length === 0 ? ({ kind: "reset" } as const) : planBarsUpdate(this.bars, bars);
    const themeKey = `${input.theme.palette.join(",")}|${input.theme.up}|${input.theme.down}|${input.theme.muted}`;

    // 1. Drop indicators that are gone or whose series structure changed.
    const wanted = new Map(plans.map((p) => [p.key, p]));
    for (const [key, e] of this.entries) {
      const p = wanted.get(key);
      if (!p || p.layout !== e.layout) this.removeEntry(key);
    }

    // 2. Create the new ones (own panes go to the bottom for now).
    for (const plan of plans) {
      if (!this.entries.has(plan.key)) this.entries.set(plan.key, this.createEntry(plan, input));
    }

    // 3. Panes in list order; heights only when the pane set changes (keeps the user's resizing).
    let t = 1;
    const own: string[] = [];
    for (const plan of plans) {
      const e = this.entries.get(plan.key);
      const first = e?.series[0];
      if (plan.pane !== "own" || !first) continue;
      const pane = first.api.getPane();
      if (pane.paneIndex() !== t) pane.moveTo(t);
      own.push(plan.key);
      t++;
    }
    const sig = `${own.join(",")}|${input.priceHeight}|${input.paneHeight}`;
    if (sig !== this.paneSig) {
      this.paneSig = sig;
      this.chart.panes().forEach((p, i) => p.setStretchFactor(i === 0 ? input.priceHeight : input.paneHeight));
    }

    // 4. Colours and data.
    for (const plan of plans) {
      const e = this.entries.get(plan.key);
      if (!e) continue;
      const slot = input.slots.get(plan.key) ?? { slot: 0 };
      const colorKey = `${slot.slot}|${slot.color ?? ""}|${themeKey}|${input.pricePrecision}`;
      const recolor = e.colorKey !== colorKey;
      const newData = e.plan !== plan;
      if (!recolor && !newData) continue;
      // Outputs are in layout order, so the handles map 1:1 onto the new plan's outputs.
      e.series.forEach((s, i) => (s.out = plan.outputs[i]!));
      this.applyStyle(e, plan, slot, input);
      // In place only from the previous last bar on (older points would need historicalUpdate): else setData.
      const tail = newData && change.kind === "update" && change.from >= this.bars.length - 1 && e.bars === this.bars && e.plan?.paramsKey === plan.paramsKey;
      for (const s of e.series) {
        if (!newData && !s.out.coloring) continue;
        const colors = s.out.coloring === "macd" ? macdColors(input.theme) : histColors(input.theme);
        const colorAt = pointColors(s.out, input.columns, colors);
        const breakGaps = s.out.kind === "line";
        if (tail && s.out.shift === 0 && s.hasData && !(breakGaps && tailHasGap(s.out.values, change.from))) {
          for (const pt of toIndicatorPoints(s.out.values, 0, input.times, { colorAt, from: change.from })) s.api.update(pt as never);
        } else {
          const pts = toIndicatorPoints(s.out.values, s.out.shift, input.times, { colorAt, breakGaps });
          s.api.setData(pts as never);
          s.hasData = pts.length > 0;
        }
      }
      if (newData) {
        for (const b of e.bands) {
          const up = plan.outputs.find((o) => o.id === b.band.upper);
          const lo = plan.outputs.find((o) => o.id === b.band.lower);
          b.fill.setPoints(up && lo ? bandPoints(up, lo, input.times) : []);
        }
      }
      e.plan = plan;
      e.bars = bars;
      e.colorKey = colorKey;
    }
    this.bars = bars;
  }

  /** Pane index per indicator key (own-pane indicators with series only). */
  paneIndexes(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, e] of this.entries) {
      const first = e.series[0];
      if (first) out.set(key, first.api.getPane().paneIndex());
    }
    return out;
  }

  setMarkers(markers: readonly SeriesMarker<UTCTimestamp>[]): void {
    this.markers.setMarkers(markers as SeriesMarker<Time>[]);
  }

  /** Empty every series (before the candles switch to unrelated bars, so old times leave the time scale). */
  clear(): void {
    for (const e of this.entries.values()) {
      for (const s of e.series) {
        s.api.setData([]);
        s.hasData = false;
      }
      for (const b of e.bands) b.fill.setPoints([]);
      e.plan = null;
      e.bars = null;
    }
    this.markers.setMarkers([]);
    this.bars = [];
  }

  private createEntry(plan: IndicatorPlan, input: LayerInput): Entry {
    const e: Entry = { key: plan.key, layout: plan.layout, plan: null, bars: null, colorKey: "", series: [], guides: [], bands: [] };
    let paneIndex = plan.pane === "price" ? 0 : this.chart.panes().length;
    for (const out of plan.outputs) {
      const common = { priceLineVisible: false, lastValueVisible: out.axisLabel, ...(out.priceScaleId ? { priceScaleId: out.priceScaleId } : {}) };
      const api: IndicatorSeries =
        out.kind === "histogram"
          ? this.chart.addSeries(HistogramSeries, { ...common, base: 0 }, paneIndex)
          : out.kind === "points"
            ? this.chart.addSeries(LineSeries, { ...common, lineVisible: false, pointMarkersVisible: true, pointMarkersRadius: 2, crosshairMarkerVisible: false }, paneIndex)
            : this.chart.addSeries(LineSeries, { ...common, lineWidth: out.lineWidth as LineWidth, lineStyle: LINE_STYLE[out.lineStyle], crosshairMarkerRadius: 3 }, paneIndex);
      if (e.series.length === 0) paneIndex = api.getPane().paneIndex();
      // Volume overlaid on the price pane sits in its bottom fifth; indicator panes use their full height.
      if (out.priceScaleId) api.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
      else if (plan.pane === "own" && e.series.length === 0) api.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: plan.id === "volume" ? 0 : 0.06 } });
      if (plan.range) {
        const { min, max } = plan.range;
        api.applyOptions({ autoscaleInfoProvider: () => ({ priceRange: { minValue: min, maxValue: max } }) });
      }
      e.series.push({ out, api, hasData: false });
    }
    const first = e.series[0];
    if (first) {
      for (const price of plan.guides) {
        e.guides.push(first.api.createPriceLine({ price, color: input.theme.muted, lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: "" }));
      }
    }
    for (const band of plan.bands) {
      const on = e.series.find((s) => s.out.id === band.upper)?.api;
      if (!on) continue;
      const fill = new BandFill({ mode: band.kind, color: "transparent", upColor: "transparent", downColor: "transparent" });
      on.attachPrimitive(fill);
      e.bands.push({ band, fill, on });
    }
    return e;
  }

  private applyStyle(e: Entry, plan: IndicatorPlan, slot: ColorSlot, input: LayerInput): void {
    const t = input.theme;
    const own = plan.pane === "own";
    const p = own ? valuePrecision(plan.outputs) : input.pricePrecision;
    const numberFormat: PriceFormat = { type: "price", precision: p, minMove: 10 ** -p };
    for (const s of e.series) {
      const base = roleColor(s.out.role, slot, t);
      const color = s.out.alpha !== undefined ? withAlpha(base, s.out.alpha) : base;
      s.api.applyOptions({ color, priceFormat: s.out.format === "volume" ? { type: "volume" } : numberFormat });
    }
    for (const g of e.guides) g.applyOptions({ color: withAlpha(t.muted, 0.7) });
    for (const b of e.bands) {
      const base = roleColor(b.band.role, slot, t);
      b.fill.setOptions({ color: withAlpha(base, 0.08), upColor: withAlpha(t.up, 0.16), downColor: withAlpha(t.down, 0.16) });
    }
  }

  private removeEntry(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    for (const b of e.bands) b.on.detachPrimitive(b.fill);
    for (const s of e.series) this.chart.removeSeries(s.api);
    this.entries.delete(key);
    this.paneSig = "";
  }
}
