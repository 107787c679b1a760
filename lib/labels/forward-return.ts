/**
 * Forward returns: the ONLY code in the project that reads bars after t (STYLE.md §6.4).
 *
 * Labels are training targets, never model inputs. Nothing in lib/features may import lib/labels
 * (lib/features/no-labels-import.test.ts enforces it), and a dataset builder must purge/embargo each
 * sample by its label's horizon (`LabelDef.horizon`) between train and test segments.
 */

import { missing, NA } from "@/lib/features/rolling";

function assertHorizon(h: number): void {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be an integer >= 1, got ${h}`);
}

/**
 * Forward return over `h` bars: out[t] = close[t + h] / close[t] − 1. NaN where t + h is beyond the
 * data (the last h rows) or either close is missing. `close` must be ADJUSTED (a split inside the
 * horizon would otherwise look like a crash). The horizon counts bars, not calendar days.
 */
export function forwardReturn(close: Float64Array, h: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  assertHorizon(h);
  const n = close.length;
  if (out.length < n) throw new RangeError(`out holds ${out.length} values, close has ${n}`);
  const end = Math.max(0, n - h);
  for (let t = 0; t < end; t++) {
    const c0 = close[t]!;
    const c1 = close[t + h]!;
    out[t] = missing(c0) || missing(c1) ? NA : c1 / c0 - 1;
  }
  out.fill(NA, end, n);
  return out;
}

/**
 * Direction of a forward return with a dead zone: +1 when r > deadZone, −1 when r < −deadZone,
 * 0 inside the zone (deadZone 0: the sign, 0 for an exactly flat return). NaN stays NaN.
 */
export function direction(fwd: Float64Array, deadZone = 0, out: Float64Array = new Float64Array(fwd.length)): Float64Array {
  if (!(deadZone >= 0)) throw new RangeError(`deadZone must be >= 0, got ${deadZone}`);
  for (let t = 0; t < fwd.length; t++) {
    const r = fwd[t]!;
    out[t] = r > deadZone ? 1 : r < -deadZone ? -1 : r === r ? 0 : NA;
  }
  return out;
}

/**
 * Binary up/down target: 1 when r > deadZone, 0 when r < −deadZone, NaN inside the dead zone (the
 * ambiguous samples are dropped rather than labelled) and where r is NaN.
 */
export function upDown(fwd: Float64Array, deadZone = 0, out: Float64Array = new Float64Array(fwd.length)): Float64Array {
  if (!(deadZone >= 0)) throw new RangeError(`deadZone must be >= 0, got ${deadZone}`);
  for (let t = 0; t < fwd.length; t++) {
    const r = fwd[t]!;
    out[t] = r > deadZone ? 1 : r < -deadZone ? 0 : NA;
  }
  return out;
}
