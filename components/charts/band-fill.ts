/**
 * Band fill between two lines of one price scale (Bollinger/Keltner/Donchian channels, Ichimoku
 * cloud), as a lightweight-charts series primitive attached to one of the two edge series.
 *
 * Only the visible points are projected (on viewport changes), the fill is drawn below the series.
 * "cloud" mode colours each stretch by which edge is on top and splits the polygon where they cross.
 * No lightweight-charts runtime import: the geometry (`bandRuns`) is unit-tested in node.
 */
import type { IPrimitivePaneRenderer, IPrimitivePaneView, ISeriesPrimitive, SeriesAttachedParameter, Time } from "lightweight-charts";
import type { BandPoint } from "./indicator-series";

/** A band point in pixels; `diff` = upper − lower in price units (its sign picks the cloud colour), NaN = gap. */
export interface BandPixel {
  x: number;
  yUpper: number;
  yLower: number;
  diff: number;
}

/** A polygon to fill: the upper edge left → right and the lower edge left → right. */
export interface BandRun {
  positive: boolean;
  upper: [number, number][];
  lower: [number, number][];
}

/**
 * Split band pixels into fillable runs: a gap (NaN) ends a run; with `split`, so does a change of
 * sign of `diff`, at the interpolated crossing point, which both runs share.
 */
export function bandRuns(points: readonly BandPixel[], split: boolean): BandRun[] {
  const runs: BandRun[] = [];
  let run: BandRun | null = null;
  let prev: BandPixel | null = null;
  for (const p of points) {
    const gap = !Number.isFinite(p.x) || !Number.isFinite(p.yUpper) || !Number.isFinite(p.yLower) || Number.isNaN(p.diff);
    if (gap) {
      if (run && run.upper.length > 1) runs.push(run);
      run = null;
      prev = null;
      continue;
    }
    const positive = !split || p.diff >= 0;
    if (!run || !prev) {
      run = { positive, upper: [[p.x, p.yUpper]], lower: [[p.x, p.yLower]] };
    } else if (run.positive !== positive) {
      const t = prev.diff / (prev.diff - p.diff);
      const x = prev.x + t * (p.x - prev.x);
      const y = prev.yUpper + t * (p.yUpper - prev.yUpper);
      run.upper.push([x, y]);
      run.lower.push([x, y]);
      if (run.upper.length > 1) runs.push(run);
      run = { positive, upper: [[x, y], [p.x, p.yUpper]], lower: [[x, y], [p.x, p.yLower]] };
    } else {
      run.upper.push([p.x, p.yUpper]);
      run.lower.push([p.x, p.yLower]);
    }
    prev = p;
  }
  if (run && run.upper.length > 1) runs.push(run);
  return runs;
}

export interface BandFillOptions {
  mode: "fill" | "cloud";
  /** Fill colour ("fill" mode). */
  color: string;
  /** Cloud colours: upper ≥ lower / upper < lower. */
  upColor: string;
  downColor: string;
}

type DrawTarget = Parameters<IPrimitivePaneRenderer["draw"]>[0];

/** First index whose time is ≥ t. */
function lowerBoundTime(points: readonly BandPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class BandFill implements ISeriesPrimitive<Time> {
  private points: readonly BandPoint[] = [];
  private options: BandFillOptions;
  private param: SeriesAttachedParameter<Time> | null = null;
  private runs: BandRun[] = [];
  private readonly views: readonly IPrimitivePaneView[];

  constructor(options: BandFillOptions) {
    this.options = options;
    const renderer: IPrimitivePaneRenderer = { draw: (target) => this.draw(target) };
    this.views = [{ zOrder: () => "bottom", renderer: () => renderer }];
  }

  attached(param: SeriesAttachedParameter<Time>): void {
    this.param = param;
  }

  detached(): void {
    this.param = null;
  }

  setPoints(points: readonly BandPoint[]): void {
    this.points = points;
    this.param?.requestUpdate();
  }

  setOptions(options: Partial<BandFillOptions>): void {
    this.options = { ...this.options, ...options };
    this.param?.requestUpdate();
  }

  updateAllViews(): void {
    const p = this.param;
    this.runs = [];
    if (!p || this.points.length < 2) return;
    const ts = p.chart.timeScale();
    const range = ts.getVisibleRange();
    if (!range) return;
    const from = Math.max(0, lowerBoundTime(this.points, range.from as number) - 1);
    const to = Math.min(this.points.length, lowerBoundTime(this.points, range.to as number) + 2);
    const px: BandPixel[] = [];
    for (let i = from; i < to; i++) {
      const b = this.points[i]!;
      if (!Number.isFinite(b.upper) || !Number.isFinite(b.lower)) {
        px.push({ x: NaN, yUpper: NaN, yLower: NaN, diff: NaN });
        continue;
      }
      const x = ts.timeToCoordinate(b.time as Time);
      const yu = p.series.priceToCoordinate(b.upper);
      const yl = p.series.priceToCoordinate(b.lower);
      px.push(x === null || yu === null || yl === null ? { x: NaN, yUpper: NaN, yLower: NaN, diff: NaN } : { x, yUpper: yu, yLower: yl, diff: b.upper - b.lower });
    }
    this.runs = bandRuns(px, this.options.mode === "cloud");
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views;
  }

  private draw(target: DrawTarget): void {
    const runs = this.runs;
    if (!runs.length) return;
    const o = this.options;
    target.useMediaCoordinateSpace(({ context: ctx }) => {
      for (const r of runs) {
        ctx.fillStyle = o.mode === "fill" ? o.color : r.positive ? o.upColor : o.downColor;
        ctx.beginPath();
        const [x0, y0] = r.upper[0]!;
        ctx.moveTo(x0, y0);
        for (let i = 1; i < r.upper.length; i++) ctx.lineTo(r.upper[i]![0], r.upper[i]![1]);
        for (let i = r.lower.length - 1; i >= 0; i--) ctx.lineTo(r.lower[i]![0], r.lower[i]![1]);
        ctx.closePath();
        ctx.fill();
      }
    });
  }
}
