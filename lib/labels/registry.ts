/**
 * Label set `labels-v1`: training targets in a fixed order, each declaring its horizon (bars of
 * future it reads) so dataset builders can purge and embargo.
 *
 * Names follow STYLE.md §3 (`LABEL_<what>`); the `…_1D/5D/20D` suffix is the horizon in bars (days
 * on daily bars). All labels read ADJUSTED closes.
 */
import type { BarColumns } from "@/lib/bars/columns";
import { CrossSectionScratch, csRank, fnv1a64, forEachCrossSection } from "@/lib/features";
import { direction, forwardReturn } from "./forward-return";

export interface LabelContext {
  /** Adjusted closes of one symbol. */
  close: Float64Array;
  /** Memoised forward return for horizon h (shared by the labels of that horizon). */
  fwd(h: number): Float64Array;
}

interface LabelDefBase {
  name: string;
  description: string;
  /** Bars after t the label reads: samples closer than this to a train/test boundary must be purged. */
  horizon: number;
}

/** Per-symbol label. */
export interface TsLabelDef extends LabelDefBase {
  kind: "ts";
  compute(ctx: LabelContext, out: Float64Array): void;
}

/** Cross-sectional label: percentile rank (0..1) of a per-symbol label across symbols per timestamp. */
export interface CsLabelDef extends LabelDefBase {
  kind: "cs";
  base: string;
}

export type LabelDef = TsLabelDef | CsLabelDef;

export const LABELS_CODE_VERSION = 1;

const fwdRet = (h: number): TsLabelDef => ({
  kind: "ts",
  name: `LABEL_FWD_RET_${h}D`,
  description: `Forward return over ${h} bar${h > 1 ? "s" : ""}: close[t+${h}] / close[t] − 1 (NaN in the last ${h} rows).`,
  horizon: h,
  compute: (ctx, out) => out.set(ctx.fwd(h)),
});

const dir = (h: number): TsLabelDef => ({
  kind: "ts",
  name: `LABEL_DIR_${h}D`,
  description: `Direction of the ${h}-bar forward return: +1 up, −1 down, 0 exactly flat (dead zone 0).`,
  horizon: h,
  compute: (ctx, out) => direction(ctx.fwd(h), 0, out),
});

const csRankOf = (h: number): CsLabelDef => ({
  kind: "cs",
  name: `LABEL_CSRANK_FWD_RET_${h}D`,
  description: `Cross-sectional percentile rank (0..1, ties averaged) of LABEL_FWD_RET_${h}D across the symbols at t.`,
  horizon: h,
  base: `LABEL_FWD_RET_${h}D`,
});

/** labels-v1 in storage order. Frozen like feature sets: add labels-v2 rather than editing. */
export const LABELS: readonly LabelDef[] = [fwdRet(1), fwdRet(5), fwdRet(20), dir(1), dir(5), dir(20), csRankOf(1), csRankOf(5), csRankOf(20)];

export const LABEL_SET_ID = "labels-v1";
export const LABEL_NAMES: readonly string[] = LABELS.map((l) => l.name);
const LABEL_INDEX = new Map(LABEL_NAMES.map((n, i) => [n, i]));
/** Short hash of the label definitions (id, code version, names, horizons). */
export const LABEL_SET_HASH = fnv1a64(`${LABEL_SET_ID}|code=${LABELS_CODE_VERSION}|` + LABELS.map((l) => `${l.name}:${l.kind}:${l.horizon}`).join(";")).slice(0, 12);
/** Largest horizon of the set: the purge/embargo a dataset built from every label needs. */
export const MAX_LABEL_HORIZON = LABELS.reduce((m, l) => Math.max(m, l.horizon), 0);

export function labelNames(): readonly string[] {
  return LABEL_NAMES;
}

export function describeLabels(): { index: number; name: string; description: string; horizon: number; kind: "ts" | "cs" }[] {
  return LABELS.map((l, index) => ({ index, name: l.name, description: l.description, horizon: l.horizon, kind: l.kind }));
}

/** Labels of one symbol, label-major like FeatureMatrix: label k at values[k·length, (k+1)·length). */
export class LabelMatrix {
  length: number;
  ts: Float64Array;
  values: Float64Array;

  constructor(ts: Float64Array, length: number) {
    this.length = length;
    this.ts = ts;
    this.values = new Float64Array(LABELS.length * length);
  }

  get width(): number {
    return LABELS.length;
  }

  column(label: string | number): Float64Array {
    const k = typeof label === "number" ? label : LABEL_INDEX.get(label);
    if (k === undefined || !Number.isInteger(k) || k < 0 || k >= LABELS.length) throw new RangeError(`unknown label ${label}`);
    return this.values.subarray(k * this.length, (k + 1) * this.length);
  }
}

/**
 * Per-symbol labels from ADJUSTED bars. Cross-sectional labels are left NaN: fill them with
 * `fillCrossSectionalLabels` once every symbol is computed.
 */
export function computeLabels(bars: BarColumns): LabelMatrix {
  const n = bars.length;
  const close = bars.close.subarray(0, n);
  const m = new LabelMatrix(bars.ts.subarray(0, n), n);
  const memo = new Map<number, Float64Array>();
  const ctx: LabelContext = {
    close,
    fwd(h) {
      let f = memo.get(h);
      if (!f) memo.set(h, (f = forwardReturn(close, h)));
      return f;
    },
  };
  LABELS.forEach((def, k) => {
    const col = m.column(k);
    if (def.kind === "ts") def.compute(ctx, col);
    else col.fill(NaN);
  });
  return m;
}

/** Fills the cross-sectional labels of every matrix, aligning symbols on timestamps (NaN-aware). */
export function fillCrossSectionalLabels(matrices: readonly LabelMatrix[], scratch = new CrossSectionScratch()): void {
  const S = matrices.length;
  const xs = new Float64Array(S);
  const ys = new Float64Array(S);
  const pairs = LABELS.flatMap((def, k) => (def.kind === "cs" ? [{ out: k, base: LABEL_INDEX.get(def.base)! }] : []));
  const baseCols = pairs.map((p) => matrices.map((m) => m.column(p.base)));
  const outCols = pairs.map((p) => matrices.map((m) => m.column(p.out)));
  forEachCrossSection(matrices, (_t, count, members, rows) => {
    const x = xs.subarray(0, count);
    const y = ys.subarray(0, count);
    for (let c = 0; c < pairs.length; c++) {
      const base = baseCols[c]!;
      const dst = outCols[c]!;
      for (let j = 0; j < count; j++) x[j] = base[members[j]!]![rows[j]!]!;
      csRank(x, y, scratch);
      for (let j = 0; j < count; j++) dst[members[j]!]![rows[j]!] = y[j]!;
    }
  });
}
