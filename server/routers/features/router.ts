import { z } from "zod";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { getFeatureCatalog, getFeatureValues } from "../../services/features/get-feature-values";
import { analystProcedure, authedProcedure, rateLimitedProcedure, router } from "../../trpc";
import { ZSymbolCode } from "../market/symbols";

const ZFeatureSet = z.string().regex(/^[a-z0-9-]+$/).max(40).default("core-v1");

export const featuresRouter = router({
  catalog: authedProcedure
    .input(z.object({ featureSet: ZFeatureSet }))
    .output(
      z.object({
        featureSet: z.string(),
        hash: z.string(),
        features: z.array(
          z.object({ index: z.number(), name: z.string(), description: z.string(), group: z.string(), lookback: z.number(), kind: z.enum(["ts", "cs"]), base: z.string().optional() }),
        ),
      }),
    )
    .query(({ input }) => getFeatureCatalog(input.featureSet)),
  values: authedProcedure
    .input(z.object({ symbol: ZSymbolCode, timeframe: z.enum(TIMEFRAMES).default("1d"), featureSet: ZFeatureSet, limit: z.number().int().min(1).max(1000).default(20) }))
    .output(z.object({ ts: z.array(z.number()), columns: z.record(z.string(), z.array(z.number().nullable())) }))
    .query(({ input }) => getFeatureValues(input)),
  /** Recompute the store now (normally it follows every ingestion). */
  recompute: rateLimitedProcedure
    .unstable_concat(analystProcedure)
    .input(z.object({ featureSet: ZFeatureSet, timeframe: z.enum(TIMEFRAMES).default("1d") }))
    .output(z.object({ jobId: z.string() }))
    .mutation(async ({ input }) => {
      const job = await enqueue("computeFeatures", input, { jobId: jobId("compute-features", input.featureSet, input.timeframe, Date.now()) });
      return { jobId: String(job.id) };
    }),
});
