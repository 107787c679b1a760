import { redis } from "../../db";
import { serverEnv } from "../../env";

const key = (runId: string) => `${serverEnv().QUEUE_PREFIX}:ml:cancel:${runId}`;

/** Ask a running training to stop: the job polls this flag and aborts before its next batch. */
export async function setCancelFlag(runId: string): Promise<void> {
  await redis().set(key(runId), "1", "EX", 7 * 86_400);
}

export async function isCancelFlagged(runId: string): Promise<boolean> {
  return (await redis().exists(key(runId))) === 1;
}
