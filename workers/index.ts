import http from "node:http";
import type { Worker } from "bullmq";
import { serverEnv } from "@/server/env";
import { logger } from "@/server/logger";
import { registerQueueGauges } from "@/server/http";
import { metrics } from "@/server/metrics";
import { QUEUES, queuesForRole } from "@/server/queues/names";
import { upsertMlSchedules, upsertSystemSchedules } from "@/server/queues/schedules";
import { createRedis } from "@/server/redis";
import { startLive, type LiveHandle } from "./live";
import { WORKER_FACTORIES } from "./registry";

/**
 * Worker process boot: one Redis connection for all workers (maxRetriesPerRequest: null), the workers
 * of this process's role, a metrics endpoint, and a graceful shutdown that lets active jobs finish.
 */
async function main() {
  const env = serverEnv();
  const role = env.WORKER_ROLE;
  const connection = createRedis(env.REDIS_URL, "worker");
  connection.on("error", (err) => logger.warn({ err: err.message }, "worker redis error"));
  const keys = queuesForRole(role);
  const workers: Worker[] = [];
  const { jobDuration, registry } = metrics();

  for (const key of keys) {
    const w = WORKER_FACTORIES[key]({ connection, prefix: env.QUEUE_PREFIX, lockMs: env.WORKER_LOCK_MS });
    w.on("error", (err) => logger.error({ err, queue: key }, "worker error"));
    w.on("failed", (job, err) => {
      logger.warn({ queue: key, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, "job failed");
      if (job?.processedOn) jobDuration.observe({ queue: key, status: "failed" }, (Date.now() - job.processedOn) / 1000);
    });
    w.on("completed", (job) => {
      if (job.processedOn) jobDuration.observe({ queue: key, status: "completed" }, (Date.now() - job.processedOn) / 1000);
    });
    workers.push(w);
  }
  if (keys.includes("maintenance")) await upsertSystemSchedules();
  if (keys.includes("predictBatch")) await upsertMlSchedules();
  // The live pipeline (collectors → tick stream → bar builder) belongs to the ingest host.
  const live: LiveHandle | null = role === "ingest" || role === "all" ? startLive() : null;

  registerQueueGauges(new Set(keys.map((k) => QUEUES[k].name)));

  let server: http.Server | undefined;
  if (env.METRICS_PORT) {
    server = http.createServer(async (req, res) => {
      if (req.url === "/metrics") {
        res.setHeader("content-type", registry.contentType);
        res.end(await registry.metrics());
      } else if (req.url === "/health") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ role, queues: keys, running: workers.map((w) => w.isRunning()) }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    server.listen(env.METRICS_PORT, "127.0.0.1");
  }
  logger.info({ role, queues: keys, metricsPort: env.METRICS_PORT ?? null }, keys.length ? "workers started" : "no queues assigned to this role yet");

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down workers (active jobs finish first)");
    const force = setTimeout(() => {
      logger.error("shutdown timed out; active jobs will be retried after their lock expires");
      process.exit(1);
    }, 30_000);
    force.unref();
    await Promise.allSettled([...workers.map((w) => w.close()), live?.stop()]);
    server?.close();
    await connection.quit().catch(() => undefined);
    logger.info("workers stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  logger.fatal({ err: err instanceof Error ? err.message : err }, "worker boot failed");
  process.exit(1);
});
