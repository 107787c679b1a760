/**
 * Anchored (session) VWAP: Σ tp·v / Σ v since the start of the bar's anchor period, with
 * tp = (h+l+c)/3. Not in TA-Lib.
 *
 * Anchors are UTC periods derived from the bar's open time `ts` (epoch ms):
 * - "session" (default): the UTC day. This is the exchange session for every calendar we support
 *   (NYSE sessions never cross UTC midnight, crypto days are UTC days; see lib/calendar).
 * - "week": ISO week, Monday 00:00 UTC. - "month": calendar month, UTC.
 * On daily bars a "session" VWAP is simply each bar's typical price.
 * VWAP is NaN while the anchor period's cumulative volume is 0 (no trades yet).
 * A missing ts/high/low/close/volume resets the accumulation (lib/indicators convention).
 */
import type { Bar } from "@/lib/bars/columns";
import type { IncrementalIndicator, Snapshot } from "./core";
import { assertSameLength, Incremental, isMissing } from "./core";

export const VWAP_ANCHORS = ["session", "week", "month"] as const;
export type VwapAnchor = (typeof VWAP_ANCHORS)[number];

const DAY_MS = 86_400_000;

/** Day of the month (1-based) of a day number since 1970-01-01 (H. Hinnant's civil_from_days, no Date allocation). */
function dayOfMonth(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return doy - Math.floor((153 * mp + 2) / 5) + 1;
}

/** Start (epoch ms) of the anchor period containing ts. */
export function anchorStart(ts: number, anchor: VwapAnchor): number {
  const days = Math.floor(ts / DAY_MS);
  if (anchor === "session") return days * DAY_MS;
  if (anchor === "week") {
    const weekday = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Monday = 0
    return (days - weekday) * DAY_MS;
  }
  return (days - (dayOfMonth(days) - 1)) * DAY_MS;
}

export type VwapBar = Pick<Bar, "ts" | "high" | "low" | "close" | "volume">;

export class VwapState implements Snapshot<VwapState> {
  readonly lookback = 0;
  readonly anchor: VwapAnchor;
  private period = NaN;
  private pv = 0;
  private vol = 0;

  constructor(anchor: VwapAnchor = "session") {
    this.anchor = anchor;
  }

  reset(): void {
    this.period = NaN;
    this.pv = 0;
    this.vol = 0;
  }

  next(ts: number, high: number, low: number, close: number, volume: number): number {
    if (isMissing(ts) || isMissing(high) || isMissing(low) || isMissing(close) || isMissing(volume)) {
      this.reset();
      return NaN;
    }
    const start = anchorStart(ts, this.anchor);
    if (start !== this.period) {
      this.period = start;
      this.pv = 0;
      this.vol = 0;
    }
    const tp = (high + low + close) / 3;
    this.pv += tp * volume;
    this.vol += volume;
    return this.vol !== 0 ? this.pv / this.vol : NaN;
  }

  copyFrom(o: VwapState): void {
    this.period = o.period;
    this.pv = o.pv;
    this.vol = o.vol;
  }
}

export function vwap(
  ts: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  anchor: VwapAnchor = "session",
  out = new Float64Array(close.length),
): Float64Array {
  assertSameLength(ts, high, low, close, volume);
  // VwapState as one tight loop over locals (bit-identical).
  const n = close.length;
  const session = anchor === "session";
  let period = NaN;
  let pv = 0;
  let vol = 0;
  for (let i = 0; i < n; i++) {
    if (session && !Number.isNaN(period)) {
      // Steady state of a session VWAP (inside a clean run): the same updates, until the next gap.
      // anchorStart(t) = ⌊t/DAY⌋·DAY is `period` for every t in [period, period + DAY − 1] (division is
      // correctly rounded and monotonic, and t/DAY stays more than half an ulp below the next integer
      // while |period| < 1e15), so the division is skipped there; any other t computes it.
      let periodLast = Math.abs(period) < 1e15 ? period + (DAY_MS - 1) : -Infinity;
      for (; i < n; i++) {
        const t = ts[i]!;
        const h = high[i]!;
        const l = low[i]!;
        const c = close[i]!;
        const v = volume[i]!;
        if (!(Number.isFinite(t) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c) && Number.isFinite(v))) break;
        const start = t >= period && t <= periodLast ? period : Math.floor(t / DAY_MS) * DAY_MS;
        if (start !== period) {
          periodLast = Math.abs(start) < 1e15 ? start + (DAY_MS - 1) : -Infinity;
          period = start;
          pv = 0;
          vol = 0;
        }
        pv += ((h + l + c) / 3) * v;
        vol += v;
        out[i] = vol !== 0 ? pv / vol : NaN;
      }
      if (i === n) break;
    }
    const t = ts[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    if (!(Number.isFinite(t) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c) && Number.isFinite(v))) {
      period = NaN;
      pv = 0;
      vol = 0;
      out[i] = NaN;
      continue;
    }
    const start = session ? Math.floor(t / DAY_MS) * DAY_MS : anchorStart(t, anchor);
    if (start !== period) {
      period = start;
      pv = 0;
      vol = 0;
    }
    const tp = (h + l + c) / 3;
    pv += tp * v;
    vol += v;
    out[i] = vol !== 0 ? pv / vol : NaN;
  }
  return out;
}

export function vwapIncremental(anchor: VwapAnchor = "session"): IncrementalIndicator<VwapBar, number> {
  return new Incremental(() => new VwapState(anchor), (s, b: VwapBar) => s.next(b.ts, b.high, b.low, b.close, b.volume));
}
