/**
 * Simulator configuration, validated with zod. Every field has a default, so `parseSimConfig({})`
 * is a complete, runnable market. Rates and volatilities are annual; they are turned into
 * per-period values with 252 periods a year for stocks and 365 for crypto.
 */
import { z } from "zod";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "YYYY-MM-DD" (UTC date). */
const ZIsoDate = z
  .string()
  .regex(ISO_DATE, "expected YYYY-MM-DD")
  .refine((s) => Number.isFinite(Date.parse(`${s}T00:00:00Z`)), "invalid date");

/** A closed range [min, max] that per-symbol parameters are drawn from (uniformly). */
const range = (min: number, max: number, lo = -Infinity, hi = Infinity) =>
  z
    .object({ min: z.number().min(lo).max(hi).default(min), max: z.number().min(lo).max(hi).default(max) })
    .refine((r) => r.min <= r.max, "min must be <= max")
    .prefault({});

/** Per-asset-class parameters (stocks and crypto have different defaults). */
const assetParams = (d: {
  drift: [number, number];
  vol: [number, number];
  price: [number, number];
  baseVolume: [number, number];
  tradeSize: [number, number];
  marketVol: number;
  sectorVol: number;
  beta: [number, number];
  sectorLoading: [number, number];
  overnightShare: number;
}) =>
  z
    .object({
      /** Annual drift (alpha over the market) per symbol, drawn from this range. */
      drift: range(d.drift[0], d.drift[1], -2, 2),
      /** Total annual volatility per symbol in the calm regime (market + sector + idiosyncratic). */
      vol: range(d.vol[0], d.vol[1], 0.01, 5),
      /** Starting price, drawn log-uniformly. */
      price: range(d.price[0], d.price[1], 1e-6, 1e9),
      /** Median daily volume in shares (units), drawn log-uniformly. */
      baseVolume: range(d.baseVolume[0], d.baseVolume[1], 1e3, 1e10),
      /** Average trade size in shares (units), drawn log-uniformly; sets the trade count. */
      tradeSize: range(d.tradeSize[0], d.tradeSize[1], 10, 1e7),
      /** Annual volatility of the market factor in the calm regime. */
      marketVol: z.number().min(0).max(5).default(d.marketVol),
      /** Annual volatility of each sector factor in the calm regime. */
      sectorVol: z.number().min(0).max(5).default(d.sectorVol),
      /** Market beta per symbol. */
      beta: range(d.beta[0], d.beta[1], -5, 5),
      /** Loading on the symbol's sector factor. */
      sectorLoading: range(d.sectorLoading[0], d.sectorLoading[1], -5, 5),
      /** Share of daily variance realised overnight (open gap); 0 for a continuous market. */
      overnightShare: z.number().min(0).max(0.9).default(d.overnightShare),
    })
    .prefault({});

export const ZSimConfigInput = z
  .object({
    /** Master seed (uint32). Same config → bit-identical output. */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Number of symbols in the universe (SIM0001…). */
    symbols: z.number().int().min(1).max(200_000).default(500),
    /** Number of stock sectors (crypto symbols form their own sector). */
    sectors: z.number().int().min(1).max(64).default(11),
    /** First and last simulated date (inclusive, UTC). */
    start: ZIsoDate.default("2016-01-01"),
    end: ZIsoDate.default("2025-12-31"),
    /** Fraction of symbols that are crypto (24/7); the rest are NYSE stocks. Spread evenly over indices. */
    cryptoShare: z.number().min(0).max(1).default(0),
    stock: assetParams({
      drift: [-0.04, 0.08],
      vol: [0.18, 0.55],
      price: [5, 400],
      baseVolume: [2e5, 2e7],
      tradeSize: [80, 300],
      marketVol: 0.15,
      sectorVol: 0.1,
      beta: [0.6, 1.4],
      sectorLoading: [0.5, 1.0],
      overnightShare: 0.2,
    }),
    crypto: assetParams({
      drift: [-0.1, 0.2],
      vol: [0.5, 1.2],
      price: [0.05, 50_000],
      baseVolume: [1e5, 1e8],
      tradeSize: [20, 2_000],
      marketVol: 0.45,
      sectorVol: 0,
      beta: [0.7, 1.3],
      sectorLoading: [0, 0],
      overnightShare: 0,
    }),
    /** GARCH(1,1) on standardised idiosyncratic and market shocks: h' = ω + α·h·z² + β·h, ω = h̄(1-α-β). */
    garch: z
      .object({ alpha: z.number().min(0).max(0.5).default(0.08), beta: z.number().min(0).max(0.999).default(0.9) })
      .refine((g) => g.alpha + g.beta < 1, "garch alpha + beta must be < 1")
      .prefault({}),
    /** Idiosyncratic jumps: Poisson count per day with `intensity` a year; log size ~ N(meanSize, sizeVol). */
    jumps: z
      .object({
        intensity: z.number().min(0).max(100).default(4),
        meanSize: z.number().min(-1).max(1).default(-0.01),
        sizeVol: z.number().min(0).max(1).default(0.05),
        /** Probability (stocks) that a jump happens overnight (an earnings-style gap) rather than intraday. */
        overnightProb: z.number().min(0).max(1).default(0.5),
      })
      .prefault({}),
    /**
     * Two-state Markov regime per calendar (0 = calm/bull, 1 = turbulent/bear), shared by all symbols on it.
     * Probabilities are per period; drifts are the annual market-factor drift in each state; the volatility
     * multiplier scales market, sector and idiosyncratic volatility in the turbulent state.
     */
    regime: z
      .object({
        pCalmToTurbulent: z.number().min(0).max(1).default(0.01),
        pTurbulentToCalm: z.number().min(0).max(1).default(0.05),
        calmDrift: z.number().min(-2).max(2).default(0.1),
        turbulentDrift: z.number().min(-2).max(2).default(-0.25),
        turbulentVolMultiplier: z.number().min(0.1).max(10).default(1.8),
      })
      .prefault({}),
    /** Daily volume model: log V = log base + persistent AR(1) + |return| and volatility effects + noise. */
    volume: z
      .object({
        /** AR(1) coefficient of the persistent log-volume component. */
        persistence: z.number().min(0).max(0.999).default(0.8),
        /** Stationary st.dev. of the persistent component. */
        persistentVol: z.number().min(0).max(3).default(0.25),
        /** St.dev. of the daily log-volume noise. */
        noise: z.number().min(0).max(3).default(0.2),
        /** Log-volume change per unit of |return| measured in daily standard deviations. */
        absReturn: z.number().min(0).max(3).default(0.25),
        /** Elasticity of volume to conditional volatility. */
        vol: z.number().min(0).max(3).default(0.6),
      })
      .prefault({}),
    /**
     * Planted predictable component: target mean cross-sectional Pearson IC between the hidden signal at t and
     * the close-to-close return from t to t+1 (0 = none). Rank IC comes out close to it.
     */
    plantedIC: z.number().min(-0.5).max(0.5).default(0),
  })
  .refine((c) => c.start <= c.end, { message: "start must be <= end", path: ["end"] });

export type TSimConfigInput = z.input<typeof ZSimConfigInput>;
export type TSimConfig = z.output<typeof ZSimConfigInput>;
export type TAssetParams = TSimConfig["stock"];

/** Parse and fill defaults; throws a ZodError on invalid input. */
export function parseSimConfig(input: TSimConfigInput = {}): TSimConfig {
  return ZSimConfigInput.parse(input);
}

/** Epoch ms (UTC midnight) of a "YYYY-MM-DD" date. */
export function isoDateMs(s: string): number {
  return Date.parse(`${s}T00:00:00Z`);
}
