import { aggregate } from "@/lib/bars/aggregate";
import { sliceColumns, type BarColumns } from "@/lib/bars/columns";
import { createSimulator, type Simulator } from "@/lib/sim";
import { serverEnv } from "../../env";
import { metrics } from "../../metrics";
import { createProvider, isHttpProviderId, type ResilientHistoryProvider } from "../../providers";
import { VendorRequestError, type FetchBarsRequest, type FetchBarsResult, type HistoryProvider } from "../../providers/types";
import { readBundledDaily } from "../market/load-bundled-data";
import { recordProviderState } from "./record-provider-state";

const g = globalThis as unknown as { __mssProviders?: Map<string, HistoryProvider> };

/** The demo/test simulator: a fixed seed so every process sees the same market. */
export const SIM_CONFIG = { seed: 42, symbols: 500, start: "2016-01-01", end: "2026-12-31", plantedIC: 0.03 } as const;

function simProvider(): HistoryProvider {
  let sim: Simulator | undefined;
  const index = (symbol: string): number => {
    const m = /^SIM(\d{4,})$/.exec(symbol);
    const i = m ? Number(m[1]) - 1 : -1;
    if (i < 0 || i >= SIM_CONFIG.symbols) throw new VendorRequestError("sim", 404, `unknown simulated symbol ${symbol} (SIM0001..SIM${String(SIM_CONFIG.symbols).padStart(4, "0")})`);
    return i;
  };
  return {
    id: "sim",
    timeframes: ["1m", "5m", "15m", "1h", "4h", "1d"],
    async fetchBars(req: FetchBarsRequest): Promise<FetchBarsResult> {
      sim ??= createSimulator(SIM_CONFIG);
      const i = index(req.symbol);
      const bars: BarColumns =
        req.timeframe === "1d" ? sim.daily(i, req.start, req.end) : req.timeframe === "1m" ? sim.minute(i, req.start, req.end) : aggregate(sim.minute(i, req.start, req.end), req.timeframe);
      return { bars, profile: { name: `Simulated ${req.symbol.slice(3)}`, exchange: "SIM", currency: "USD", sector: sim.symbol(i).sector }, actions: [], adjClose: null, requests: 0 };
    },
  };
}

/** Serves the bundled daily files (db/seed/market-data) as a provider, so the demo can re-backfill them. */
function bundledProvider(): HistoryProvider {
  return {
    id: "bundled",
    timeframes: ["1d"],
    async fetchBars(req) {
      if (req.timeframe !== "1d") throw new VendorRequestError("bundled", 400, "the bundled data set is daily only");
      const file = readBundledDaily(req.symbol);
      if (!file) throw new VendorRequestError("bundled", 404, `no bundled data for ${req.symbol}`);
      const all = file.bars;
      let a = 0;
      while (a < all.length && all.ts[a]! < req.start) a++;
      let b = a;
      while (b < all.length && all.ts[b]! < req.end) b++;
      const adj = file.adjClose.slice(a, b);
      return { bars: sliceColumns(all, a, b), actions: [], adjClose: adj, requests: 0 };
    },
  };
}

function vendorProvider(id: "yahoo" | "binance" | "alpaca" | "polygon"): HistoryProvider {
  const env = serverEnv();
  const resilience = { requestsPerMinute: env.PROVIDER_RPM };
  let p: ResilientHistoryProvider;
  switch (id) {
    case "yahoo":
      p = createProvider("yahoo", { baseUrl: env.YAHOO_BASE_URL, resilience });
      break;
    case "binance":
      p = createProvider("binance", { baseUrl: env.BINANCE_BASE_URL, resilience });
      break;
    case "alpaca":
      p = createProvider("alpaca", { baseUrl: env.ALPACA_BASE_URL, keyId: env.ALPACA_KEY_ID ?? "", secretKey: env.ALPACA_SECRET_KEY ?? "", resilience });
      break;
    case "polygon":
      p = createProvider("polygon", { baseUrl: env.POLYGON_BASE_URL, apiKey: env.POLYGON_API_KEY ?? "", resilience });
      break;
  }
  p.resilience.onStateChange((state) => {
    metrics().providerBreaker.set({ provider: id }, state.breaker === "closed" ? 0 : state.breaker === "half-open" ? 1 : 2);
    recordProviderState(state);
  });
  return p;
}

/** One provider instance per process and id (its breaker and request budget are shared by all jobs). */
export function getHistoryProvider(id: string): HistoryProvider {
  g.__mssProviders ??= new Map();
  const cached = g.__mssProviders.get(id);
  if (cached) return cached;
  let p: HistoryProvider;
  if (id === "sim") p = simProvider();
  else if (id === "bundled") p = bundledProvider();
  else if (isHttpProviderId(id)) p = vendorProvider(id);
  else throw new VendorRequestError("csv", 400, `unknown provider ${id}`);
  g.__mssProviders.set(id, p);
  return p;
}
