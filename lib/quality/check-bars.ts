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
  spike: "return is an outlier (robust z-score) not explained by a corporate action",
  stale: "price unchanged with zero volume for many consecutive bars",
  zero_volume: "zero volume on a trading day",
  gap: "bars missing against the exchange calendar",
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

  // Order and duplicates.
  let ordered = true;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const t = c.ts[i]!;
    if (i > 0 && t < c.ts[i - 1]!) ordered = false;
    if (seen.has(t)) quarantine(i, "duplicate_ts");
    seen.add(t);
  }
  if (!ordered && n > 0) {
    findings.push({ rule: "out_of_order", severity: "warning", ts: c.ts[0]!, quarantined: false, message: DQ_RULES.out_of_order, values: { bars: n } });
  }

  for (let i = 0; i < n; i++) {
    const o = c.open[i]!;
    const h = c.high[i]!;
    const l = c.low[i]!;
    const cl = c.close[i]!;
    const v = c.volume[i]!;
    const t = c.ts[i]!;
    if (![o, h, l, cl, v, t].every(Number.isFinite)) quarantine(i, "non_finite");
    else if (o <= 0 || h <= 0 || l <= 0 || cl <= 0) quarantine(i, "non_positive_price");
    else if (h < l || o < l || o > h || cl < l || cl > h) quarantine(i, "invalid_ohlc");
    else if (v < 0) quarantine(i, "negative_volume");
    else if (bucketStart(t, opts.timeframe) !== t) quarantine(i, "misaligned_ts");
    else if (t > opts.now) quarantine(i, "future_ts", { now: opts.now });
    else if (opts.timeframe === "1d" && !isTradingDay(opts.calendar, t)) quarantine(i, "not_trading_day");
    else if (opts.timeframe !== "1d") {
      const s = sessionOf(opts.calendar, t);
      if (!s || t + tfMs <= s.open || t >= s.close) quarantine(i, "outside_session");
    }
  }

  // Kept bars in time order, for series rules.
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) idx.push(i);
  idx.sort((a, b) => c.ts[a]! - c.ts[b]!);

  // Spikes: robust z-score (median / MAD) of log returns, skipping days explained by corporate actions.
  const spikeZ = opts.spikeZ ?? 12;
  if (idx.length >= 20) {
    const r: number[] = [];
    for (let k = 1; k < idx.length; k++) r.push(Math.log(c.close[idx[k]!]! / c.close[idx[k - 1]!]!));
    const sorted = [...r].sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1]!;
    const dev = r.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
    const mad = dev[dev.length >> 1]! * 1.4826;
    if (mad > 0) {
      for (let k = 1; k < idx.length; k++) {
        const z = (r[k - 1]! - med) / mad;
        const t = c.ts[idx[k]!]!;
        const day = Math.floor(t / 86_400_000) * 86_400_000;
        if (Math.abs(z) > spikeZ && !opts.actionDays?.has(day)) {
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

/** Missing bars between the first and last given ts (ascending), against the calendar. */
export function findGaps(ts: Float64Array, tf: Timeframe, cal: CalendarId): DqFinding[] {
  const out: DqFinding[] = [];
  const step = TIMEFRAME_MS[tf];
  const expectedAt = (t: number): boolean => {
    if (tf === "1d") return isTradingDay(cal, t);
    const s = sessionOf(cal, t);
    return s !== null && t + step > s.open && t < s.close;
  };
  for (let k = 1; k < ts.length; k++) {
    const a = ts[k - 1]!;
    const b = ts[k]!;
    if (b - a <= step) continue;
    let first = Number.NaN;
    let missing = 0;
    for (let t = a + step; t < b; t += step) {
      if (!expectedAt(t)) {
        if (missing > 0) {
          out.push(gapFinding(first, t, missing, tf));
          missing = 0;
        }
        continue;
      }
      if (missing === 0) first = t;
      missing++;
    }
    if (missing > 0) out.push(gapFinding(first, b, missing, tf));
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
