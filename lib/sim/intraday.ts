/**
 * Intraday construction: one day's 1m bars from its daily bar, and one minute's trade prints
 * from its 1m bar, both exact by construction (top-down).
 *
 * Day → 1m bars (IntradayBuilder.build):
 *  1. A variance clock (U-shaped intraday volatility for stocks; the day's intraday jump adds its
 *     squared size to one random minute).
 *  2. The minutes holding the daily high and low are drawn from the law of the time at which a
 *     Brownian bridge from open to close reaches that level (unless the open/close is the extreme),
 *     jointly weighted so that the path's average lands near the daily vwap.
 *  3. Minute closes: a random walk bridged through open → near the high → near the low → close (in
 *     time order), reflected into [low, high]; per-minute high/low excursions from the exact law of a
 *     Brownian bridge's max/min; rounded onto the day's integer price grid (see daily.ts). The two
 *     extreme minutes get exactly the daily high/low.
 *  4. Trades are split over minutes (≥ 1 each, extra for the two extreme minutes), minutes with few
 *     trades are simplified so that their prints can exist (1 trade: o = h = l = c).
 *  5. Volume is split over minutes (U-shaped, correlated with |minute return|), tilted so that the
 *     volume-weighted price meets the daily vwap, and rounded to integers in price order (so the
 *     rounding moves the notional by a few price steps at most). Each minute gets an integer notional
 *     Σ price_steps × size inside what its prints can reach; the small remainder is spread over the
 *     minutes with room, so the minutes' notionals sum exactly to the day's. Hence Σ volume, Σ trades,
 *     first open, last close, max high and min low match the daily bar exactly, and the volume-weighted
 *     1m vwap matches the daily vwap up to float rounding of the 1m vwaps.
 *
 * Minute → ticks (IntradayBuilder.ticks): anchors at open (first print), close (last print), high and
 * low, free prints around the interpolated path, sizes summing to the volume, and one single-share
 * "adjuster" print whose price makes Σ price × size equal the minute's notional exactly.
 */
import type { Rng } from "./rng";
import type { AssetClass } from "./universe";

/** Inputs of one day (prices in grid steps; all integers except the two log quantities). */
export interface DayInput {
  minutes: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
  notional: number;
  jumpIntra: number;
  sigmaIntra: number;
}

const KIND_FLAT = 0;
const KIND_FIXED = 1;
const KIND_FLEX = 2;

/** Coarse cells of variance time for the joint draw of the extremes' times. */
const CELLS = 24;

/** Extra trades given to the minutes holding the day's high and low (room for anchors + adjuster). */
const EXTREME_MINUTE_TRADES = 5;

/** Variance clock of a day: where each minute sits in "variance time" [0, 1]. */
interface Clock {
  /** Share of the day's intraday variance per minute (sums to 1). */
  dC: Float64Array;
  /** √dC: standardised st.dev. per minute. */
  sd: Float64Array;
  /** Cumulative variance share at minute boundaries (length K+1, cum[K] = 1). */
  cum: Float64Array;
  /** At each minute's variance-time midpoint t: ln t + ln(1 − t), 1/(2t), 1/(2(1 − t)). */
  lnT: Float64Array;
  inv2t: Float64Array;
  inv2u: Float64Array;
}

interface Profile extends Clock {
  /** Relative expected volume per minute. */
  pw: Float64Array;
}

const profiles = new Map<string, Profile>();

function fillClockFromShares(c: Clock, K: number): void {
  let acc = 0;
  c.cum[0] = 0;
  for (let k = 0; k < K; k++) {
    const sh = c.dC[k]!;
    c.sd[k] = Math.sqrt(sh);
    const t = Math.min(1 - 1e-12, Math.max(1e-12, acc + 0.5 * sh));
    c.lnT[k] = Math.log(t) + Math.log(1 - t);
    c.inv2t[k] = 0.5 / t;
    c.inv2u[k] = 0.5 / (1 - t);
    acc += sh;
    c.cum[k + 1] = acc;
  }
  c.cum[K] = 1;
}

function newClock(K: number): Clock {
  return {
    dC: new Float64Array(K),
    sd: new Float64Array(K),
    cum: new Float64Array(K + 1),
    lnT: new Float64Array(K),
    inv2t: new Float64Array(K),
    inv2u: new Float64Array(K),
  };
}

/** Intraday volatility and volume profiles (U-shaped for stocks, a mild daily cycle for crypto). */
export function intradayProfile(assetClass: AssetClass, minutes: number): Profile {
  const key = `${assetClass}:${minutes}`;
  const hit = profiles.get(key);
  if (hit) return hit;
  const prof: Profile = { ...newClock(minutes), pw: new Float64Array(minutes) };
  let sum = 0;
  for (let k = 0; k < minutes; k++) {
    const u = (k + 0.5) / minutes;
    const e = 2 * u - 1;
    let pv: number;
    if (assetClass === "crypto") {
      pv = 1 + 0.3 * Math.cos(2 * Math.PI * (u - 0.6));
      prof.pw[k] = 1 + 0.4 * Math.cos(2 * Math.PI * (u - 0.6));
    } else {
      pv = 0.7 + 1.2 * e * e + 1.5 * Math.exp(-40 * u);
      prof.pw[k] = 0.5 + 1.6 * e * e * e * e + 1.2 * Math.exp(-25 * u) + 1.5 * Math.exp(-40 * (1 - u));
    }
    prof.dC[k] = pv;
    sum += pv;
  }
  for (let k = 0; k < minutes; k++) prof.dC[k] = prof.dC[k]! / sum;
  fillClockFromShares(prof, minutes);
  profiles.set(key, prof);
  return prof;
}

/**
 * Add `total` integer units to out[0..n) in proportion to weights (cumulative rounding: the sum is
 * exactly `total`, every share ≥ 0). Weights must be ≥ 0 with a positive sum unless total is 0.
 */
export function allocate(total: number, weights: Float64Array, out: Float64Array, n: number): void {
  if (total <= 0) return;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += weights[k]!;
  let acc = 0;
  let prev = 0;
  for (let k = 0; k < n; k++) {
    acc += weights[k]!;
    const cur = k === n - 1 ? total : Math.min(total, Math.floor((total * acc) / sum));
    out[k] = out[k]! + (cur - prev);
    prev = cur;
  }
}

/**
 * Notional of a minute whose prints are only its anchors (open, close, then high and low when they
 * differ from both): sizes ⌊V/a⌋, the first V mod a anchors one more. Shared by bars and ticks.
 */
function anchorNotional(o: number, c: number, h: number, l: number, needHi: boolean, needLo: boolean, v: number, a: number): number {
  const base = Math.floor(v / a);
  const rem = v - base * a;
  let t = o * (base + (rem > 0 ? 1 : 0)) + c * (base + (rem > 1 ? 1 : 0));
  let role = 2;
  if (needHi) t += h * (base + (rem > role++ ? 1 : 0));
  if (needLo) t += l * (base + (rem > role ? 1 : 0));
  return t;
}

/** Insert (pos, val) into the first n entries of (ps, vs) kept sorted by pos; returns n + 1. */
function insertSorted(ps: Float64Array, vs: Float64Array, n: number, pos: number, val: number): number {
  let i = n;
  while (i > 0 && ps[i - 1]! > pos) {
    ps[i] = ps[i - 1]!;
    vs[i] = vs[i - 1]!;
    i--;
  }
  ps[i] = pos;
  vs[i] = val;
  return n + 1;
}

const clampI = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** Reusable builder: scratch buffers are allocated once and grown on demand. */
export class IntradayBuilder {
  /** Number of minutes of the last built day. */
  length = 0;
  /** Days that needed the last-resort notional construction (diagnostics). */
  fallbacks = 0;
  // Outputs per minute (prices in grid steps, integers).
  open = new Float64Array(0);
  high = new Float64Array(0);
  low = new Float64Array(0);
  close = new Float64Array(0);
  volume = new Float64Array(0);
  trades = new Float64Array(0);
  notional = new Float64Array(0);

  // Scratch.
  private x = new Float64Array(0);
  private hiX = new Float64Array(0);
  private loX = new Float64Array(0);
  private w = new Float64Array(0);
  private om = new Float64Array(0);
  private mid = new Float64Array(0);
  private offset = new Float64Array(0);
  private keys = new Float64Array(0);
  private tMin = new Float64Array(0);
  private tMax = new Float64Array(0);
  private anchorSum = new Float64Array(0);
  private anchors = new Float64Array(0);
  private kind = new Uint8Array(0);
  private tickW = new Float64Array(0);
  private wk = new Float64Array(0);
  private wH = new Float64Array(0);
  private wL = new Float64Array(0);
  private readonly cH = new Float64Array(CELLS);
  private readonly cL = new Float64Array(CELLS);
  private readonly joint = new Float64Array(CELLS * CELLS);
  private kH = 0;
  private kL = 0;
  private jclock: Clock = newClock(0);
  private readonly ab = new Float64Array(4);
  private readonly av = new Float64Array(4);
  private readonly tap = new Float64Array(4);
  private readonly tav = new Float64Array(4);

  private ensure(k: number): void {
    if (this.open.length >= k) return;
    const n = Math.max(k, 1440);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
    this.trades = new Float64Array(n);
    this.notional = new Float64Array(n);
    this.x = new Float64Array(n + 1);
    this.hiX = new Float64Array(n);
    this.loX = new Float64Array(n);
    this.w = new Float64Array(n);
    this.om = new Float64Array(n);
    this.mid = new Float64Array(n);
    this.offset = new Float64Array(n);
    this.keys = new Float64Array(n);
    this.tMin = new Float64Array(n);
    this.tMax = new Float64Array(n);
    this.anchorSum = new Float64Array(n);
    this.anchors = new Float64Array(n);
    this.kind = new Uint8Array(n);
    this.wk = new Float64Array(n + 1);
    this.wH = new Float64Array(n);
    this.wL = new Float64Array(n);
    this.jclock = newClock(n);
  }

  /** Variance clock of a day with a jump: the jump minute gets J² on top of its diffusive share. */
  private jumpClock(prof: Profile, K: number, vDiff: number, j2: number, jumpMinute: number): Clock {
    const c = this.jclock;
    const total = vDiff + j2;
    for (let k = 0; k < K; k++) c.dC[k] = (prof.dC[k]! * vDiff + (k === jumpMinute ? j2 : 0)) / total;
    fillClockFromShares(c, K);
    return c;
  }

  /**
   * Weights per minute of the time at which a Brownian bridge from 0 to `end` (unit variance over the
   * day) reaches `level` (its max if level > 0, its min if < 0): density of the time t ∝
   * first-passage(0 → level, t) × first-passage(level → end, 1 − t)
   * ∝ t^-3/2 e^(−level²/2t) (1 − t)^-3/2 e^(−(level − end)²/2(1 − t)). Written into `out`, also summed
   * per coarse cell of variance time into `cells` (length CELLS).
   */
  private extremeWeights(c: Clock, K: number, level: number, end: number, out: Float64Array, cells: Float64Array): void {
    const a2 = level * level;
    const b2 = (level - end) * (level - end);
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      const lf = -1.5 * c.lnT[k]! - a2 * c.inv2t[k]! - b2 * c.inv2u[k]!;
      out[k] = lf;
      if (lf > mx) mx = lf;
    }
    cells.fill(0);
    for (let k = 0; k < K; k++) {
      const wgt = Math.exp(out[k]! - mx) * c.dC[k]!;
      out[k] = wgt;
      const cell = Math.min(CELLS - 1, Math.floor((c.cum[k]! + 0.5 * c.dC[k]!) * CELLS));
      cells[cell] = cells[cell]! + wgt;
    }
  }

  /**
   * Minutes of the day's high and low (−1 = sample; otherwise fixed at the open/close minute).
   * Their times are drawn jointly: each from its first-passage law above, times a likelihood that the
   * path through open → extremes → close averages near the daily vwap (`vwapLevel`, in the same units),
   * with the variance of a Brownian bridge's time-average (1/12). This keeps the volume tilt small.
   */
  private sampleExtremes(
    c: Clock,
    K: number,
    hS: number,
    lS: number,
    iS: number,
    vwapLevel: number,
    fixedH: number,
    fixedL: number,
    rng: Rng,
  ): void {
    const { wH, wL, cH, cL } = this;
    if (fixedH < 0) this.extremeWeights(c, K, hS, iS, wH, cH);
    if (fixedL < 0) this.extremeWeights(c, K, lS, iS, wL, cL);
    const nI = fixedH < 0 ? CELLS : 1;
    const nJ = fixedL < 0 ? CELLS : 1;
    const joint = this.joint;
    let sum = 0;
    for (let i = 0; i < nI; i++) {
      const tH = fixedH < 0 ? (i + 0.5) / CELLS : fixedH === 0 ? 0 : 1;
      const mH = fixedH < 0 ? cH[i]! : 1;
      for (let j = 0; j < nJ; j++) {
        const tL = fixedL < 0 ? (j + 0.5) / CELLS : fixedL === 0 ? 0 : 1;
        const mL = fixedL < 0 ? cL[j]! : 1;
        let mean: number;
        if (tH <= tL) mean = 0.5 * (tH * hS + (tL - tH) * (hS + lS) + (1 - tL) * (lS + iS));
        else mean = 0.5 * (tL * lS + (tH - tL) * (lS + hS) + (1 - tH) * (hS + iS));
        const dv = mean - vwapLevel;
        const wgt = mH * mL * Math.exp(-6 * dv * dv);
        joint[i * CELLS + j] = wgt;
        sum += wgt;
      }
    }
    let cellH = 0;
    let cellL = 0;
    if (sum > 0) {
      let u = rng.uniform() * sum;
      outer: for (let i = 0; i < nI; i++) {
        for (let j = 0; j < nJ; j++) {
          u -= joint[i * CELLS + j]!;
          if (u <= 0) {
            cellH = i;
            cellL = j;
            break outer;
          }
        }
      }
    }
    this.kH = fixedH >= 0 ? fixedH : this.minuteInCell(c, K, wH, cellH, rng);
    this.kL = fixedL >= 0 ? fixedL : this.minuteInCell(c, K, wL, cellL, rng);
  }

  /** A minute of coarse cell `cell`, drawn in proportion to its weight (nearest minute if the cell is empty). */
  private minuteInCell(c: Clock, K: number, w: Float64Array, cell: number, rng: Rng): number {
    const cellOf = (k: number) => Math.min(CELLS - 1, Math.floor((c.cum[k]! + 0.5 * c.dC[k]!) * CELLS));
    let first = -1;
    let last = -1;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const ck = cellOf(k);
      if (ck < cell) continue;
      if (ck > cell) break;
      if (first < 0) first = k;
      last = k;
      sum += w[k]!;
    }
    if (first < 0) {
      // No minute's midpoint in this cell (a jump minute spans it): take the minute covering its centre.
      const t = (cell + 0.5) / CELLS;
      for (let k = 0; k < K; k++) if (c.cum[k + 1]! >= t) return k;
      return K - 1;
    }
    let u = rng.uniform() * sum;
    for (let k = first; k <= last; k++) {
      u -= w[k]!;
      if (u <= 0) return k;
    }
    return last;
  }


  /** Build one day's 1m bars into the output arrays (see module comment). */
  build(day: DayInput, rng: Rng, assetClass: AssetClass): void {
    const K = day.minutes;
    this.ensure(K);
    this.length = K;
    const og = day.open;
    const hg = day.high;
    const lg = day.low;
    const cg = day.close;
    const prof = intradayProfile(assetClass, K);
    const { x, hiX, loX, w } = this;
    const oA = this.open;
    const hA = this.high;
    const lA = this.low;
    const cA = this.close;
    const nA = this.trades;

    // 1. Variance clock: each minute's share of the day's intraday variance (the jump adds J² to its minute).
    const jump = day.jumpIntra;
    const jumpMinute = jump !== 0 ? rng.int(K) : -1;
    const vDiff = day.sigmaIntra * day.sigmaIntra;
    const vEff = Math.max(1e-18, vDiff + jump * jump);
    const clock = jumpMinute >= 0 ? this.jumpClock(prof, K, vDiff, jump * jump, jumpMinute) : prof;
    const sd = clock.sd;
    const cum = clock.cum;
    // Levels in units of the day's intraday st.dev., relative to the open.
    const sq = Math.sqrt(vEff);
    const iS = Math.log(cg / og) / sq;
    const hS = Math.log(hg / og) / sq;
    const lS = Math.log(lg / og) / sq;
    const band = hS - lS;

    // 2. Minutes holding the high and the low: sampled from the law of the time of a Brownian bridge's
    //    maximum (minimum) given its level; at the open/close when the extreme is the open/close.
    const vwapLevel = Math.log(day.notional / day.volume / og) / sq;
    this.sampleExtremes(clock, K, hS, lS, iS, vwapLevel, hg === og ? 0 : hg === cg ? K - 1 : -1, lg === og ? 0 : lg === cg ? K - 1 : -1, rng);
    const kH = this.kH;
    const kL = this.kL;

    // 3. Minute closes: a random walk bridged through anchors (open, just below the high at the end of
    //    minute kH, just above the low at the end of minute kL, close), reflected into [low, high].
    const wk = this.wk;
    wk[0] = 0;
    for (let k = 0; k < K; k++) wk[k + 1] = wk[k]! + sd[k]! * rng.normal();
    const ab = this.ab;
    const av = this.av;
    let na = 0;
    ab[na] = 0;
    av[na++] = 0;
    const anchorH = kH !== kL && kH < K - 1 && hg !== og && hg !== cg;
    const anchorL = kH !== kL && kL < K - 1 && lg !== og && lg !== cg;
    const retraceH = anchorH ? 0.5 * Math.abs(rng.normal()) * sd[kH]! : 0;
    const retraceL = anchorL ? 0.5 * Math.abs(rng.normal()) * sd[kL]! : 0;
    if (anchorH && anchorL && kL < kH) {
      ab[na] = kL + 1;
      av[na++] = Math.min(hS, lS + retraceL);
    }
    if (anchorH) {
      ab[na] = kH + 1;
      av[na++] = Math.max(lS, hS - retraceH);
    }
    if (anchorL && !(anchorH && kL < kH)) {
      ab[na] = kL + 1;
      av[na++] = Math.min(hS, lS + retraceL);
    }
    ab[na] = K;
    av[na++] = iS;
    for (let a = 0; a + 1 < na; a++) {
      const bs = ab[a]!;
      const be = ab[a + 1]!;
      const ys = av[a]!;
      const gapW = wk[be]! - wk[bs]! - (av[a + 1]! - ys);
      const c0 = cum[bs]!;
      const span = cum[be]! - c0;
      for (let b = bs + 1; b < be; b++) {
        let v = ys + (wk[b]! - wk[bs]!) - (span > 0 ? (gapW * (cum[b]! - c0)) / span : 0);
        for (let r = 0; r < 8 && (v > hS || v < lS); r++) v = v > hS ? 2 * hS - v : 2 * lS - v;
        x[b] = v < lS ? lS : v > hS ? hS : v;
      }
      x[bs] = ys;
    }
    x[K] = iS;

    // Excursions within each minute (exact Brownian-bridge max/min law, reflected into the band) and
    // natural volume weights (intraday profile × log-normal noise × |minute return|).
    for (let k = 0; k < K; k++) {
      const a = x[k]!;
      const b = x[k + 1]!;
      const dd = b - a;
      const sk = sd[k]!;
      const v2 = 2 * sk * sk;
      let hk = 0.5 * (a + b + Math.sqrt(dd * dd + v2 * rng.exp()));
      let lk = 0.5 * (a + b - Math.sqrt(dd * dd + v2 * rng.exp()));
      if (hk > hS) hk = Math.max(a > b ? a : b, 2 * hS - hk);
      if (lk < lS) lk = Math.min(a < b ? a : b, 2 * lS - lk);
      hiX[k] = hk;
      loX[k] = lk;
      const zAbs = sk > 0 ? Math.min(6, Math.abs(dd) / sk) : 0;
      w[k] = prof.pw[k]! * Math.exp(0.45 * rng.normal() + 0.3 * zAbs);
    }

    // Onto the price grid (flat days have a zero band: everything at the open).
    const scale = band > 0 ? sq : 0;
    for (let k = 0; k < K; k++) {
      cA[k] = k === K - 1 ? cg : clampI(Math.round(og * Math.exp(x[k + 1]! * scale)), lg, hg);
      hA[k] = clampI(Math.round(og * Math.exp(hiX[k]! * scale)), lg, hg);
      lA[k] = clampI(Math.round(og * Math.exp(loX[k]! * scale)), lg, hg);
    }
    hA[kH] = hg;
    lA[kL] = lg;

    // 4. Trades: 1 per minute, extra room at the extremes, the rest in proportion to volume weights.
    nA.fill(1, 0, K);
    nA[kH] = EXTREME_MINUTE_TRADES;
    nA[kL] = EXTREME_MINUTE_TRADES;
    const reserved = kH === kL ? K - 1 + EXTREME_MINUTE_TRADES : K - 2 + 2 * EXTREME_MINUTE_TRADES;
    if (day.trades < reserved) throw new Error(`intraday: ${day.trades} trades cannot fill ${K} minutes`);
    allocate(day.trades - reserved, w, nA, K);

    // Simplify minutes whose prints cannot show all four prices (1 print: o = h = l = c; 2 prints: the
    // range is [min(o,c), max(o,c)]; 3 prints: at most one extreme beyond o/c), then classify them.
    for (let k = 0; k < K; k++) {
      let ok = k === 0 ? og : cA[k - 1]!;
      let ck = cA[k]!;
      let hk = hA[k]!;
      let lk = lA[k]!;
      const nk = nA[k]!;
      if (nk === 1) {
        const p = k === K - 1 ? cg : k === 0 ? og : ck;
        ok = ck = hk = lk = p;
      } else {
        if (ok > hk) hk = ok;
        if (ck > hk) hk = ck;
        if (ok < lk) lk = ok;
        if (ck < lk) lk = ck;
        const t2 = ok > ck ? ok : ck;
        const b2 = ok < ck ? ok : ck;
        if (nk === 2) {
          hk = t2;
          lk = b2;
        } else if (nk === 3 && hk > t2 && lk < b2) {
          if (hk - t2 >= b2 - lk) lk = b2;
          else hk = t2;
        }
      }
      // The extreme minutes (≥ 5 prints) always keep some range so they can absorb notional.
      if (k === kH && lk === hg && hg > lg) lk = hg - 1;
      if (k === kL && hk === lg && hg > lg) hk = lg + 1;
      oA[k] = ok;
      cA[k] = ck;
      hA[k] = hk;
      lA[k] = lk;
      this.classify(k);
    }

    // 5. Volume: each minute's notional is modelled as V·mid + offset (mid of what its prints can
    //    reach); natural weights are tilted so that Σ V·mid + Σ offset = the day's notional.
    const vA = this.volume;
    const { om, mid, offset } = this;
    const excess = day.volume - day.trades;
    let fixedPart = 0;
    let wSum = 0;
    let wpSum = 0;
    for (let k = 0; k < K; k++) {
      fixedPart += nA[k]! * mid[k]! + offset[k]!;
      wSum += w[k]!;
      wpSum += w[k]! * mid[k]!;
    }
    const mean = wpSum / wSum;
    const goal = excess > 0 ? (day.notional - fixedPart) / excess : mean;
    // Prefer a linear tilt w·(1 + θ·(mid − mean)) (smooth); if it would make a weight negative, mix
    // the natural weights with those of the minutes beyond the goal instead.
    let wd2 = 0;
    let dMin = 0;
    let dMax = 0;
    for (let k = 0; k < K; k++) {
      const dk = mid[k]! - mean;
      wd2 += w[k]! * dk * dk;
      if (dk < dMin) dMin = dk;
      if (dk > dMax) dMax = dk;
    }
    const theta = wd2 > 0 ? ((goal - mean) * wSum) / wd2 : 0;
    if (1 + 1.25 * theta * dMin > 0 && 1 + 1.25 * theta * dMax > 0) {
      for (let k = 0; k < K; k++) {
        om[k] = w[k]! * (1 + theta * (mid[k]! - mean));
        vA[k] = nA[k]!;
      }
    } else {
      let ySum = 0;
      let ypSum = 0;
      for (let k = 0; k < K; k++) {
        if ((goal > mean && mid[k]! > goal) || (goal < mean && mid[k]! < goal)) {
          ySum += w[k]!;
          ypSum += w[k]! * mid[k]!;
        }
      }
      const lambda = ySum > 0 ? (goal - mean) / (ypSum / ySum - mean) : 0;
      for (let k = 0; k < K; k++) {
        const inY = (goal > mean && mid[k]! > goal) || (goal < mean && mid[k]! < goal);
        om[k] = ((1 - lambda) * w[k]!) / wSum + (inY ? (lambda * w[k]!) / ySum : 0);
        vA[k] = nA[k]!;
      }
    }
    this.allocateByMid(excess, K);
    for (let k = 0; k < K; k++) this.minuteNotional(k);

    // 6. Spread the (small) remainder over the flexible minutes' room. If the room is short (rare:
    //    illiquid days), fall back to a construction that always fits (see spreadOrFallback).
    this.spreadOrFallback(day, kH, K);
  }

  /** Kind, anchors and notional model (V·mid + offset) of minute k from its o/h/l/c and trades. */
  private classify(k: number): void {
    const o = this.open[k]!;
    const h = this.high[k]!;
    const l = this.low[k]!;
    const c = this.close[k]!;
    const n = this.trades[k]!;
    if (h === l) {
      this.kind[k] = KIND_FLAT;
      this.anchors[k] = 1;
      this.anchorSum[k] = l;
      this.mid[k] = l;
      this.offset[k] = 0;
      return;
    }
    const needHi = h > Math.max(o, c);
    const needLo = l < Math.min(o, c);
    const a = 2 + (needHi ? 1 : 0) + (needLo ? 1 : 0);
    const s = o + c + (needHi ? h : 0) + (needLo ? l : 0);
    this.anchors[k] = a;
    this.anchorSum[k] = s;
    if (n >= a + 1) {
      // Reachable notional: [s + (V − a)·l, s + (V − a)·h], centre V·(h + l)/2 + s − a·(h + l)/2.
      this.kind[k] = KIND_FLEX;
      this.mid[k] = 0.5 * (h + l);
      this.offset[k] = s - a * 0.5 * (h + l);
    } else {
      this.kind[k] = KIND_FIXED;
      this.mid[k] = s / a;
      this.offset[k] = 0;
    }
  }

  /**
   * Add `excess` shares to the minutes by the weights `om`, rounding cumulatively in order of the
   * minutes' mid prices with a ½ offset: the notional error of rounding, Σ δ·mid, then telescopes to
   * Σ (frac − ½)·Δmid over sorted mids, which is at most half the day's range and usually a few steps.
   */
  private allocateByMid(excess: number, K: number): void {
    if (excess <= 0) return;
    const keys = this.keys.subarray(0, K);
    for (let k = 0; k < K; k++) keys[k] = Math.round(12 * this.mid[k]!) * 2048 + k;
    keys.sort();
    let sum = 0;
    for (let k = 0; k < K; k++) sum += this.om[k]!;
    let acc = 0;
    let prev = 0;
    for (let r = 0; r < K; r++) {
      const k = keys[r]! % 2048;
      acc += this.om[k]!;
      const cur = r === K - 1 ? excess : Math.min(excess, Math.floor((excess * acc) / sum + 0.5));
      this.volume[k] = this.volume[k]! + (cur - prev);
      prev = cur;
    }
  }

  /** Notional of minute k at the centre of what its prints can reach, and that range. */
  private minuteNotional(k: number): void {
    const v = this.volume[k]!;
    const l = this.low[k]!;
    const kind = this.kind[k]!;
    if (kind === KIND_FLAT) {
      const t = v * l;
      this.notional[k] = this.tMin[k] = this.tMax[k] = t;
      return;
    }
    const o = this.open[k]!;
    const c = this.close[k]!;
    const h = this.high[k]!;
    const a = this.anchors[k]!;
    if (kind === KIND_FIXED) {
      const t = anchorNotional(o, c, h, l, h > Math.max(o, c), l < Math.min(o, c), v, a);
      this.notional[k] = this.tMin[k] = this.tMax[k] = t;
      return;
    }
    const s = this.anchorSum[k]!;
    const lo = s + (v - a) * l;
    const hi = s + (v - a) * h;
    this.tMin[k] = lo;
    this.tMax[k] = hi;
    this.notional[k] = clampI(Math.round(0.5 * (lo + hi)), lo, hi);
  }

  /**
   * Make Σ notional exactly the day's: spread the remainder over the flexible minutes' room; if that is
   * short, give the minute holding the high the full daily range and all excess volume (every other
   * minute keeps one share per print). That always fits because the daily vwap target lies in the
   * middle 70% of the range and the average trade is ≥ 10 shares (see daily.ts), but it makes an
   * unusual minute, so it is only the last resort.
   */
  private spreadOrFallback(day: DayInput, kH: number, K: number): void {
    const { notional: tA, tMin, tMax, kind } = this;
    let sum = 0;
    let roomUp = 0;
    let roomDown = 0;
    for (let k = 0; k < K; k++) {
      sum += tA[k]!;
      if (kind[k] === KIND_FLEX) {
        roomUp += tMax[k]! - tA[k]!;
        roomDown += tA[k]! - tMin[k]!;
      }
    }
    const rest = day.notional - sum;
    if (rest === 0) return;
    if (rest > 0 && rest <= roomUp) return this.spread(rest, roomUp, K);
    if (rest < 0 && -rest <= roomDown) return this.spread(rest, roomDown, K);

    this.fallbacks++;
    this.low[kH] = day.low;
    this.classify(kH);
    let others = 0;
    let otherNotional = 0;
    for (let k = 0; k < K; k++) {
      if (k === kH) continue;
      this.volume[k] = this.trades[k]!;
      this.minuteNotional(k);
      others += this.volume[k]!;
      otherNotional += tA[k]!;
    }
    this.volume[kH] = day.volume - others;
    this.minuteNotional(kH);
    const t = day.notional - otherNotional;
    if (kind[kH] !== KIND_FLEX || t < tMin[kH]! || t > tMax[kH]!) throw new Error("intraday: daily notional unreachable (bug)");
    tA[kH] = t;
  }

  /** Add `rest` (≠ 0) to flexible minutes in proportion to their room (`room` in total ≥ |rest|). */
  private spread(rest: number, room: number, K: number): void {
    const sign = rest > 0 ? 1 : -1;
    let remR = rest * sign;
    let remU = room;
    for (let k = 0; k < K && remR > 0; k++) {
      if (this.kind[k] !== KIND_FLEX) continue;
      const t = this.notional[k]!;
      const s = sign > 0 ? this.tMax[k]! - t : t - this.tMin[k]!;
      if (s <= 0) continue;
      const lb = Math.max(0, remR - (remU - s));
      const d = Math.max(lb, Math.min(s, remR, Math.round((remR * s) / remU)));
      this.notional[k] = t + sign * d;
      remR -= d;
      remU -= s;
    }
    if (remR !== 0) throw new Error("intraday: notional spread failed (bug)");
  }

  /**
   * Trade prints of minute k of the last built day: writes n = trades[k] prints (grid-step prices,
   * integer sizes) at `offset` and returns n. Aggregating them gives exactly that minute's bar.
   */
  ticks(k: number, rng: Rng, price: Float64Array, size: Float64Array, offset: number): number {
    const o = this.open[k]!;
    const h = this.high[k]!;
    const l = this.low[k]!;
    const c = this.close[k]!;
    const V = this.volume[k]!;
    const n = this.trades[k]!;
    const T = this.notional[k]!;
    const end = offset + n - 1;
    if (n === 1) {
      price[offset] = o;
      size[offset] = V;
      return 1;
    }
    if (this.tickW.length < n) this.tickW = new Float64Array(Math.max(n, 2 * this.tickW.length));
    const tw = this.tickW;

    if (h === l) {
      // Flat minute: every print at the same price, random sizes.
      for (let j = 0; j < n; j++) {
        price[offset + j] = l;
        size[offset + j] = 1;
        tw[j] = rng.exp();
      }
      allocate(V - n, tw, size.subarray(offset, offset + n), n);
      return n;
    }

    const needHi = h > Math.max(o, c);
    const needLo = l < Math.min(o, c);
    const a = 2 + (needHi ? 1 : 0) + (needLo ? 1 : 0);
    const m = n - 2; // interior positions 1..n-2
    const pHi = needHi ? 1 + rng.int(m) : -1;
    let pLo = -1;
    if (needLo) do pLo = 1 + rng.int(m); while (pLo === pHi);

    if (n === a) {
      // Anchors only: deterministic sizes by role (same rule as the bar's notional).
      const base = Math.floor(V / a);
      const rem = V - base * a;
      price[offset] = o;
      size[offset] = base + (rem > 0 ? 1 : 0);
      price[end] = c;
      size[end] = base + (rem > 1 ? 1 : 0);
      let role = 2;
      if (needHi) {
        price[offset + pHi] = h;
        size[offset + pHi] = base + (rem > role++ ? 1 : 0);
      }
      if (needLo) {
        price[offset + pLo] = l;
        size[offset + pLo] = base + (rem > role ? 1 : 0);
      }
      return n;
    }

    let pAdj = -1;
    do pAdj = 1 + rng.int(m);
    while (pAdj === pHi || pAdj === pLo);

    // Anchor points sorted by position, for interpolating the free prints.
    const ap = this.tap;
    const av = this.tav;
    let na = 0;
    na = insertSorted(ap, av, na, 0, o);
    na = insertSorted(ap, av, na, n - 1, c);
    if (needHi) na = insertSorted(ap, av, na, pHi, h);
    if (needLo) na = insertSorted(ap, av, na, pLo, l);

    // Sizes: 1 each plus the excess split by exponential weights (the adjuster keeps exactly 1).
    for (let j = 0; j < n; j++) {
      size[offset + j] = 1;
      tw[j] = j === pAdj ? 0 : rng.exp();
    }
    const sizes = size.subarray(offset, offset + n);
    allocate(V - n, tw, sizes, n);

    // Prices: anchors fixed; free prints on the line through the anchors, shifted so their
    // volume-weighted mean meets the minute's vwap, plus a little noise. tw holds the base prices.
    let sAnchor = 0;
    let fBase = 0;
    let qFree = 0;
    let seg = 0;
    for (let j = 0; j < n; j++) {
      while (seg < na - 2 && ap[seg + 1]! <= j) seg++;
      const i = offset + j;
      const q = size[i]!;
      let anchor = -1;
      if (j === 0) anchor = o;
      else if (j === n - 1) anchor = c;
      else if (j === pHi) anchor = h;
      else if (j === pLo) anchor = l;
      if (anchor >= 0) {
        price[i] = anchor;
        sAnchor += anchor * q;
      } else if (j !== pAdj) {
        const p0 = ap[seg]!;
        const p1 = ap[seg + 1]!;
        const base = av[seg]! + ((av[seg + 1]! - av[seg]!) * (j - p0)) / (p1 - p0);
        tw[j] = base;
        fBase += base * q;
        qFree += q;
      }
    }
    const shift = qFree > 0 ? (T - sAnchor - 0.5 * (l + h) - fBase) / qFree : 0;
    const noise = Math.max(1, Math.round((h - l) / 8));
    for (let j = 1; j < n - 1; j++) {
      if (j === pHi || j === pLo || j === pAdj) continue;
      price[offset + j] = clampI(Math.round(tw[j]! + shift) + rng.int(2 * noise + 1) - noise, l, h);
    }
    price[offset + pAdj] = l;

    // Noise and rounding leave the free prints' notional off target: nudge free prints by one step,
    // walking from a random position so the nudges are spread out, until the adjuster fits mid-range.
    let s0 = 0;
    for (let j = 0; j < n; j++) if (j !== pAdj) s0 += price[offset + j]! * size[offset + j]!;
    let err = s0 - (T - 0.5 * (l + h));
    const tol = 0.5 * (h - l);
    const start = rng.int(n);
    for (let round = 0; round < 4 && Math.abs(err) > tol; round++) {
      const dir = err > 0 ? -1 : 1;
      for (let t = 0; t < n && Math.abs(err) > tol; t++) {
        const j = (start + t) % n;
        if (j === 0 || j === n - 1 || j === pHi || j === pLo || j === pAdj) continue;
        const i = offset + j;
        const q = size[i]!;
        const np = price[i]! + dir;
        if (q > Math.abs(err) + tol || np < l || np > h) continue;
        price[i] = np;
        err += dir * q;
        s0 += dir * q;
      }
    }

    // Σ price × size without the adjuster must land in [T − h, T − l]; then the adjuster closes it.
    const lo = T - h;
    const hi = T - l;
    if (s0 < lo) {
      // Raise: free prints' prices towards h, then move shares onto the print at h.
      const top = needHi ? pHi : o === h ? 0 : n - 1;
      for (let pass = 0; pass < 3 && s0 < lo; pass++) {
        for (let j = 0; j < n && s0 < lo; j++) {
          const i = offset + j;
          if (pass !== 1) {
            if (j === 0 || j === n - 1 || j === pHi || j === pLo || j === pAdj) continue;
            const room = h - price[i]!;
            if (room <= 0) continue;
            const dl = Math.min(room, Math.floor((hi - s0) / size[i]!));
            price[i] = price[i]! + dl;
            s0 += dl * size[i]!;
          } else {
            if (j === top || j === pAdj) continue;
            const d = h - price[i]!;
            if (d <= 0 || size[i]! <= 1) continue;
            const mv = Math.min(size[i]! - 1, Math.floor((hi - s0) / d));
            size[i] = size[i]! - mv;
            size[offset + top] = size[offset + top]! + mv;
            s0 += mv * d;
          }
        }
      }
    } else if (s0 > hi) {
      // Lower: free prints' prices towards l, then move shares onto the print at l.
      const bottom = needLo ? pLo : o === l ? 0 : n - 1;
      for (let pass = 0; pass < 3 && s0 > hi; pass++) {
        for (let j = 0; j < n && s0 > hi; j++) {
          const i = offset + j;
          if (pass !== 1) {
            if (j === 0 || j === n - 1 || j === pHi || j === pLo || j === pAdj) continue;
            const room = price[i]! - l;
            if (room <= 0) continue;
            const dl = Math.min(room, Math.floor((s0 - lo) / size[i]!));
            price[i] = price[i]! - dl;
            s0 -= dl * size[i]!;
          } else {
            if (j === bottom || j === pAdj) continue;
            const d = price[i]! - l;
            if (d <= 0 || size[i]! <= 1) continue;
            const mv = Math.min(size[i]! - 1, Math.floor((s0 - lo) / d));
            size[i] = size[i]! - mv;
            size[offset + bottom] = size[offset + bottom]! + mv;
            s0 -= mv * d;
          }
        }
      }
    }
    if (s0 < lo || s0 > hi) throw new Error("intraday: minute notional unreachable by prints (bug)");
    price[offset + pAdj] = T - s0;
    size[offset + pAdj] = 1;
    return n;
  }
}
