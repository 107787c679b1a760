/**
 * Ichimoku Kinkō Hyō, *as of time t* (not in TA-Lib).
 *
 * tenkan = mid-point (highest high + lowest low)/2 of the last `tenkan` bars (9),
 * kijun = mid-point of the last `kijun` bars (26), senkouA = (tenkan + kijun)/2,
 * senkouB = mid-point of the last `senkouB` bars (52). Each output has its own warm-up.
 *
 * Displacement is a display concern: charts draw senkou A/B `displacement` (26) bars to the right
 * and the chikou span (the close) 26 bars to the left. Here out[t] is the value *computed* at t
 * from bars [0..t]; shifting it into the future would leak, so the series is never shifted. The
 * cloud a chart shows above bar t is senkouA/B[t − displacement]. Chikou is just the close and is
 * not an output.
 */
import type { HlBar, IncrementalIndicator, Snapshot } from "./core";
import { DonchianState } from "./channels";
import { assertSameLength, Incremental } from "./core";

export interface IchimokuParams {
  tenkan: number;
  kijun: number;
  senkouB: number;
}
export const ICHIMOKU_DEFAULTS: IchimokuParams = { tenkan: 9, kijun: 26, senkouB: 52 };
/** Conventional forward shift of senkou A/B on a chart (bars). */
export const ICHIMOKU_DISPLACEMENT = 26;

export interface IchimokuValue {
  tenkan: number;
  kijun: number;
  senkouA: number;
  senkouB: number;
}
export type IchimokuResult = { [K in keyof IchimokuValue]: Float64Array };

export class IchimokuState implements Snapshot<IchimokuState> {
  readonly lookback: number;
  private readonly t: DonchianState;
  private readonly k: DonchianState;
  private readonly b: DonchianState;
  tenkan = NaN;
  kijun = NaN;
  senkouA = NaN;
  senkouB = NaN;

  constructor(p: IchimokuParams = ICHIMOKU_DEFAULTS) {
    this.t = new DonchianState(p.tenkan);
    this.k = new DonchianState(p.kijun);
    this.b = new DonchianState(p.senkouB);
    this.lookback = Math.max(p.tenkan, p.kijun, p.senkouB) - 1;
  }

  next(high: number, low: number): void {
    this.t.next(high, low);
    this.k.next(high, low);
    this.b.next(high, low);
    this.tenkan = this.t.middle;
    this.kijun = this.k.middle;
    this.senkouA = (this.tenkan + this.kijun) / 2; // NaN until both exist
    this.senkouB = this.b.middle;
  }

  copyFrom(o: IchimokuState): void {
    this.t.copyFrom(o.t);
    this.k.copyFrom(o.k);
    this.b.copyFrom(o.b);
    this.tenkan = o.tenkan;
    this.kijun = o.kijun;
    this.senkouA = o.senkouA;
    this.senkouB = o.senkouB;
  }
}

export function ichimoku(high: Float64Array, low: Float64Array, params: Partial<IchimokuParams> = {}, out?: IchimokuResult): IchimokuResult {
  const n = assertSameLength(high, low);
  const o = out ?? { tenkan: new Float64Array(n), kijun: new Float64Array(n), senkouA: new Float64Array(n), senkouB: new Float64Array(n) };
  const s = new IchimokuState({ ...ICHIMOKU_DEFAULTS, ...params });
  for (let i = 0; i < n; i++) {
    s.next(high[i]!, low[i]!);
    o.tenkan[i] = s.tenkan;
    o.kijun[i] = s.kijun;
    o.senkouA[i] = s.senkouA;
    o.senkouB[i] = s.senkouB;
  }
  return o;
}

export function ichimokuIncremental(params: Partial<IchimokuParams> = {}): IncrementalIndicator<HlBar, IchimokuValue> {
  const p = { ...ICHIMOKU_DEFAULTS, ...params };
  return new Incremental(
    () => new IchimokuState(p),
    (s, b: HlBar) => {
      s.next(b.high, b.low);
      return { tenkan: s.tenkan, kijun: s.kijun, senkouA: s.senkouA, senkouB: s.senkouB };
    },
  );
}
