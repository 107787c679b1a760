import { UnrecoverableError, type SandboxedJob } from "bullmq";
import { AppError } from "@/lib/errors";
import { QUEUES, type TTrainModelJob, type TTrainModelResult } from "@/server/queues/names";
import { isCancelFlagged } from "@/server/services/models/cancel-flag";
import { finishModelRun } from "@/server/services/models/model-runs";
import { trainModelRun } from "@/server/services/models/train-model-run";

/** How often the cancel flag is polled; the training loop checks the resulting signal before every batch. */
const CANCEL_POLL_MS = 250;

/**
 * Sandboxed processor of train-model (a worker thread per job, loaded through train-model.sandbox.mjs):
 * training never runs on the worker's event loop, so job locks keep renewing.
 */
export default async function trainModelProcessor(job: SandboxedJob<TTrainModelJob, TTrainModelResult>, _token?: string, signal?: AbortSignal): Promise<TTrainModelResult> {
  const p = QUEUES.trainModel.payload.safeParse(job.data);
  if (!p.success) throw new UnrecoverableError(`invalid payload: ${p.error.message}`);
  const { runId } = p.data;
  const abort = new AbortController();
  signal?.addEventListener("abort", () => abort.abort());
  const timer = setInterval(() => {
    isCancelFlagged(runId).then(
      (yes) => yes && abort.abort(),
      () => undefined,
    );
  }, CANCEL_POLL_MS);
  try {
    return await trainModelRun({ runId, jobId: job.id, signal: abort.signal, onProgress: (pr) => job.updateProgress(pr) });
  } catch (err) {
    // A run that does not exist or whose data cannot make a dataset will not get better with retries.
    if (AppError.is(err) && ["NOT_FOUND", "BAD_REQUEST", "UNPROCESSABLE"].includes(err.code)) {
      await finishModelRun(runId, "failed", { error: err.userMessage || err.message }).catch(() => undefined);
      throw new UnrecoverableError(err.message);
    }
    throw err;
  } finally {
    clearInterval(timer);
  }
}
