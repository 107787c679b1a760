/**
 * Dataset specs and window datasets.
 *
 * A sample is (symbol, t): its input is the window of feature rows (t−W, t] of that symbol (nothing after
 * t), its target is the label at t, which covers (t, t+h] and is produced by lib/labels (the only code that
 * reads the future). Samples with a NaN anywhere in their window or label are dropped and counted.
 *
 * Windows are not copied per sample: every symbol's time-major feature rows are concatenated once into
 * `source` and `gatherWindows` materialises a batch (samples × window × features) on demand, so a 60-step
 * window over 59 symbols × 10 years costs 16 × 4 bytes per bar instead of 60× that.
 */
import { z } from "zod";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { CrossSectionScratch, csRank } from "@/lib/features";
import type { FeatureMatrix } from "@/lib/features";
import { direction, forwardReturn } from "@/lib/labels";
import { canonicalJson, ContentHash } from "./util";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ZIsoDate = z
  .string()
  .regex(ISO_DATE, "expected YYYY-MM-DD")
  .refine((s) => Number.isFinite(Date.parse(`${s}T00:00:00Z`)), "invalid date");

const ZHorizon = z.number().int().min(1).max(252);

/** Label of a dataset: forward return over h bars, its direction (±1, 0 in the dead zone), or its cross-sectional percentile rank. */
export const ZLabelSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("forward_return"), horizon: ZHorizon }),
  z.object({ kind: z.literal("direction"), horizon: ZHorizon, deadZone: z.number().min(0).default(0) }),
  z.object({ kind: z.literal("cs_rank"), horizon: ZHorizon }),
]);
export type TLabelSpec = z.infer<typeof ZLabelSpec>;

export const ZDatasetSpec = z
  .object({
    /** Symbols, in the order samples refer to them. */
    universe: z.array(z.string().min(1)).min(1),
    timeframe: z.enum(TIMEFRAMES),
    /** Decision times t in [from, to) (UTC dates). Earlier rows may still feed the first windows. */
    from: ZIsoDate,
    to: ZIsoDate,
    /** Feature set id (lib/features), its definition hash, and optionally the subset of features used, in order. */
    featureSet: z.string().min(1),
    featureSetHash: z.string().optional(),
    features: z.array(z.string().min(1)).optional(),
    label: ZLabelSpec,
    /** Window length in bars (1 for ridge/MLP on the latest row, e.g. 60 for LSTM/GRU). */
    window: z.number().int().min(1).max(1024).default(1),
  })
  .refine((s) => s.from < s.to, { message: "from must be before to", path: ["to"] })
  .refine((s) => new Set(s.universe).size === s.universe.length, { message: "duplicate symbols", path: ["universe"] });
export type TDatasetSpecInput = z.input<typeof ZDatasetSpec>;
export type TDatasetSpec = z.infer<typeof ZDatasetSpec>;

export function parseDatasetSpec(input: TDatasetSpecInput): TDatasetSpec {
  return ZDatasetSpec.parse(input);
}

/** Hash of the spec alone (canonical JSON). */
export function specHash(spec: TDatasetSpec): string {
  return new ContentHash().string(canonicalJson(spec)).digest();
}

/** One symbol's inputs: time-major features and the label series (label[t] covers (t, t+h]). */
export interface SymbolSeries {
  symbol: string;
  /** Bar open times, epoch ms UTC, ascending. */
  ts: Float64Array;
  /** rows × features, time-major: row t at [t·F, (t+1)·F). */
  features: Float32Array;
  /** Label at each row (NaN where undefined). */
  label: Float64Array;
  /** Forward return over the label horizon (for decile spreads); defaults to NaN. */
  fwdReturn?: Float64Array;
}

/** FeatureMatrix (feature-major Float64) → time-major Float32 rows, optionally a subset of features in a given order. */
export function toTimeMajor(m: FeatureMatrix, features?: readonly string[]): Float32Array {
  const idx = features ? features.map((f) => m.indexOf(f)) : Array.from({ length: m.width }, (_, k) => k);
  const n = m.length;
  const F = idx.length;
  const out = new Float32Array(n * F);
  for (let j = 0; j < F; j++) {
    const col = m.values.subarray(idx[j]! * n, (idx[j]! + 1) * n);
    for (let t = 0; t < n; t++) out[t * F + j] = col[t]!;
  }
  return out;
}

/**
 * Labels for a spec from ADJUSTED closes (one entry per symbol, rows aligned with the features): the label
 * series and the forward return over the same horizon. Cross-sectional ranks are percentiles 0..1 across
 * the symbols that have a finite forward return at the same timestamp.
 */
export function makeLabels(label: TLabelSpec, closes: readonly { ts: Float64Array; close: Float64Array }[]): { label: Float64Array; fwdReturn: Float64Array }[] {
  const fwd = closes.map((c) => forwardReturn(c.close, label.horizon));
  if (label.kind === "forward_return") return fwd.map((f) => ({ label: f, fwdReturn: f }));
  if (label.kind === "direction") return fwd.map((f) => ({ label: direction(f, label.deadZone), fwdReturn: f }));
  // cs_rank: group rows by timestamp.
  const byTs = new Map<number, number[]>();
  closes.forEach((c, s) => {
    for (let t = 0; t < c.ts.length; t++) {
      const key = c.ts[t]!;
      let list = byTs.get(key);
      if (!list) byTs.set(key, (list = []));
      list.push(s, t);
    }
  });
  const out = fwd.map((f) => new Float64Array(f.length).fill(Number.NaN));
  const scratch = new CrossSectionScratch();
  for (const list of byTs.values()) {
    const m = list.length >> 1;
    const v = new Float64Array(m);
    const r = new Float64Array(m);
    for (let j = 0; j < m; j++) v[j] = fwd[list[2 * j]!]![list[2 * j + 1]!]!;
    csRank(v, r, scratch);
    for (let j = 0; j < m; j++) out[list[2 * j]!]![list[2 * j + 1]!] = r[j]!;
  }
  return fwd.map((f, s) => ({ label: out[s]!, fwdReturn: f }));
}

export interface DatasetCounts {
  /** Rows with t in [from, to). */
  candidates: number;
  kept: number;
  /** Not enough history for a full window. */
  warmup: number;
  /** A NaN/∞ in the window's features. */
  nanFeatures: number;
  /** NaN label (end of data, missing close, dead zone). */
  nanLabel: number;
}

export interface WindowDataset {
  spec: TDatasetSpec;
  /** Content hash of spec + every input byte (features, labels, timestamps, symbols). */
  hash: string;
  symbols: readonly string[];
  window: number;
  features: number;
  /** Number of samples, sorted by (ts, symbol). */
  n: number;
  /** Every symbol's feature rows concatenated (rows × features, time-major). */
  source: Float32Array;
  /** Row in `source` of each sample's last (= decision-time) step. */
  end: Int32Array;
  /** Symbol index and row within that symbol's series. */
  symbol: Int32Array;
  row: Int32Array;
  /** Decision time t and the end of the label window (ts of row t + h). */
  ts: Float64Array;
  labelEnd: Float64Array;
  y: Float32Array;
  /** Forward return over the label horizon (NaN if not given). */
  fwdReturn: Float64Array;
  horizon: number;
  counts: DatasetCounts;
}

function dayMs(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

/**
 * Builds the samples of a spec from per-symbol series given in `spec.universe` order. Throws on a broken
 * contract (length mismatches, unsorted ts); NaNs are data (dropped and counted).
 */
export function buildWindowDataset(specInput: TDatasetSpecInput | TDatasetSpec, series: readonly SymbolSeries[]): WindowDataset {
  const spec = ZDatasetSpec.parse(specInput);
  if (series.length !== spec.universe.length) throw new RangeError(`spec has ${spec.universe.length} symbols, got ${series.length} series`);
  const W = spec.window;
  const h = spec.label.horizon;
  const from = dayMs(spec.from);
  const to = dayMs(spec.to);
  let F = -1;
  let totalRows = 0;
  const hash = new ContentHash().string(canonicalJson(spec));
  series.forEach((s, k) => {
    if (s.symbol !== spec.universe[k]) throw new RangeError(`series ${k} is ${s.symbol}, spec expects ${spec.universe[k]}`);
    const n = s.ts.length;
    if (s.label.length !== n) throw new RangeError(`${s.symbol}: ${s.label.length} labels for ${n} rows`);
    if (n > 0) {
      if (s.features.length % n !== 0) throw new RangeError(`${s.symbol}: features length ${s.features.length} is not a multiple of ${n} rows`);
      const f = s.features.length / n;
      if (F >= 0 && f !== F) throw new RangeError(`${s.symbol}: ${f} features, others have ${F}`);
      F = f;
    }
    for (let t = 1; t < n; t++) if (!(s.ts[t]! > s.ts[t - 1]!)) throw new RangeError(`${s.symbol}: ts not strictly ascending at row ${t}`);
    if (s.fwdReturn && s.fwdReturn.length !== n) throw new RangeError(`${s.symbol}: fwdReturn length ${s.fwdReturn.length} ≠ ${n}`);
    hash.string(s.symbol).bytes(s.ts).bytes(s.features).bytes(s.label);
    totalRows += n;
  });
  if (F < 0) F = spec.features?.length ?? 0;
  if (spec.features && spec.features.length !== F) throw new RangeError(`spec lists ${spec.features.length} features, series have ${F}`);

  const source = new Float32Array(totalRows * F);
  const counts: DatasetCounts = { candidates: 0, kept: 0, warmup: 0, nanFeatures: 0, nanLabel: 0 };
  const keptSym: number[] = [];
  const keptRow: number[] = [];
  const keptEnd: number[] = [];
  let base = 0;
  series.forEach((s, k) => {
    const n = s.ts.length;
    source.set(s.features, base * F);
    // badUntil: last row (exclusive upper bound search) containing a non-finite feature, scanned once.
    let lastBad = -1;
    for (let t = 0; t < n; t++) {
      for (let j = 0; j < F; j++) {
        const v = s.features[t * F + j]!;
        if (v - v !== 0) {
          lastBad = t;
          break;
        }
      }
      const tt = s.ts[t]!;
      if (tt < from || tt >= to) continue;
      counts.candidates++;
      if (t < W - 1) counts.warmup++;
      else if (lastBad > t - W) counts.nanFeatures++;
      else if (!Number.isFinite(s.label[t]!) || t + h >= n) counts.nanLabel++;
      else {
        keptSym.push(k);
        keptRow.push(t);
        keptEnd.push(base + t);
      }
    }
    base += n;
  });
  const n = keptSym.length;
  counts.kept = n;
  const order = Array.from({ length: n }, (_, i) => i);
  const tsOf = (i: number) => series[keptSym[i]!]!.ts[keptRow[i]!]!;
  order.sort((a, b) => tsOf(a) - tsOf(b) || keptSym[a]! - keptSym[b]!);
  const ds: WindowDataset = {
    spec,
    hash: hash.digest(),
    symbols: spec.universe,
    window: W,
    features: F,
    n,
    source,
    end: new Int32Array(n),
    symbol: new Int32Array(n),
    row: new Int32Array(n),
    ts: new Float64Array(n),
    labelEnd: new Float64Array(n),
    y: new Float32Array(n),
    fwdReturn: new Float64Array(n),
    horizon: h,
    counts,
  };
  order.forEach((i, j) => {
    const s = series[keptSym[i]!]!;
    const t = keptRow[i]!;
    ds.end[j] = keptEnd[i]!;
    ds.symbol[j] = keptSym[i]!;
    ds.row[j] = t;
    ds.ts[j] = s.ts[t]!;
    ds.labelEnd[j] = s.ts[t + h]!;
    ds.y[j] = s.label[t]!;
    ds.fwdReturn[j] = s.fwdReturn ? s.fwdReturn[t]! : Number.NaN;
  });
  return ds;
}

/** Copies the windows of samples `idx` into `out` (idx.length × window × features, time-major per sample). */
export function gatherWindows(ds: WindowDataset, idx: ArrayLike<number>, out = new Float32Array(idx.length * ds.window * ds.features)): Float32Array {
  const W = ds.window;
  const F = ds.features;
  const len = W * F;
  for (let i = 0; i < idx.length; i++) {
    const e = ds.end[idx[i]!]!;
    out.set(ds.source.subarray((e - W + 1) * F, (e + 1) * F), i * len);
  }
  return out;
}

/** Decision-time feature rows of samples `idx` (idx.length × features): the input of ridge / MLP models. */
export function gatherLastStep(ds: WindowDataset, idx: ArrayLike<number>, out = new Float32Array(idx.length * ds.features)): Float32Array {
  const F = ds.features;
  for (let i = 0; i < idx.length; i++) {
    const e = ds.end[idx[i]!]!;
    out.set(ds.source.subarray(e * F, (e + 1) * F), i * F);
  }
  return out;
}

/** Targets of samples `idx`. */
export function gatherTargets(ds: WindowDataset, idx: ArrayLike<number>, out = new Float32Array(idx.length)): Float32Array {
  for (let i = 0; i < idx.length; i++) out[i] = ds.y[idx[i]!]!;
  return out;
}

/** The same dataset with another source (e.g. scaled features); samples and labels are shared. */
export function withSource(ds: WindowDataset, source: Float32Array): WindowDataset {
  if (source.length !== ds.source.length) throw new RangeError(`source length ${source.length} ≠ ${ds.source.length}`);
  return { ...ds, source };
}

/** Subset of a dataset's per-sample arrays (for evaluation on one segment). */
export function pick<T extends Float64Array | Float32Array | Int32Array>(a: T, idx: ArrayLike<number>): T {
  const out = new (a.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]!]!;
  return out;
}
