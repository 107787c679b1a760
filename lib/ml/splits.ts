/**
 * Walk-forward splits by time with purge and embargo.
 *
 * Periods are the distinct decision timestamps of the samples. Fold k (k = 0 … folds−1, oldest first) is
 *
 *   [ train …………… ) embargo [ val … ) embargo [ test … )
 *
 * where the test blocks of consecutive folds tile the last `folds × testPeriods` periods, train is
 * expanding (from the first period) or rolling (`trainPeriods`), and `embargo` periods are skipped before
 * each later segment. Purge: a train (val) sample is dropped when its label window (t, labelEnd] reaches the
 * first period of the next segment, i.e. labelEnd ≥ start of val (test). With embargo ≥ horizon the purge
 * removes nothing; with embargo 0 it removes the last `horizon` periods of train.
 */
import { z } from "zod";
import type { WindowDataset } from "./dataset";

export const ZWalkForwardOptions = z
  .object({
    folds: z.number().int().min(1).max(100).default(1),
    testPeriods: z.number().int().min(1),
    valPeriods: z.number().int().min(0).default(0),
    /** Rolling train window in periods; omitted = expanding from the first period. */
    trainPeriods: z.number().int().min(1).optional(),
    /** A fold whose train segment would have fewer periods is an error. */
    minTrainPeriods: z.number().int().min(1).default(1),
    embargo: z.number().int().min(0).default(0),
  })
  .strict();
export type TWalkForwardOptions = z.input<typeof ZWalkForwardOptions>;

export interface Segment {
  /** Sample indices, ascending. */
  idx: Int32Array;
  /** Period range [from, to) in ts (to = first period after the segment, or +∞). */
  from: number;
  to: number;
  periods: number;
}

export interface Fold {
  fold: number;
  train: Segment;
  val: Segment;
  test: Segment;
  /** Samples removed because their label window reached the next segment. */
  purged: { train: number; val: number };
}

/** Sorted distinct values of ts. */
export function periodsOf(ts: Float64Array): Float64Array {
  const s = Float64Array.from(ts).sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[m - 1]) s[m++] = s[i]!;
  return s.slice(0, m);
}

/**
 * Walk-forward folds over samples with decision times `ts` and label-window ends `labelEnd` (both per
 * sample, any order). Throws when the data cannot hold the requested folds.
 */
export function walkForwardSplits(data: { ts: Float64Array; labelEnd: Float64Array }, options: TWalkForwardOptions): Fold[] {
  const o = ZWalkForwardOptions.parse(options);
  const { ts, labelEnd } = data;
  if (labelEnd.length !== ts.length) throw new RangeError(`labelEnd has ${labelEnd.length} values, ts ${ts.length}`);
  const P = periodsOf(ts);
  const at = (p: number) => (p < P.length ? P[p]! : Number.POSITIVE_INFINITY);
  const folds: Fold[] = [];
  for (let k = 0; k < o.folds; k++) {
    const testStart = P.length - (o.folds - k) * o.testPeriods;
    const testEnd = testStart + o.testPeriods;
    const valEnd = o.valPeriods > 0 ? testStart - o.embargo : testStart;
    const valStart = valEnd - o.valPeriods;
    const trainEnd = valStart - o.embargo;
    const trainStart = o.trainPeriods === undefined ? 0 : Math.max(0, trainEnd - o.trainPeriods);
    if (trainEnd - trainStart < o.minTrainPeriods || trainStart < 0) {
      throw new RangeError(`fold ${k}: ${Math.max(0, trainEnd - trainStart)} train periods (< ${o.minTrainPeriods}); ${P.length} periods cannot hold ${o.folds} folds`);
    }
    const seg = (a: number, b: number) => ({ from: at(a), to: at(b) });
    const tr = seg(trainStart, trainEnd);
    const va = seg(valStart, valEnd);
    const te = seg(testStart, testEnd);
    // The first period of the segment that follows train (val if any, else test).
    const afterTrain = o.valPeriods > 0 ? va.from : te.from;
    const train: number[] = [];
    const val: number[] = [];
    const test: number[] = [];
    let purgedTrain = 0;
    let purgedVal = 0;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t >= tr.from && t < tr.to) {
        if (labelEnd[i]! >= afterTrain) purgedTrain++;
        else train.push(i);
      } else if (o.valPeriods > 0 && t >= va.from && t < va.to) {
        if (labelEnd[i]! >= te.from) purgedVal++;
        else val.push(i);
      } else if (t >= te.from && t < te.to) test.push(i);
    }
    folds.push({
      fold: k,
      train: { idx: Int32Array.from(train), ...tr, periods: trainEnd - trainStart },
      val: { idx: Int32Array.from(val), ...va, periods: valEnd - valStart },
      test: { idx: Int32Array.from(test), ...te, periods: o.testPeriods },
      purged: { train: purgedTrain, val: purgedVal },
    });
  }
  return folds;
}

/** One train / val / test split by fractions of the periods (a single walk-forward fold). */
export function holdoutSplit(ds: Pick<WindowDataset, "ts" | "labelEnd">, opts: { valFraction?: number; testFraction?: number; embargo?: number } = {}): Fold {
  const P = periodsOf(ds.ts).length;
  const testPeriods = Math.max(1, Math.round(P * (opts.testFraction ?? 0.2)));
  const valPeriods = Math.round(P * (opts.valFraction ?? 0.15));
  return walkForwardSplits(ds, { folds: 1, testPeriods, valPeriods, embargo: opts.embargo ?? 0 })[0]!;
}
