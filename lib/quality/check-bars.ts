import type { BarColumns } from "../bars/columns";
import { TIMEFRAME_MS, bucketStart, type Timeframe } from "../bars/timeframe";
import { isTradingDay, sessionOf, type CalendarId } from "../calendar";

export type DqSeverity = "info" | "warning" | "error";

export const DQ_RULES = {
  non_finite: "a price or volume is not a finite number",
  invalid_ohlc: "high < low, or open/close outside [low, high]",
  non_positive_price: "a price is zero or negative",
  negative_volume: "volume is negative",
  misaligned_ts: "timestamp is not on the timeframe's bar boundary",
  future_ts: "bar opens in the future",
  duplicate_ts: "the batch has two bars with the same timestamp (the first is kept)",
  out_of_order: "the batch is not in ascending time order (sorted before storing)",
  not_trading_day: "daily bar on a day the exchange was closed",
  outside_session: "intraday bar outside the exchange session",
  spike: "outlier return (robust z-score) that reverts on the next bar or is extreme, not explained by a corporate action",
  stale: "price unchanged with zero volume for many consecutive bars",
  zero_volume: "zero volume on a trading day",
  gap: "bars missing against the exchange calendar",
  tick_late: "live print for a bar whose grace window had passed (not applied)",
  tick_outside_session: "live print outside the exchange session (not applied)",
  tick_invalid: "live print with a non-finite or non-positive price, or a negative size (not applied)",
  tick_future: "live print time ahead of the source clock (not applied)",
  tick_unknown_symbol: "live print for a symbol not in the universe (not applied)",
} as const;
export type DqRule = keyof typeof DQ_RULES;

export interface DqFinding {
  rule: DqRule;
  severity: DqSeverity;
  /** Bar open time (for gaps: the first missing bar). */
  ts: number;
  /** True when the bar is not stored (quarantined). */
  quarantined: boolean;
  message: string;
  values: Record<string, number | string | null>;
}

export interface CheckBarsOptions {
  timeframe: Timeframe;
  calendar: CalendarId;
  /** "now" for the future-timestamp rule (passed in: lib never reads the clock). */
  now: number;
  /** Days (UTC midnight) with a corporate action: their returns are not spikes. */
  actionDays?: ReadonlySet<number>;
  /** Robust z-score threshold for spikes. */
  spikeZ?: number;
  /** Consecutive unchanged zero-volume bars that make a series stale. */
  staleRun?: number;
}

export interface CheckBarsResult {
  /** 1 = store, 0 = quarantined. Same length as the input. */
  keep: Uint8Array;
  findings: DqFinding[];
}

function barValues(c: BarColumns, i: number): Record<string, number | null> {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return { open: num(c.open[i]!), high: num(c.high[i]!), low: num(c.low[i]!), close: num(c.close[i]!), volume: num(c.volume[i]!) };
}

/**
 * Validate one symbol's batch of bars (any order). Bad bars are quarantined (keep = 0) with the rule and
 * their values; suspicious but plausible bars (spikes, stale runs, zero volume) are kept and reported.
 * Gaps are reported against the exchange calendar between the batch's first and last bar.
 */
export function checkBars(c: BarColumns, opts: CheckBarsOptions): CheckBarsResult {
  const n = c.length;
  const keep = new Uint8Array(n).fill(1);
  const findings: DqFinding[] = [];
  const tfMs = TIMEFRAME_MS[opts.timeframe];
  const quarantine = (i: number, rule: DqRule, extra: Record<string, number | string | null> = {}) => {
    if (!keep[i]) return; // one quarantine finding per bar: the first rule that fails
    keep[i] = 0;
    findings.push({ rule, severity: "error", ts: c.ts[i]!, quarantined: true, message: DQ_RULES[rule], values: { ...barValues(c, i), ...extra } });
  };

  // Order and duplicates (sorted input: duplicates are neighbours; otherwise use a set).
  let ordered = true;
  for (let i = 1; i < n; i++) {
    if (c.ts[i]! < c.ts[i - 1]!) {
      ordered = false;
      break;
    }
  }
  if (ordered) {
    for (let i = 1; i < n; i++) if (c.ts[i] === c.ts[i - 1]) quarantine(i, "duplicate_ts");
  } else {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (seen.has(c.ts[i]!)) quarantine(i, "duplicate_ts");
      seen.add(c.ts[i]!);
    }
    if (n > 0) findings.push({ rule: "out_of_order", severity: "warning", ts: c.ts[0]!, quarantined: false, message: DQ_RULES.out_of_order, values: { bars: n } });
  }

  // Per-bar rules. Sessions are looked up once per UTC day.
  let sDay = Number.NaN;
  let sess: { open: number; close: number } | null = null;
  let tradingDay = false;
  for (let i = 0; i < n; i++) {
    const o = c.open[i]!;
    const h = c.high[i]!;
    const l = c.low[i]!;
    const cl = c.close[i]!;
    const v = c.volume[i]!;
    const t = c.ts[i]!;
    if (!(Number.isFinite(o) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(cl) && Number.isFinite(v) && Number.isFinite(t))) {
      quarantine(i, "non_finite");
      continue;
    }
    if (o <= 0 || h <= 0 || l <= 0 || cl <= 0) quarantine(i, "non_positive_price");
    else if (h < l || o < l || o > h || cl < l || cl > h) quarantine(i, "invalid_ohlc");
    else if (v < 0) quarantine(i, "negative_volume");
    else if (bucketStart(t, opts.timeframe) !== t) quarantine(i, "misaligned_ts");
    else if (t > opts.now) quarantine(i, "future_ts", { now: opts.now });
    else {
      const day = Math.floor(t / 86_400_000) * 86_400_000;
      if (day !== sDay) {
        sDay = day;
        tradingDay = isTradingDay(opts.calendar, day);
        sess = opts.timeframe === "1d" ? null : sessionOf(opts.calendar, day);
      }
      if (opts.timeframe === "1d") {
        if (!tradingDay) quarantine(i, "not_trading_day");
      } else if (!sess || t + tfMs <= sess.open || t >= sess.close) quarantine(i, "outside_session");
    }
  }

  // Kept bars in time order, for series rules.
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) idx.push(i);
  idx.sort((a, b) => c.ts[a]! - c.ts[b]!);

  // Spikes: an outlier return (robust z-score on median / MAD of log returns) that reverts on the next
  // bar (out-and-back: the signature of a bad print), or an extreme one (2× the threshold) even without
  // reverting. Days explained by a corporate action are skipped; a real, persistent move is not a spike.
  const spikeZ = opts.spikeZ ?? 10;
  if (idx.length >= 20) {
    const m = idx.length - 1;
    const r = new Float64Array(m);
    for (let k = 1; k < idx.length; k++) r[k - 1] = Math.log(c.close[idx[k]!]! / c.close[idx[k - 1]!]!);
    const med = median(r.slice());
    const dev = new Float64Array(m);
    for (let k = 0; k < m; k++) dev[k] = Math.abs(r[k]! - med);
    const mad = median(dev) * 1.4826;
    if (mad > 0) {
      // Scale: the larger of the whole batch's MAD and the recent (previous 20 bars) mean absolute
      // deviation, so a volatile regime (e.g. March 2020) does not turn every real move into a "spike".
      const W = 20;
      let windowSum = 0;
      for (let k = 1; k < idx.length; k++) {
        const x = r[k - 1]! - med;
        const local = k - 1 >= W ? (windowSum / W) * 1.2533 : 0;
        windowSum += Math.abs(x) - (k - 1 >= W ? Math.abs(r[k - 1 - W]! - med) : 0);
        const scale = Math.max(mad, local);
        const lim = spikeZ * scale;
        if (Math.abs(x) <= lim) continue;
        const next = k < m ? r[k]! - med : 0;
        const reverts = next * x < 0 && Math.abs(next) > 0.6 * Math.abs(x);
        if (!reverts && Math.abs(x) <= 2 * lim) continue;
        const t = c.ts[idx[k]!]!;
        const day = Math.floor(t / 86_400_000) * 86_400_000;
        if (opts.actionDays?.has(day)) continue;
        const z = x / scale;
        findings.push({
          rule: "spike",
          severity: "warning",
          ts: t,
          quarantined: false,
          message: DQ_RULES.spike,
          values: { ...barValues(c, idx[k]!), prevClose: c.close[idx[k - 1]!]!, ret: Math.exp(r[k - 1]!) - 1, z: Math.round(z * 10) / 10 },
        });
      }
    }
  }

  // Stale runs and zero-volume days.
  const staleRun = opts.staleRun ?? 5;
  let run = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const flat = c.volume[i] === 0 && k > 0 && c.close[i] === c.close[idx[k - 1]!] && c.high[i] === c.low[i];
    run = flat ? run + 1 : 0;
    if (run === staleRun) {
      findings.push({ rule: "stale", severity: "warning", ts: c.ts[i]!, quarantined: false, message: DQ_RULES.stale, values: { close: c.close[i]!, bars: run } });
    }
    if (opts.timeframe === "1d" && opts.calendar === "NYSE" && c.volume[i] === 0) {
      findings.push({ rule: "zero_volume", severity: "info", ts: c.ts[i]!, quarantined: false, message: DQ_RULES.zero_volume, values: barValues(c, i) });
    }
  }

  if (idx.length > 1) findings.push(...findGaps(Float64Array.from(idx, (i) => c.ts[i]!), opts.timeframe, opts.calendar));
  return { keep, findings };
}

/** Median by quickselect (O(n), reorders `a`). For even n, the upper middle, like sorted[n >> 1]. */
function median(a: Float64Array): number {
  const k = a.length >> 1;
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/**
 * Missing bars between the first and last given ts (ascending), against the calendar: one finding per
 * contiguous run of missing bars (runs do not span closed periods such as nights and weekends).
 */
export function findGaps(ts: Float64Array, tf: Timeframe, cal: CalendarId): DqFinding[] {
  const out: DqFinding[] = [];
  const step = TIMEFRAME_MS[tf];
  const DAY = 86_400_000;
  for (let k = 1; k < ts.length; k++) {
    const a = ts[k - 1]!;
    const b = ts[k]!;
    if (b - a <= step) continue;
    if (tf === "1d") {
      let first = Number.NaN;
      let missing = 0;
      for (let t = a + DAY; t < b; t += DAY) {
        if (!isTradingDay(cal, t)) {
          if (missing > 0) out.push(gapFinding(first, t, missing, tf));
          missing = 0;
          continue;
        }
        if (missing === 0) first = t;
        missing++;
      }
      if (missing > 0) out.push(gapFinding(first, b, missing, tf));
      continue;
    }
    // Intraday: per session overlapping (a, b), the aligned bars strictly between a and b.
    for (let day = Math.floor(a / DAY) * DAY; day < b; day += DAY) {
      const s = sessionOf(cal, day);
      if (!s) continue;
      // Bars whose interval overlaps [open, close): from floor(open) to the last start before close.
      const firstBar = Math.max(a + step, Math.floor(s.open / step) * step);
      const lastBar = Math.min(b - step, Math.ceil(s.close / step) * step - step);
      if (lastBar < firstBar) continue;
      const missing = Math.floor((lastBar - firstBar) / step) + 1;
      out.push(gapFinding(firstBar, lastBar + step, missing, tf));
    }
  }
  return out;
}

function gapFinding(from: number, to: number, missing: number, tf: Timeframe): DqFinding {
  return {
    rule: "gap",
    severity: "warning",
    ts: from,
    quarantined: false,
    message: `${missing} ${tf} bar(s) missing`,
    values: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), missing },
  };
}
