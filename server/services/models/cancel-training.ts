import { eq } from "drizzle-orm";
import { modelRuns } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { getQueue } from "../../queues/producers";
import { recordAudit } from "../audit/record-audit";
import { setCancelFlag } from "./cancel-flag";
import { finishModelRun, getModelRun } from "./model-runs";

/** A queued run is removed from the queue and cancelled at once; a running one stops before its next batch. */
export async function cancelTraining(opts: { userId: string; runId: string }): Promise<{ status: string }> {
  const run = await getModelRun(opts.runId);
  if (!run) throw new AppError("NOT_FOUND", { userMessage: "Run not found" });
  if (run.status !== "queued" && run.status !== "running") return { status: run.status };
  await db().update(modelRuns).set({ cancelRequested: true }).where(eq(modelRuns.id, run.id));
  await setCancelFlag(run.id);
  if (run.status === "queued" && run.jobId) {
    const job = await getQueue("trainModel").getJob(run.jobId);
    const state = job ? await job.getState() : "unknown";
    if (!job || state === "waiting" || state === "prioritized" || state === "delayed") {
      await job?.remove().catch(() => undefined);
      await finishModelRun(run.id, "cancelled");
    }
  }
  await recordAudit({ actorId: opts.userId, action: "model.cancel", target: run.id });
  return { status: (await getModelRun(run.id))!.status };
}
