/**
 * Daily path of one symbol: a resumable stepper (a handful of numbers of state) that advances one
 * trading day at a time. Return model per day d (log):
 *
 *   r = μ − ½σ² + β·f_mkt[d] + γ·f_sector[d] + σ_idio·√g·m[d]·z + κ·S·m[d]·s[d−1] + Σ jumps
 *
 * g: GARCH(1,1) variance ratio, m: regime volatility multiplier, s: planted signal (hashed per
 * symbol/date). From r the stepper derives a full daily bar on a dyadic price grid (see below),
 * plus the inputs the intraday builder needs to reproduce that bar exactly from 1m bars and ticks.
 *
 * Price grid: every price of a day is an integer multiple of tick = 2^(⌊log2 prevClose⌋ − 13),
 * i.e. 8192–16384 grid steps at the previous close (≈ 0.6–1.2 bp). Products price × size are then
 * exact in float64, so Σ(p·q) of ticks reproduces a bar's vwap bit for bit in any summation order.
 */
import type { BarColumns } from "../bars/columns";
import { emptyColumns } from "../bars/columns";
import type { TSimConfig } from "./config";
import type { CalendarGrid } from "./factors";
import { hashNormal, Rng, STREAM } from "./rng";
import { PERIODS_PER_YEAR, type SimSymbol } from "./universe";

/** Grid steps per price doubling: prices sit in [2^GRID_BITS, 2^(GRID_BITS+1)) steps at the previous close. */
export const GRID_BITS = 13;
/** Keeps notional = Σ price_steps × size below 2^52 (exact integers in float64). */
const MAX_NOTIONAL = 2 ** 52;
const MAX_VOLUME = 1e11;
/** Minimum average trade size; guarantees the intraday vwap can be placed exactly (see intraday.ts). */
export const MIN_AVG_TRADE_SIZE = 10;
/** Extra trades reserved for the minutes holding the day's high and low. */
export const EXTREME_TRADES = 8;
const FULL_SESSION_MINUTES = { stock: 390, crypto: 1440 } as const;
const MEAN_ABS_NORMAL = Math.sqrt(2 / Math.PI);

/** Planted signal value of a symbol at grid day d (known after the close of d). Standard normal. */
export function signalAt(seed: number, symbolIndex: number, d: number): number {
  return hashNormal(seed, symbolIndex, STREAM.signal, d);
}

/** Per-day extras the intraday builder needs (all on the day's price grid). */
export interface DailyExtras {
  /** Price grid step of the day (a power of two). */
  tick: Float64Array;
  /** Σ price_steps × size over the day's trades (integer): vwap = notional × tick / volume. */
  notional: Float64Array;
  /** Log size of the jump happening intraday (0 if none). */
  jumpIntra: Float64Array;
  /** St.dev. of the intraday diffusive log return. */
  sigmaIntra: Float64Array;
}

export interface DailyPath extends DailyExtras {
  /** Daily bars for grid days [0, length). */
  bars: BarColumns;
}

/** Resumable daily generator for one symbol on its calendar grid. */
export class DailyStepper {
  /** Grid index of the last generated day (−1 before the first step). */
  day = -1;
  // Outputs of the last step (prices in currency units).
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  vwap = 0;
  trades = 0;
  tick = 0;
  notional = 0;
  jumpIntra = 0;
  sigmaIntra = 0;

  private readonly rng: Rng;
  private prevClose: number;
  private g = 1; // idiosyncratic GARCH variance ratio
  private nu: number; // persistent log-volume component

  // Per-symbol constants.
  private readonly mu: number;
  private readonly sigIdio: number;
  private readonly lambda: number;
  private readonly sigBarTot: number;
  private readonly logBaseVol: number;
  private readonly fullSession: number;

  constructor(
    private readonly config: TSimConfig,
    readonly sym: SimSymbol,
    readonly grid: CalendarGrid,
    /** κ·S: planted-signal loading in daily log-return units (calm regime); 0 when not planted. */
    private readonly plantedScale: number,
  ) {
    const periods = PERIODS_PER_YEAR[sym.assetClass];
    this.rng = new Rng(config.seed, sym.index, STREAM.daily);
    this.prevClose = sym.basePrice;
    this.mu = sym.drift / periods;
    this.sigIdio = sym.idioVol / Math.sqrt(periods);
    this.lambda = config.jumps.intensity / periods;
    this.sigBarTot = sym.vol / Math.sqrt(periods);
    this.logBaseVol = Math.log(sym.baseVolume);
    this.fullSession = FULL_SESSION_MINUTES[sym.assetClass];
    this.nu = config.volume.persistentVol * this.rng.normal();
  }

  /** Generate the next day. */
  step(): void {
    const d = ++this.day;
    const grid = this.grid;
    if (d >= grid.length) throw new Error(`day ${d} is past the simulated range`);
    const sym = this.sym;
    const cfg = this.config;
    const p = sym.assetClass === "crypto" ? cfg.crypto : cfg.stock;
    const rng = this.rng;
    const w = p.overnightShare;

    // --- Return ----------------------------------------------------------------------------------
    const mult = grid.volMult[d]!;
    const sigI = this.sigIdio * Math.sqrt(this.g) * mult;
    const sigS = grid.sectorSigma * mult;
    const sigM = grid.marketSigma[d]!;
    const z = rng.normal();
    const planted = d > 0 && this.plantedScale !== 0 ? this.plantedScale * mult * signalAt(cfg.seed, sym.index, d - 1) : 0;
    const nJumps = rng.poisson(this.lambda);
    let jump = 0;
    for (let k = 0; k < nJumps; k++) jump += cfg.jumps.meanSize + cfg.jumps.sizeVol * rng.normal();
    const overnightJump = nJumps > 0 && w > 0 && rng.uniform() < cfg.jumps.overnightProb;
    const fMkt = grid.market[d]!;
    const fSec = grid.sector[d * grid.sectorCount + sym.sectorIndex]!;
    const gs = sym.sectorLoading * sigS;
    const rDiff = this.mu - 0.5 * sigI * sigI + sym.beta * fMkt + sym.sectorLoading * fSec + sigI * z + planted;
    const r = rDiff + jump;
    const varTot = sigI * sigI + sym.beta * sym.beta * sigM * sigM + gs * gs;
    this.g = 1 - cfg.garch.alpha - cfg.garch.beta + cfg.garch.alpha * this.g * z * z + cfg.garch.beta * this.g;

    // --- Prices on the day's grid ----------------------------------------------------------------
    const prev = this.prevClose;
    const tick = 2 ** (Math.floor(Math.log2(prev)) - GRID_BITS);
    const cg = Math.max(1, Math.round((prev * Math.exp(r)) / tick));
    const gap = w * rDiff + Math.sqrt(w * (1 - w) * varTot) * rng.normal() + (overnightJump ? jump : 0);
    const og = Math.max(1, Math.round((prev * Math.exp(gap)) / tick));
    const intra = Math.log(cg / og);
    const jumpIntra = nJumps > 0 && !overnightJump ? jump : 0;
    const varIntra = (1 - w) * varTot;
    // Extremes of a Brownian bridge from 0 to `intra` (exact law of its max/min); a jump widens it.
    const vEff = varIntra + jumpIntra * jumpIntra;
    const mx = 0.5 * (intra + Math.sqrt(intra * intra + 2 * vEff * rng.exp()));
    const mn = 0.5 * (intra - Math.sqrt(intra * intra + 2 * vEff * rng.exp()));
    const hg = Math.max(Math.round(og * Math.exp(mx)), og, cg);
    const lg = Math.max(1, Math.min(Math.round(og * Math.exp(mn)), og, cg));

    // --- Volume and trades -----------------------------------------------------------------------
    const vc = cfg.volume;
    const phi = vc.persistence;
    this.nu = phi * this.nu + Math.sqrt(1 - phi * phi) * vc.persistentVol * rng.normal();
    const minutes = grid.sessionMinutes[d]!;
    const absStd = Math.min(8, Math.abs(r - this.mu) / this.sigBarTot);
    const logV =
      this.logBaseVol +
      Math.log(minutes / this.fullSession) +
      this.nu +
      vc.absReturn * (absStd - MEAN_ABS_NORMAL) +
      vc.vol * Math.log(Math.sqrt(varTot) / this.sigBarTot) +
      vc.noise * rng.normal();
    const maxVolume = Math.min(MAX_VOLUME, Math.floor(MAX_NOTIONAL / hg));
    let volume = Math.min(maxVolume, Math.max(1, Math.round(Math.exp(logV))));
    let trades = Math.round((volume / sym.tradeSize) * Math.exp(0.15 * rng.normal()));
    trades = Math.min(trades, Math.floor(volume / MIN_AVG_TRADE_SIZE));
    trades = Math.max(trades, minutes + EXTREME_TRADES);
    volume = Math.max(volume, trades * MIN_AVG_TRADE_SIZE);

    // --- VWAP: notional target inside the middle of the range (always reachable intraday) ---------
    const range = hg - lg;
    const u = rng.normal();
    let notional: number;
    if (range === 0) notional = volume * lg;
    else {
      const typical = 0.25 * (og + hg + lg + cg) + 0.05 * range * u;
      const target = Math.min(hg - 0.15 * range, Math.max(lg + 0.15 * range, typical));
      notional = Math.round(volume * target);
    }

    this.tick = tick;
    this.open = og * tick;
    this.high = hg * tick;
    this.low = lg * tick;
    this.close = cg * tick;
    this.volume = volume;
    this.trades = trades;
    this.notional = notional;
    this.vwap = (notional * tick) / volume;
    this.jumpIntra = jumpIntra;
    this.sigmaIntra = Math.sqrt(varIntra);
    this.prevClose = this.close;
  }
}

/** Generate grid days [0, days) of one symbol into columns (plus intraday extras). */
export function generateDailyPath(stepper: DailyStepper, days: number): DailyPath {
  const bars = emptyColumns(days);
  bars.length = days;
  const tick = new Float64Array(days);
  const notional = new Float64Array(days);
  const jumpIntra = new Float64Array(days);
  const sigmaIntra = new Float64Array(days);
  const ts = stepper.grid.days;
  for (let d = 0; d < days; d++) {
    stepper.step();
    bars.ts[d] = ts[d]!;
    bars.open[d] = stepper.open;
    bars.high[d] = stepper.high;
    bars.low[d] = stepper.low;
    bars.close[d] = stepper.close;
    bars.volume[d] = stepper.volume;
    bars.vwap[d] = stepper.vwap;
    bars.trades[d] = stepper.trades;
    tick[d] = stepper.tick;
    notional[d] = stepper.notional;
    jumpIntra[d] = stepper.jumpIntra;
    sigmaIntra[d] = stepper.sigmaIntra;
  }
  return { bars, tick, notional, jumpIntra, sigmaIntra };
}
