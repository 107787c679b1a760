/**
 * Deterministic market simulator (pure): seeded universe of NYSE stocks and 24/7 crypto with GBM drift,
 * GARCH(1,1) volatility, jumps, a shared two-state regime, market and sector factors, log-normal volume,
 * an optional planted predictive signal, and daily / 1m / tick data that aggregate into each other exactly.
 *
 *   const sim = createSimulator({ seed: 7, symbols: 500, plantedIC: 0.05 });
 *   const bars = sim.daily(0);            // BarColumns
 *   const m1 = sim.minute(0, from, to);   // BarColumns, NYSE sessions only
 *   const prints = sim.ticks(0, from, to);
 *   sim.realisedIC();                     // { pearson, spearman, … }
 */
export { createSimulator } from "./simulator";
export type { RealisedIC, RealisedICOptions, SignalSeries, Simulator, TickColumns } from "./simulator";
export { parseSimConfig, ZSimConfigInput } from "./config";
export type { TAssetParams, TSimConfig, TSimConfigInput } from "./config";
export type { AssetClass, SimSymbol } from "./universe";
export { CRYPTO_SECTOR_NAME, STOCK_SECTOR_NAMES } from "./universe";
export { pearson, spearman, rankInto } from "./ic";
export { Rng } from "./rng";
