/**
 * Per-calendar date grid and the shared factor paths (regime, market factor, sector factors).
 * Computed once per simulator and calendar: O(days × (sectors + 1)) normals, shared by every
 * symbol on that calendar, which is what creates cross-sectional correlation.
 */
import { sessionOf, tradingDays, type CalendarId } from "../calendar";
import type { TSimConfig } from "./config";
import { isoDateMs } from "./config";
import { Rng, STREAM } from "./rng";
import { PERIODS_PER_YEAR, type AssetClass } from "./universe";

const DAY_MS = 86_400_000;

export interface CalendarGrid {
  calendar: CalendarId;
  assetClass: AssetClass;
  /** Number of simulated days on this calendar. */
  length: number;
  /** Day (UTC midnight, the daily bar ts) of each simulated day. */
  days: Float64Array;
  /** Session open (epoch ms UTC) of each day. */
  sessionOpen: Float64Array;
  /** Number of 1m bars in each day's session (390, 210 on early closes, 1440 for crypto). */
  sessionMinutes: Int32Array;
  /** Regime state per day (0 calm/bull, 1 turbulent/bear). */
  regime: Uint8Array;
  /** Volatility multiplier of the regime per day (1 when calm). */
  volMult: Float64Array;
  /** Market factor log return per day. */
  market: Float64Array;
  /** Conditional st.dev. of the market factor per day (GARCH × regime). */
  marketSigma: Float64Array;
  /** Sector factor log returns, row-major [day × sectorCount + sector]. */
  sector: Float64Array;
  sectorCount: number;
  /** Calm-regime daily st.dev. of a sector factor. */
  sectorSigma: number;
}

/** First index i with days[i] >= ts (days ascending). */
export function lowerBound(days: Float64Array, ts: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Build the grid and factor paths for one calendar. */
export function buildCalendarGrid(config: TSimConfig, assetClass: AssetClass): CalendarGrid {
  const calendar: CalendarId = assetClass === "crypto" ? "CRYPTO" : "NYSE";
  const from = isoDateMs(config.start);
  const to = isoDateMs(config.end);
  const dayList = tradingDays(calendar, from, to);
  const n = dayList.length;
  const days = new Float64Array(dayList);
  const sessionOpen = new Float64Array(n);
  const sessionMinutes = new Int32Array(n);
  for (let d = 0; d < n; d++) {
    const s = sessionOf(calendar, days[d]!);
    if (!s) throw new Error(`no session on trading day ${new Date(days[d]!).toISOString()}`);
    sessionOpen[d] = s.open;
    sessionMinutes[d] = Math.round((s.close - s.open) / 60_000);
    if (s.close - s.open > DAY_MS) throw new Error("session longer than a day");
  }

  const p = assetClass === "crypto" ? config.crypto : config.stock;
  const periods = PERIODS_PER_YEAR[assetClass];
  const sectorCount = assetClass === "crypto" ? 1 : config.sectors;
  const { alpha, beta } = config.garch;
  const rg = config.regime;
  const mSigma = p.marketVol / Math.sqrt(periods);
  const sSigma = p.sectorVol / Math.sqrt(periods);

  const regime = new Uint8Array(n);
  const volMult = new Float64Array(n);
  const market = new Float64Array(n);
  const marketSigma = new Float64Array(n);
  const sector = new Float64Array(n * sectorCount);

  const rng = new Rng(config.seed, assetClass === "crypto" ? 1 : 0, STREAM.factors);
  // Start in the stationary distribution of the regime chain.
  const pTurb = rg.pCalmToTurbulent + rg.pTurbulentToCalm > 0 ? rg.pCalmToTurbulent / (rg.pCalmToTurbulent + rg.pTurbulentToCalm) : 0;
  let state = rng.uniform() < pTurb ? 1 : 0;
  let g = 1; // market GARCH variance relative to its unconditional level
  for (let d = 0; d < n; d++) {
    if (d > 0) {
      const u = rng.uniform();
      if (state === 0 && u < rg.pCalmToTurbulent) state = 1;
      else if (state === 1 && u < rg.pTurbulentToCalm) state = 0;
    }
    const mult = state === 1 ? rg.turbulentVolMultiplier : 1;
    const drift = (state === 1 ? rg.turbulentDrift : rg.calmDrift) / periods;
    const sig = mSigma * Math.sqrt(g) * mult;
    const z = rng.normal();
    regime[d] = state;
    volMult[d] = mult;
    marketSigma[d] = sig;
    market[d] = drift - 0.5 * sig * sig + sig * z;
    g = 1 - alpha - beta + alpha * g * z * z + beta * g;
    const ss = sSigma * mult;
    for (let k = 0; k < sectorCount; k++) sector[d * sectorCount + k] = ss * rng.normal() - 0.5 * ss * ss;
  }

  return {
    calendar,
    assetClass,
    length: n,
    days,
    sessionOpen,
    sessionMinutes,
    regime,
    volMult,
    market,
    marketSigma,
    sector,
    sectorCount,
    sectorSigma: sSigma,
  };
}
