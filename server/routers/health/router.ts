import { z } from "zod";
import { getHealth } from "../../services/health/get-health";
import { publicProcedure, router } from "../../trpc";

const ZCheck = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
export const ZQueueStats = z.object({
  name: z.string(),
  role: z.string(),
  counts: z.record(z.string(), z.number()),
  workers: z.number(),
  paused: z.boolean(),
});
export const ZHealthOutput = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  gitSha: z.string(),
  uptimeSeconds: z.number(),
  time: z.string(),
  storageMode: z.enum(["timescaledb", "postgres", "unknown"]),
  db: ZCheck,
  redis: ZCheck,
  queues: z.array(ZQueueStats),
});

export const healthRouter = router({
  get: publicProcedure.output(ZHealthOutput).query(() => getHealth()),
});
