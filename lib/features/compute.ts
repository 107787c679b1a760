/**
 * Computing a feature set: per-symbol time-series matrices, then cross-sectional columns.
 *
 * Layout: a FeatureMatrix is FEATURE-MAJOR (struct of arrays in one flat Float64Array): feature k of
 * the set occupies values[k·length, (k+1)·length). Every kernel writes one contiguous column in a
 * single O(n) pass, and `column(k)` is a view, which is the fastest layout to compute and to read a
 * series from. Storage wants one vector per (symbol, ts) in set order: `row(i, out)` gathers it
 * (into a Float32Array for `real[]`). Values are float64 so that point-in-time and scale checks are
 * exact; narrowing to float32 is the storage layer's decision.
 */
import type { BarColumns } from "@/lib/bars/columns";
import { FeatureContext } from "./context";
import { CrossSectionScratch } from "./cross-section";
import { DEFAULT_FEATURE_SET, type FeatureSet, getFeatureSet } from "./feature-set";
import type { CsFeatureDef } from "./types";

/** Feature values of one symbol: `length` rows (bars) × `width` features, feature-major. */
export class FeatureMatrix {
  readonly set: FeatureSet;
  /** Number of rows (bars). */
  length = 0;
  /** Row timestamps: a view of the bars' ts (epoch ms UTC, ascending), not a copy. */
  ts: Float64Array = new Float64Array(0);
  /** Feature-major values, width × length: feature k at [k·length, (k+1)·length). */
  values: Float64Array<ArrayBuffer> = new Float64Array(0);
  private storage: Float64Array<ArrayBuffer>;

  constructor(set: string | FeatureSet = DEFAULT_FEATURE_SET, capacity = 0) {
    this.set = getFeatureSet(set);
    this.storage = new Float64Array(this.set.features.length * capacity);
  }

  /** Number of features (columns) = the set's size. */
  get width(): number {
    return this.set.features.length;
  }

  /** Sets the row count, reusing the storage when it is large enough (contents unspecified). */
  resize(length: number): this {
    const need = this.width * length;
    if (this.storage.length < need) this.storage = new Float64Array(Math.max(need, Math.ceil(this.storage.length * 1.5)));
    this.length = length;
    this.values = this.storage.subarray(0, need);
    return this;
  }

  /** Position of a feature in storage order (by name or position). */
  indexOf(feature: string | number): number {
    const k = typeof feature === "number" ? feature : this.set.index.get(feature);
    if (k === undefined || !Number.isInteger(k) || k < 0 || k >= this.width) throw new RangeError(`unknown feature ${feature} in ${this.set.id}`);
    return k;
  }

  /** The series of one feature (a view, length rows). */
  column(feature: string | number): Float64Array {
    const k = this.indexOf(feature);
    return this.values.subarray(k * this.length, (k + 1) * this.length);
  }

  /** The feature vector of row i in storage order (what one stored row holds). */
  row<T extends Float32Array | Float64Array>(i: number, out?: T): T {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`row ${i} out of range [0, ${this.length})`);
    const dst = (out ?? new Float64Array(this.width)) as T;
    if (dst.length < this.width) throw new RangeError(`row buffer holds ${dst.length} values, the set has ${this.width}`);
    const n = this.length;
    const v = this.values;
    for (let k = 0, o = i; k < this.width; k++, o += n) dst[k] = v[o]!;
    return dst;
  }
}

export interface ComputeFeaturesOptions {
  /** Feature set id or definition (default core-v1). */
  set?: string | FeatureSet;
  /** Matrix to fill (reused: resized in place). Must belong to the same set. */
  out?: FeatureMatrix;
  /** Working state to reuse across symbols (scratch buffers). */
  context?: FeatureContext;
}

/**
 * Time-series features of one symbol, in one pass per feature over its bars.
 *
 * `bars` must be ADJUSTED (split/dividend adjusted OHLC; see lib/bars/adjust.ts) and ascending in
 * ts. Row i of the result reads bars [0..i] only. Cross-sectional columns are left NaN: fill them
 * with `fillCrossSectional` (or `computeCrossSectionalPanel`) once every symbol is computed.
 */
export function computeFeatures(bars: BarColumns, opts: ComputeFeaturesOptions = {}): FeatureMatrix {
  const set = opts.out ? opts.out.set : getFeatureSet(opts.set);
  if (opts.set !== undefined && getFeatureSet(opts.set) !== set) throw new RangeError(`out matrix belongs to ${set.id}, not the requested set`);
  const ctx = (opts.context ?? new FeatureContext()).reset(bars);
  const n = ctx.n;
  const m = (opts.out ?? new FeatureMatrix(set)).resize(n);
  m.ts = ctx.ts;
  const v = m.values;
  const defs = set.features;
  for (let k = 0; k < defs.length; k++) {
    const def = defs[k]!;
    const col = v.subarray(k * n, (k + 1) * n);
    if (def.kind === "ts") def.compute(ctx, col);
    else col.fill(NaN);
  }
  return m;
}

/** A series of rows with ascending timestamps (a FeatureMatrix, a LabelMatrix, BarColumns…). */
export interface TimestampedRows {
  length: number;
  ts: Float64Array;
}

/**
 * Walks the union of the timestamps of several series (each strictly ascending) in ascending
 * order. At each timestamp `visit(t, count, members, rows)` receives the `count` series that have a
 * row at t: series index `members[j]` at row `rows[j]` (the arrays are reused between calls).
 * A merge: O(series × timestamps), no allocation per timestamp. Throws RangeError when a series'
 * ts is not finite and strictly ascending.
 */
export function forEachCrossSection(
  series: readonly TimestampedRows[],
  visit: (t: number, count: number, members: Int32Array, rows: Int32Array) => void,
): void {
  const S = series.length;
  series.forEach((m, s) => {
    for (let i = 0; i < m.length; i++) {
      const t = m.ts[i]!;
      if (!Number.isFinite(t) || (i > 0 && !(t > m.ts[i - 1]!))) throw new RangeError(`series ${s}: ts must be finite and strictly ascending (row ${i})`);
    }
  });
  const cursor = new Int32Array(S);
  const members = new Int32Array(S);
  const rows = new Int32Array(S);
  for (;;) {
    let tmin = Infinity;
    for (let s = 0; s < S; s++) {
      const m = series[s]!;
      const r = cursor[s]!;
      if (r < m.length) {
        const t = m.ts[r]!;
        if (t < tmin) tmin = t;
      }
    }
    if (tmin === Infinity) return;
    let count = 0;
    for (let s = 0; s < S; s++) {
      const m = series[s]!;
      const r = cursor[s]!;
      if (r < m.length && m.ts[r] === tmin) {
        members[count] = s;
        rows[count] = r;
        cursor[s] = r + 1;
        count++;
      }
    }
    visit(tmin, count, members, rows);
  }
}

/**
 * Fills the cross-sectional columns of every matrix (all of the same set), aligning the symbols on
 * timestamps: at each ts of the union of the matrices' ts, the cross-section is the symbols that
 * have a row at that ts (a symbol without a bar, or with a NaN base value, is absent and gets NaN).
 * Only values at that ts are combined, and those read bars ≤ ts: no symbol's future is used.
 */
export function fillCrossSectional(matrices: readonly FeatureMatrix[], scratch = new CrossSectionScratch()): void {
  const S = matrices.length;
  if (S === 0) return;
  const set = matrices[0]!.set;
  const C = set.csIndices.length;
  matrices.forEach((m, s) => {
    if (m.set !== set) throw new RangeError(`matrix ${s} belongs to ${m.set.id}, expected ${set.id}`);
  });
  if (C === 0) return;
  const defs = set.csIndices.map((k) => set.features[k] as CsFeatureDef);
  // Views per (cs feature, symbol) of the base and the output column.
  const baseCols = set.csBaseIndices.map((b) => matrices.map((m) => m.column(b)));
  const outCols = set.csIndices.map((k) => matrices.map((m) => m.column(k)));
  const xs = new Float64Array(S);
  const ys = new Float64Array(S);
  scratch.ensure(S);
  forEachCrossSection(matrices, (_t, count, members, rows) => {
    const x = xs.subarray(0, count);
    const y = ys.subarray(0, count);
    for (let c = 0; c < C; c++) {
      const base = baseCols[c]!;
      const dst = outCols[c]!;
      for (let j = 0; j < count; j++) x[j] = base[members[j]!]![rows[j]!]!;
      defs[c]!.compute(x, y, scratch);
      for (let j = 0; j < count; j++) dst[members[j]!]![rows[j]!] = y[j]!;
    }
  });
}

/** Names of the time-series features the set's cross-sectional features read (distinct, in set order). */
export function crossSectionalBases(set: string | FeatureSet = DEFAULT_FEATURE_SET): string[] {
  const fs = getFeatureSet(set);
  return [...new Set(fs.csBaseIndices.map((b) => fs.names[b]!))].sort((a, b) => fs.index.get(a)! - fs.index.get(b)!);
}

/**
 * A block of cross-sections already aligned by the caller (e.g. read per date from storage):
 * `timestamps` rows × `symbols` columns, TIMESTAMP-MAJOR: the value of symbol s at row t is
 * `[t · symbols + s]`; NaN marks an absent symbol.
 */
export interface CrossSectionPanel {
  symbols: number;
  timestamps: number;
  /** Values of every `crossSectionalBases(set)` feature, by name. */
  base: Readonly<Record<string, Float64Array>>;
}

/**
 * Cross-sectional features over a panel. Returns (or fills `out`) one timestamp-major
 * Float64Array per cross-sectional feature of the set, by name. Rows are independent, so a long
 * history can be processed in blocks of timestamps.
 */
export function computeCrossSectionalPanel(
  setId: string | FeatureSet,
  panel: CrossSectionPanel,
  out: Record<string, Float64Array> = {},
  scratch = new CrossSectionScratch(),
): Record<string, Float64Array> {
  const set = getFeatureSet(setId);
  const { symbols: S, timestamps: T } = panel;
  const size = S * T;
  scratch.ensure(S);
  set.csIndices.forEach((k) => {
    const def = set.features[k] as CsFeatureDef;
    const base = panel.base[def.base];
    if (!base || base.length < size) throw new RangeError(`panel.base.${def.base} must hold ${size} values`);
    let dst = out[def.name];
    if (!dst || dst.length < size) dst = out[def.name] = new Float64Array(size);
    for (let t = 0, o = 0; t < T; t++, o += S) def.compute(base.subarray(o, o + S), dst.subarray(o, o + S), scratch);
  });
  return out;
}
