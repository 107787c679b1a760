/**
 * The simulated universe: per-symbol metadata and model parameters, each drawn from its own
 * keyed stream (seed, symbol index, STREAM.params), so a symbol's parameters never depend on
 * how many other symbols exist or which ones are requested.
 */
import type { CalendarId } from "../calendar";
import type { TAssetParams, TSimConfig } from "./config";
import { Rng, STREAM } from "./rng";

export type AssetClass = "stock" | "crypto";

export const STOCK_SECTOR_NAMES = [
  "Information Technology",
  "Health Care",
  "Financials",
  "Consumer Discretionary",
  "Communication Services",
  "Industrials",
  "Consumer Staples",
  "Energy",
  "Utilities",
  "Real Estate",
  "Materials",
] as const;

export const CRYPTO_SECTOR_NAME = "Crypto";

/** Periods per year used to turn annual rates into per-day ones. */
export const PERIODS_PER_YEAR: Record<AssetClass, number> = { stock: 252, crypto: 365 };

export interface SimSymbol {
  /** Position in the universe (0-based); the key of every per-symbol API. */
  index: number;
  /** Ticker, SIM0001 for index 0. */
  symbol: string;
  assetClass: AssetClass;
  calendar: CalendarId;
  sector: string;
  /** Index of the sector factor on the symbol's calendar (crypto: always 0). */
  sectorIndex: number;
  /** Previous close before the first simulated day. */
  basePrice: number;
  /** Median daily volume (shares/units) in a full session. */
  baseVolume: number;
  /** Average trade size (shares/units). */
  tradeSize: number;
  /** Annual drift (alpha over beta × market). */
  drift: number;
  /** Annual total volatility in the calm regime. */
  vol: number;
  beta: number;
  sectorLoading: number;
  /** Annual idiosyncratic volatility (calm regime, unconditional GARCH level). */
  idioVol: number;
}

/** Crypto symbols are spread evenly over indices: exactly round-down(N × share) of them. */
export function assetClassOf(index: number, cryptoShare: number): AssetClass {
  return Math.floor((index + 1) * cryptoShare) > Math.floor(index * cryptoShare) ? "crypto" : "stock";
}

export function symbolName(index: number, count: number): string {
  const width = Math.max(4, String(count).length);
  return `SIM${String(index + 1).padStart(width, "0")}`;
}

export function sectorName(sectorIndex: number): string {
  return STOCK_SECTOR_NAMES[sectorIndex] ?? `Sector ${sectorIndex + 1}`;
}

const lerp = (r: { min: number; max: number }, u: number) => r.min + (r.max - r.min) * u;
const logLerp = (r: { min: number; max: number }, u: number) => Math.exp(Math.log(r.min) + (Math.log(r.max) - Math.log(r.min)) * u);

export function assetParamsOf(config: TSimConfig, assetClass: AssetClass): TAssetParams {
  return assetClass === "crypto" ? config.crypto : config.stock;
}

/** Model parameters drawn from a stream (fixed draw order: never reorder, it would change every universe). */
export interface DrawnParams {
  uSector: number;
  drift: number;
  vol: number;
  beta: number;
  sectorLoading: number;
  basePrice: number;
  baseVolume: number;
  tradeSize: number;
  idioVol: number;
}

export function drawParams(p: TAssetParams, rng: Rng): DrawnParams {
  const uSector = rng.uniform();
  const drift = lerp(p.drift, rng.uniform());
  const vol = lerp(p.vol, rng.uniform());
  const beta = lerp(p.beta, rng.uniform());
  const sectorLoading = lerp(p.sectorLoading, rng.uniform());
  const basePrice = logLerp(p.price, rng.uniform());
  const baseVolume = logLerp(p.baseVolume, rng.uniform());
  const tradeSize = logLerp(p.tradeSize, rng.uniform());
  const factorVar = beta * beta * p.marketVol * p.marketVol + sectorLoading * sectorLoading * p.sectorVol * p.sectorVol;
  // The idiosyncratic part keeps at least 20% of the total volatility.
  const idioVol = Math.sqrt(Math.max(vol * vol - factorVar, 0.04 * vol * vol));
  return { uSector, drift, vol, beta, sectorLoading, basePrice, baseVolume, tradeSize, idioVol };
}

/** Metadata and parameters of one symbol. */
export function makeSymbol(config: TSimConfig, index: number): SimSymbol {
  const assetClass = assetClassOf(index, config.cryptoShare);
  const d = drawParams(assetParamsOf(config, assetClass), new Rng(config.seed, index, STREAM.params));
  const sectorIndex = assetClass === "crypto" ? 0 : Math.min(config.sectors - 1, Math.floor(d.uSector * config.sectors));
  return {
    index,
    symbol: symbolName(index, config.symbols),
    assetClass,
    calendar: assetClass === "crypto" ? "CRYPTO" : "NYSE",
    sector: assetClass === "crypto" ? CRYPTO_SECTOR_NAME : sectorName(sectorIndex),
    sectorIndex,
    basePrice: d.basePrice,
    baseVolume: d.baseVolume,
    tradeSize: d.tradeSize,
    drift: d.drift,
    vol: d.vol,
    beta: d.beta,
    sectorLoading: d.sectorLoading,
    idioVol: d.idioVol,
  };
}
