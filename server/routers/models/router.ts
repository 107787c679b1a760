import { z } from "zod";
import { MODEL_RUN_STATUSES } from "@/db/schema";
import { cancelTraining } from "../../services/models/cancel-training";
import { createDatasetSpec } from "../../services/models/create-dataset-spec";
import { getModelRunDetail } from "../../services/models/get-model-run-detail";
import { getSymbolPredictions } from "../../services/models/get-symbol-predictions";
import { listDatasetSpecs } from "../../services/models/list-dataset-specs";
import { listModelRuns } from "../../services/models/list-model-runs";
import { listRegistry } from "../../services/models/list-registry";
import { requestPredictions } from "../../services/models/request-predictions";
import { rollbackModel } from "../../services/models/rollback-model";
import { setModelStage } from "../../services/models/set-model-stage";
import { startTraining } from "../../services/models/start-training";
import { analystProcedure, authedProcedure, rateLimitedProcedure, router } from "../../trpc";
import { ZSymbolCode } from "../market/symbols";
import {
  ZCreateDatasetSpecInput,
  ZDatasetSpecOutput,
  ZRegistryOutput,
  ZRollbackInput,
  ZRunDetail,
  ZRunSummary,
  ZSetStageInput,
  ZStartTrainingInput,
  ZStartTrainingOutput,
  ZSymbolPredictions,
} from "./types";

const datasetsRouter = router({
  create: analystProcedure
    .input(ZCreateDatasetSpecInput)
    .output(ZDatasetSpecOutput)
    .mutation(({ ctx, input }) => createDatasetSpec({ userId: ctx.user.id, name: input.name, spec: input.spec })),
  list: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(ZDatasetSpecOutput))
    .query(({ input }) => listDatasetSpecs(input)),
});

const runsRouter = router({
  /** Enqueue a training (analysts; heavy: rate-limited). */
  start: rateLimitedProcedure
    .unstable_concat(analystProcedure)
    .input(ZStartTrainingInput)
    .output(ZStartTrainingOutput)
    .mutation(({ ctx, input }) => startTraining({ userId: ctx.user.id, ...input })),
  cancel: analystProcedure
    .input(z.object({ runId: z.uuid() }))
    .output(z.object({ status: z.enum(MODEL_RUN_STATUSES) }))
    .mutation(async ({ ctx, input }) => (await cancelTraining({ userId: ctx.user.id, runId: input.runId })) as { status: (typeof MODEL_RUN_STATUSES)[number] }),
  list: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), status: z.array(z.enum(MODEL_RUN_STATUSES)).optional() }))
    .output(z.array(ZRunSummary))
    .query(({ input }) => listModelRuns(input)),
  get: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .output(ZRunDetail)
    .query(({ input }) => getModelRunDetail(input.id)),
  compare: authedProcedure
    .input(z.object({ ids: z.array(z.uuid()).min(2).max(6) }))
    .output(z.array(ZRunDetail))
    .query(({ input }) => Promise.all(input.ids.map((id) => getModelRunDetail(id)))),
});

const registryRouter = router({
  list: authedProcedure.output(ZRegistryOutput).query(() => listRegistry()),
  /** Register a completed run (if needed) and move it to a stage; admins and analysts, audited. */
  promote: analystProcedure
    .input(ZSetStageInput)
    .output(z.object({ id: z.uuid(), modelName: z.string(), version: z.number(), stage: ZSetStageInput.shape.stage }))
    .mutation(({ ctx, input }) => setModelStage({ actorId: ctx.user.id, ...input })),
  rollback: analystProcedure
    .input(ZRollbackInput)
    .output(z.object({ modelName: z.string(), from: z.number(), to: z.number(), productionVersionId: z.uuid() }))
    .mutation(({ ctx, input }) => rollbackModel({ actorId: ctx.user.id, ...input })),
});

const predictionsRouter = router({
  forSymbol: authedProcedure
    .input(z.object({ symbol: ZSymbolCode, modelVersionId: z.uuid().optional(), limit: z.number().int().min(1).max(5000).default(500) }))
    .output(ZSymbolPredictions)
    .query(({ input }) => getSymbolPredictions(input)),
  /** Predict now on the ml workers (analysts; heavy: rate-limited, each call is a job). */
  predictNow: rateLimitedProcedure
    .unstable_concat(analystProcedure)
    .input(z.object({ symbols: z.array(ZSymbolCode).min(1).max(50), modelVersionId: z.uuid().optional(), bars: z.number().int().min(1).max(250).default(1) }))
    .output(z.array(ZSymbolPredictions.extend({ symbol: z.string() })))
    .mutation(({ input }) => requestPredictions(input)),
});

export const modelsRouter = router({
  datasets: datasetsRouter,
  runs: runsRouter,
  registry: registryRouter,
  predictions: predictionsRouter,
});
