/**
 * Corporate-action adjustment. Backward adjustment as a step function: each row says "from ts on,
 * until the next row, multiply raw prices by priceFactor and divide raw volume by volumeFactor".
 * The most recent segment has factors 1, so adjusted and raw prices agree today.
 */
export interface CorporateAction {
  /** Ex-date, UTC midnight epoch ms. */
  ts: number;
  kind: "split" | "dividend" | "spinoff" | "adjustment";
  /**
   * split: new shares per old share; dividend: cash per share; spinoff: price factor (0..1);
   * adjustment: a price factor (0..2) reconciling our factors with a vendor's adjusted series.
   */
  value: number;
}

export interface AdjustmentStep {
  ts: number;
  priceFactor: number;
  volumeFactor: number;
}

/** Start of the first segment: before any data we will ever hold. */
export const ADJ_EPOCH = Date.UTC(1900, 0, 1);

/**
 * Build the step function from actions and the raw daily closes (needed for dividends: the factor is
 * 1 − dividend / close of the day before the ex-date). Actions with no prior close are ignored for
 * dividends (nothing earlier to adjust).
 */
export function adjustmentSteps(actions: readonly CorporateAction[], dailyTs: Float64Array, dailyClose: Float64Array): AdjustmentStep[] {
  const byDay = new Map<number, { price: number; volume: number }>();
  for (const a of actions) {
    const m = byDay.get(a.ts) ?? { price: 1, volume: 1 };
    if (a.kind === "split" && a.value > 0 && a.value !== 1) {
      m.price /= a.value;
      m.volume /= a.value;
    } else if (a.kind === "dividend" && a.value > 0) {
      const prev = closeBefore(a.ts, dailyTs, dailyClose);
      if (prev !== null && prev > a.value) m.price *= 1 - a.value / prev;
    } else if (a.kind === "spinoff" && a.value > 0 && a.value < 1) {
      m.price *= a.value;
    } else if (a.kind === "adjustment" && a.value > 0 && a.value < 2) {
      m.price *= a.value;
    }
    byDay.set(a.ts, m);
  }
  const days = [...byDay.keys()].sort((x, y) => x - y);
  // Walk backwards accumulating: the segment before day d gets the product of all multipliers on/after d.
  const steps: AdjustmentStep[] = [];
  let pf = 1;
  let vf = 1;
  for (let k = days.length - 1; k >= 0; k--) {
    const d = days[k]!;
    steps.push({ ts: d, priceFactor: pf, volumeFactor: vf });
    const m = byDay.get(d)!;
    pf *= m.price;
    vf *= m.volume;
  }
  steps.push({ ts: ADJ_EPOCH, priceFactor: pf, volumeFactor: vf });
  return steps.reverse().filter((s, i, arr) => i === 0 || s.priceFactor !== arr[i - 1]!.priceFactor || s.volumeFactor !== arr[i - 1]!.volumeFactor);
}

function closeBefore(ts: number, dailyTs: Float64Array, dailyClose: Float64Array): number | null {
  // Binary search for the last index with dailyTs < ts.
  let lo = 0;
  let hi = dailyTs.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dailyTs[mid]! < ts) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans >= 0 ? dailyClose[ans]! : null;
}

/** Factor in force at each ts (ts ascending), written into `out`. */
export function factorsAt(steps: readonly AdjustmentStep[], ts: Float64Array, which: "price" | "volume" = "price", out = new Float64Array(ts.length)): Float64Array {
  let k = 0;
  for (let i = 0; i < ts.length; i++) {
    while (k + 1 < steps.length && steps[k + 1]!.ts <= ts[i]!) k++;
    const s = steps[k];
    out[i] = s && s.ts <= ts[i]! ? (which === "price" ? s.priceFactor : s.volumeFactor) : 1;
  }
  return out;
}

/**
 * Reconcile with a vendor's adjusted close: where the vendor's factor (adjClose / close) moves by more
 * than `threshold` between consecutive days relative to our own factors, the vendor knows an event we
 * do not (a spin-off with no action row) or values it differently (a spin-off booked as a cash
 * dividend). Returns the missing events: "spinoff" on a day without any action, else "adjustment".
 */
export function inferAdjustmentEvents(
  ts: Float64Array,
  close: Float64Array,
  adjClose: Float64Array,
  steps: readonly AdjustmentStep[],
  threshold = 0.005,
  actionDays: ReadonlySet<number> = new Set(),
): CorporateAction[] {
  const ours = factorsAt(steps, ts);
  const out: CorporateAction[] = [];
  let prevRatio = Number.NaN;
  for (let i = 0; i < ts.length; i++) {
    const vendor = adjClose[i]! / close[i]!;
    const ratio = vendor / ours[i]!;
    if (Number.isFinite(prevRatio) && Number.isFinite(ratio)) {
      const jump = prevRatio / ratio; // multiplier the vendor applies to earlier prices beyond ours
      if (Math.abs(jump - 1) > threshold && jump > 0 && jump < 2) {
        const kind = !actionDays.has(ts[i]!) && jump < 1 ? "spinoff" : "adjustment";
        out.push({ ts: ts[i]!, kind, value: jump });
      }
    }
    if (Number.isFinite(ratio)) prevRatio = ratio;
  }
  return out;
}

/**
 * Undo split adjustment of a vendor series that is split-adjusted but not dividend-adjusted (Yahoo's
 * chart quotes): raw price = adjusted × (product of split ratios with ex-date after the bar), raw volume
 * = adjusted volume ÷ that product. In place; returns the columns.
 */
export function unadjustSplits<C extends { length: number; ts: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array; vwap: Float64Array }>(
  c: C,
  splits: readonly { ts: number; value: number }[],
): C {
  if (splits.length === 0) return c;
  const sorted = [...splits].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < c.length; i++) {
    let m = 1;
    for (const s of sorted) if (s.ts > c.ts[i]!) m *= s.value;
    if (m === 1) continue;
    c.open[i] = c.open[i]! * m;
    c.high[i] = c.high[i]! * m;
    c.low[i] = c.low[i]! * m;
    c.close[i] = c.close[i]! * m;
    c.vwap[i] = c.vwap[i]! * m;
    c.volume[i] = c.volume[i]! / m;
  }
  return c;
}
