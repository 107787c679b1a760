import { z } from "zod";
import { compileScan, describeScanVocabulary, parseScan, SCAN_PRESETS, ScanError, ZScanAst } from "@/lib/scan";
import { runScan } from "../../services/scans/run-scan";
import { createSavedScan, deleteSavedScan, getScanRun, listSavedScans, listScanRuns, updateSavedScan } from "../../services/scans/saved-scans";
import { createShareLink, revokeShareLink } from "../../services/scans/share-scan";
import { authedProcedure, rateLimitedProcedure, router } from "../../trpc";
import { ZShareScanInput, ZShareScanOutput, ZUnshareScanInput, ZUnshareScanOutput } from "./share.types";
import { sharedScanRouter } from "./shared-router";

const ZText = z.string().max(4096);
const ZResultRow = z.object({ symbol: z.string(), sortKey: z.number().nullable(), values: z.record(z.string(), z.number().nullable()), spark: z.array(z.number()).optional(), barTs: z.number().optional() });
const ZRunSummary = z.object({
  id: z.uuid(),
  scanId: z.uuid().nullable(),
  scanVersion: z.number().nullable(),
  text: z.string(),
  timeframe: z.string(),
  asOf: z.date().nullable(),
  universe: z.number(),
  matches: z.number(),
  durationMs: z.number(),
  source: z.string(),
  newHits: z.array(z.string()),
  createdAt: z.date(),
});

export const scanRouter = router({
  /** Parse + type-check without running: canonical text, or the error with its position and a suggestion. */
  validate: authedProcedure
    .input(z.object({ text: ZText }))
    .output(
      z.discriminatedUnion("ok", [
        z.object({ ok: z.literal(true), text: z.string(), timeframe: z.string(), columns: z.array(z.string()) }),
        z.object({
          ok: z.literal(false),
          message: z.string(),
          snippet: z.string(),
          line: z.number().nullable(),
          column: z.number().nullable(),
          offset: z.number().nullable(),
          length: z.number().nullable(),
          suggestion: z.string().nullable(),
        }),
      ]),
    )
    .query(({ input }) => {
      try {
        const plan = compileScan(parseScan(input.text));
        return { ok: true as const, text: plan.text, timeframe: plan.timeframe, columns: plan.columns.map((c) => c.key) };
      } catch (err) {
        if (!(err instanceof ScanError)) throw err;
        const p = err.position;
        return { ok: false as const, message: err.summary, snippet: err.snippet, line: p?.line ?? null, column: p?.column ?? null, offset: p?.offset ?? null, length: p?.length ?? null, suggestion: err.suggestion ?? null };
      }
    }),
  presets: authedProcedure
    .output(z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), text: z.string(), requiresMl: z.boolean() })))
    .query(() => SCAN_PRESETS.map((p) => ({ ...p }))),
  vocabulary: authedProcedure.query(() => describeScanVocabulary()),
  /** Run on demand (heavy: rate-limited). Text, typed AST, or a saved scan of the caller. */
  run: rateLimitedProcedure
    .input(z.union([z.object({ text: ZText }), z.object({ ast: ZScanAst }), z.object({ scanId: z.uuid() })]))
    .output(
      z.object({
        runId: z.uuid(),
        text: z.string(),
        timeframe: z.string(),
        asOf: z.number().nullable(),
        universe: z.number(),
        total: z.number(),
        durationMs: z.number(),
        source: z.string(),
        /** The sort as the scan reads ("ROC20 desc"): the label of the results' sort-key column. */
        sortBy: z.string().nullable(),
        results: z.array(ZResultRow),
        newHits: z.array(z.string()),
      }),
    )
    .mutation(({ ctx, input }) => runScan({ userId: ctx.user.id, ...input })),
  saved: router({
    list: authedProcedure
      .output(z.array(z.object({ id: z.uuid(), name: z.string(), text: z.string(), timeframe: z.string(), version: z.number(), updatedAt: z.date(), shareToken: z.string().nullable() })))
      .query(({ ctx }) => listSavedScans({ userId: ctx.user.id })),
    create: authedProcedure
      .input(z.object({ name: z.string().trim().min(1).max(120), text: ZText }))
      .output(z.object({ id: z.uuid(), name: z.string(), text: z.string(), version: z.number() }))
      .mutation(({ ctx, input }) => createSavedScan({ userId: ctx.user.id, ...input })),
    update: authedProcedure
      .input(z.object({ id: z.uuid(), name: z.string().trim().min(1).max(120).optional(), text: ZText.optional() }))
      .output(z.object({ id: z.uuid(), name: z.string(), text: z.string(), version: z.number() }))
      .mutation(({ ctx, input }) => updateSavedScan({ userId: ctx.user.id, ...input })),
    delete: authedProcedure
      .input(z.object({ id: z.uuid() }))
      .output(z.object({ id: z.uuid() }))
      .mutation(({ ctx, input }) => deleteSavedScan({ userId: ctx.user.id, id: input.id })),
    /** Owner only: a read-only share link (token) for the scan; the same token until revoked. */
    share: authedProcedure
      .input(ZShareScanInput)
      .output(ZShareScanOutput)
      .mutation(({ ctx, input }) => createShareLink({ userId: ctx.user.id, id: input.id })),
    unshare: authedProcedure
      .input(ZUnshareScanInput)
      .output(ZUnshareScanOutput)
      .mutation(({ ctx, input }) => revokeShareLink({ userId: ctx.user.id, id: input.id })),
  }),
  /** Opened by share token (any signed-in user): the scan and its latest run, read-only; copy into one's own scans. */
  shared: sharedScanRouter,
  runs: router({
    list: authedProcedure
      .input(z.object({ scanId: z.uuid().optional(), limit: z.number().int().min(1).max(100).default(20) }))
      .output(z.array(ZRunSummary))
      .query(({ ctx, input }) => listScanRuns({ userId: ctx.user.id, ...input })),
    get: authedProcedure
      .input(z.object({ id: z.uuid() }))
      .output(ZRunSummary.extend({ results: z.array(ZResultRow), userId: z.uuid() }))
      .query(({ ctx, input }) => getScanRun({ userId: ctx.user.id, id: input.id })),
  }),
});
