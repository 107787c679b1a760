import { z } from "zod";
import { INGESTION_STATUSES } from "@/db/schema";
import { TIMEFRAMES } from "@/lib/bars/timeframe";
import { listIngestionRuns } from "../../services/ingestion/list-runs";
import { startBackfill } from "../../services/ingestion/start-backfill";
import { listProviderStates } from "../../services/providers/list-provider-states";
import { analystProcedure, authedProcedure, rateLimitedProcedure, router } from "../../trpc";
import { ZProviderId, ZSymbolCode } from "./symbols";

const ZRun = z.object({
  id: z.uuid(),
  provider: z.string(),
  kind: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  rangeStart: z.date().nullable(),
  rangeEnd: z.date().nullable(),
  status: z.enum(INGESTION_STATUSES),
  progress: z.number(),
  rowsIn: z.number(),
  rowsOut: z.number(),
  rowsQuarantined: z.number(),
  requests: z.number(),
  doneSymbols: z.array(z.string()),
  error: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  durationMs: z.number().nullable(),
  /** Running runs: seconds left at the pace so far. */
  etaSeconds: z.number().nullable(),
});

export const ZStartBackfillInput = z
  .object({
    symbols: z.array(ZSymbolCode).min(1).max(500),
    provider: ZProviderId,
    timeframe: z.enum(TIMEFRAMES),
    start: z.coerce.date(),
    end: z.coerce.date(),
  })
  .refine((v) => v.end > v.start, { message: "end must be after start", path: ["end"] });

export const ingestionRouter = router({
  runs: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(ZRun))
    .query(({ input }) => listIngestionRuns(input)),
  startBackfill: rateLimitedProcedure
    .unstable_concat(analystProcedure)
    .input(ZStartBackfillInput)
    .output(z.object({ runId: z.uuid(), jobId: z.string().nullable() }))
    .mutation(({ ctx, input }) => startBackfill({ userId: ctx.user.id, ...input })),
  providers: authedProcedure
    .output(
      z.array(
        z.object({
          provider: z.string(),
          breaker: z.string(),
          consecutiveFailures: z.number(),
          requests: z.number(),
          lastSuccessAt: z.date().nullable(),
          lastErrorAt: z.date().nullable(),
          lastError: z.string().nullable(),
          updatedAt: z.date(),
        }),
      ),
    )
    .query(() => listProviderStates()),
});
