import { metrics, registerCollectedGauge } from "./metrics";
import { getQueueStats } from "./services/system/get-queue-stats";

type Handler<C> = (req: Request, ctx: C) => Promise<Response> | Response;

/** Wrap a route handler to record its latency in the HTTP histogram. */
export function withHttpMetrics<C>(route: string, handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    const t0 = performance.now();
    let status = 500;
    try {
      const res = await handler(req, ctx);
      status = res.status;
      return res;
    } finally {
      metrics().httpDuration.observe({ route, method: req.method, status: String(status) }, (performance.now() - t0) / 1000);
    }
  };
}

/** Queue depths, read from Redis at scrape time (only the named queues when `only` is given). */
export function registerQueueGauges(only?: ReadonlySet<string>): void {
  registerCollectedGauge("mss_queue_jobs", "BullMQ jobs per queue and state", ["queue", "state"], async (set) => {
    for (const q of await getQueueStats()) {
      if (only && !only.has(q.name)) continue;
      for (const [state, n] of Object.entries(q.counts)) set({ queue: q.name, state }, n);
    }
  });
}
