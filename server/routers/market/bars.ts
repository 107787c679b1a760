import { z } from "zod";
import { barsFromColumns } from "@/lib/bars/columns";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { getBars, MAX_BAR_TS_MS, MAX_BARS_PER_PAGE, MIN_BAR_TS_MS } from "../../services/bars/get-bars";
import { getIndicatorSeries } from "../../services/bars/get-indicator-series";
import { listIndicators } from "@/lib/indicators/registry";
import { authedProcedure, router } from "../../trpc";
import { ZSymbolCode } from "./symbols";

/** A bar time bound in epoch ms, 1900-01-01 … 2200-01-01 UTC (anything wider is not a date Postgres or Date take). */
export const ZBarTimeMs = z.number().int().min(MIN_BAR_TS_MS).max(MAX_BAR_TS_MS);

export const ZGetBarsInput = z.object({
  symbol: ZSymbolCode,
  timeframe: z.enum(TIMEFRAMES),
  from: ZBarTimeMs.optional(),
  /** Exclusive; pass the oldest ts of the previous page to page backwards. */
  to: ZBarTimeMs.optional(),
  limit: z.number().int().min(1).max(MAX_BARS_PER_PAGE).default(1000),
  adjusted: z.boolean().default(false),
});

const ZBar = z.object({
  ts: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  vwap: z.number().nullable(),
  trades: z.number().nullable(),
});

export const barsRouter = router({
  get: authedProcedure
    .input(ZGetBarsInput)
    .output(z.object({ bars: z.array(ZBar), hasMore: z.boolean() }))
    .query(async ({ input }) => {
      const c = await getBars(input);
      const bars = barsFromColumns(c).map((b) => ({ ...b, vwap: Number.isNaN(b.vwap) ? null : b.vwap, trades: Number.isNaN(b.trades) ? null : b.trades }));
      return { bars, hasMore: c.length === input.limit };
    }),
});

export const ZIndicatorSeriesInput = z.object({
  symbol: ZSymbolCode,
  timeframe: z.enum(TIMEFRAMES),
  to: ZBarTimeMs.optional(),
  limit: z.number().int().min(1).max(MAX_BARS_PER_PAGE).default(1000),
  adjusted: z.boolean().default(true),
  indicators: z
    .array(
      z.object({
        key: z.string().min(1).max(40),
        id: z.string().min(1).max(40),
        params: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
      }),
    )
    .min(1)
    .max(20),
});

export const indicatorsRouter = router({
  /** The indicator registry: ids, labels, params with defaults and bounds, outputs, panes. */
  catalog: authedProcedure
    .output(z.array(z.object({ id: z.string(), label: z.string(), pane: z.string(), outputs: z.array(z.string()), lookback: z.number() }).passthrough()))
    .query(() => listIndicators().map((m) => ({ ...m, outputs: [...m.outputs] }))),
  /** Indicator series for a chart: values aligned with the bars of the same request (null in warm-up). */
  series: authedProcedure
    .input(ZIndicatorSeriesInput)
    .output(z.object({ ts: z.array(z.number()), series: z.record(z.string(), z.record(z.string(), z.array(z.number().nullable()))) }))
    .query(({ input }) => getIndicatorSeries(input)),
});
