import { z } from "zod";
import { DQ_SEVERITIES } from "@/db/schema";
import { listDqIssues, resolveDqIssue } from "../../services/market/list-dq-issues";
import { analystProcedure, authedProcedure, router } from "../../trpc";
import { ZSymbolCode } from "./symbols";

const ZIssue = z.object({
  id: z.uuid(),
  symbol: z.string(),
  timeframe: z.string(),
  ts: z.date(),
  rule: z.string(),
  severity: z.enum(DQ_SEVERITIES),
  quarantined: z.boolean(),
  message: z.string(),
  values: z.record(z.string(), z.unknown()),
  runId: z.uuid().nullable(),
  detectedAt: z.date(),
  resolvedAt: z.date().nullable(),
  resolvedBy: z.uuid().nullable(),
  resolution: z.string().nullable(),
});

export const qualityRouter = router({
  list: authedProcedure
    .input(
      z.object({
        symbol: ZSymbolCode.optional(),
        rule: z.string().max(40).optional(),
        status: z.enum(["open", "resolved", "all"]).default("open"),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .output(z.array(ZIssue))
    .query(({ input }) => listDqIssues(input)),
  resolve: analystProcedure
    .input(z.object({ id: z.uuid(), resolution: z.string().trim().min(1).max(500) }))
    .output(z.object({ id: z.uuid(), resolvedAt: z.date().nullable() }))
    .mutation(({ ctx, input }) => resolveDqIssue({ ...input, userId: ctx.user.id })),
});
