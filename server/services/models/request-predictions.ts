import { AppError } from "@/lib/errors";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { getProductionVersion } from "./get-production-version";
import { getSymbolPredictions } from "./get-symbol-predictions";

const WAIT_MS = 30_000;

/**
 * Predict on demand: a predict-batch job for a few symbols on the ml workers (models never run in a
 * request), awaited up to 30 s, then the stored predictions.
 */
export async function requestPredictions(opts: { symbols: string[]; modelVersionId?: string; bars: number }) {
  const versionId = opts.modelVersionId ?? (await getProductionVersion())?.id;
  if (!versionId) throw new AppError("CONFLICT", { userMessage: "No model is in production: promote a run first." });
  const job = await enqueue("predictBatch", { modelVersionId: versionId, bars: opts.bars, symbols: opts.symbols }, { jobId: jobId("predict-now", versionId, Date.now()), attempts: 1 });
  const t0 = Date.now();
  for (;;) {
    const state = await job.getState();
    if (state === "completed") break;
    if (state === "failed") throw new AppError("INTERNAL", { message: `prediction job failed: ${job.failedReason}`, userMessage: "The prediction job failed." });
    if (Date.now() - t0 > WAIT_MS) throw new AppError("SERVICE_UNAVAILABLE", { userMessage: "The ml workers did not answer in time; try again." });
    await new Promise((r) => setTimeout(r, 150));
  }
  return Promise.all(opts.symbols.map(async (symbol) => ({ symbol, ...(await getSymbolPredictions({ symbol, modelVersionId: versionId, limit: opts.bars })) })));
}
