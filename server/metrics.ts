import client from "prom-client";

interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<"route" | "method" | "status">;
  trpcDuration: client.Histogram<"path" | "type" | "code">;
  jobDuration: client.Histogram<"queue" | "status">;
  providerBreaker: client.Gauge<"provider">;
}

const g = globalThis as unknown as { __mssMetrics?: Metrics };

/** One registry per process (cached on globalThis so every bundle of the app shares it). */
export function metrics(): Metrics {
  if (g.__mssMetrics) return g.__mssMetrics;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "mss_" });
  const buckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  g.__mssMetrics = {
    registry,
    httpDuration: new client.Histogram({
      name: "mss_http_request_duration_seconds",
      help: "HTTP request latency by route handler",
      labelNames: ["route", "method", "status"],
      buckets,
      registers: [registry],
    }),
    trpcDuration: new client.Histogram({
      name: "mss_trpc_procedure_duration_seconds",
      help: "tRPC procedure latency",
      labelNames: ["path", "type", "code"],
      buckets,
      registers: [registry],
    }),
    jobDuration: new client.Histogram({
      name: "mss_job_duration_seconds",
      help: "BullMQ job processing time",
      labelNames: ["queue", "status"],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
    providerBreaker: new client.Gauge({
      name: "mss_provider_breaker_state",
      help: "Market-data provider circuit breaker: 0 closed, 1 half-open, 2 open",
      labelNames: ["provider"],
      registers: [registry],
    }),
  };
  return g.__mssMetrics;
}

/** Register a gauge that is filled at scrape time (e.g. queue depths). Idempotent per name. */
export function registerCollectedGauge<L extends string>(
  name: string,
  help: string,
  labelNames: L[],
  collect: (set: (labels: Record<L, string>, value: number) => void) => Promise<void>,
): void {
  const { registry } = metrics();
  if (registry.getSingleMetric(name)) return;
  new client.Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await collect((labels, value) => this.set(labels as never, value));
    },
  });
}
