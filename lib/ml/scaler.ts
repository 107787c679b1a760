/**
 * Standard scaler (per feature z-score), fit on the train segment only and saved with the model.
 * Serialises to plain JSON numbers (float64 → JSON → float64 is exact).
 */
import { z } from "zod";
import type { WindowDataset } from "./dataset";

export const ZStandardScalerJson = z.object({
  kind: z.literal("standard"),
  mean: z.array(z.number()),
  std: z.array(z.number()),
  count: z.number().int().min(0),
});
export type TStandardScalerJson = z.infer<typeof ZStandardScalerJson>;

export class StandardScaler {
  readonly mean: Float64Array;
  /** Population std; features constant on train get 1 (they pass through centred). */
  readonly std: Float64Array;
  count: number;

  constructor(mean: Float64Array, std: Float64Array, count = 0) {
    if (mean.length !== std.length) throw new RangeError(`mean has ${mean.length} values, std ${std.length}`);
    this.mean = mean;
    this.std = std;
    this.count = count;
  }

  get features(): number {
    return this.mean.length;
  }

  /**
   * Fits on rows of x (rows × d, row-major); `rows` restricts to those row indices. Non-finite values are
   * ignored per feature (two-pass, float64).
   */
  static fit(x: Float32Array | Float64Array, d: number, rows?: ArrayLike<number>): StandardScaler {
    const n = rows ? rows.length : x.length / d;
    const sum = new Float64Array(d);
    const cnt = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const o = (rows ? rows[i]! : i) * d;
      for (let j = 0; j < d; j++) {
        const v = x[o + j]!;
        if (v - v === 0) {
          sum[j]! += v;
          cnt[j]!++;
        }
      }
    }
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = cnt[j]! > 0 ? sum[j]! / cnt[j]! : 0;
    const ss = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const o = (rows ? rows[i]! : i) * d;
      for (let j = 0; j < d; j++) {
        const v = x[o + j]!;
        if (v - v === 0) ss[j]! += (v - mean[j]!) ** 2;
      }
    }
    const std = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const s = cnt[j]! > 0 ? Math.sqrt(ss[j]! / cnt[j]!) : 0;
      std[j] = s > 1e-12 ? s : 1;
    }
    return new StandardScaler(mean, std, n);
  }

  /** (x − mean) / std per feature into out (may be x itself). */
  transform<T extends Float32Array | Float64Array>(x: T, out?: T): T {
    const d = this.mean.length;
    if (x.length % d !== 0) throw new RangeError(`x length ${x.length} is not a multiple of ${d} features`);
    const o = out ?? (new (x.constructor as new (n: number) => T)(x.length));
    for (let i = 0; i < x.length; i += d) for (let j = 0; j < d; j++) o[i + j] = (x[i + j]! - this.mean[j]!) / this.std[j]!;
    return o;
  }

  inverse<T extends Float32Array | Float64Array>(x: T, out?: T): T {
    const d = this.mean.length;
    const o = out ?? (new (x.constructor as new (n: number) => T)(x.length));
    for (let i = 0; i < x.length; i += d) for (let j = 0; j < d; j++) o[i + j] = x[i + j]! * this.std[j]! + this.mean[j]!;
    return o;
  }

  toJSON(): TStandardScalerJson {
    return { kind: "standard", mean: Array.from(this.mean), std: Array.from(this.std), count: this.count };
  }

  static fromJSON(json: unknown): StandardScaler {
    const p = ZStandardScalerJson.parse(json);
    return new StandardScaler(Float64Array.from(p.mean), Float64Array.from(p.std), p.count);
  }
}

/**
 * Fits a scaler on the feature rows that the windows of the train samples read (every such row is at or
 * before the train segment's last decision time) and returns it with the dataset's scaled source.
 */
export function fitScalerOnTrain(ds: WindowDataset, train: ArrayLike<number>): StandardScaler {
  const rows = ds.source.length / Math.max(1, ds.features);
  const used = new Uint8Array(rows);
  for (let i = 0; i < train.length; i++) {
    const e = ds.end[train[i]!]!;
    used.fill(1, e - ds.window + 1, e + 1);
  }
  const list: number[] = [];
  for (let r = 0; r < rows; r++) if (used[r]) list.push(r);
  return StandardScaler.fit(ds.source, ds.features, list);
}
