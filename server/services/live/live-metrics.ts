import client from "prom-client";
import { metrics } from "../../metrics";

interface LiveMetrics {
  ticks: client.Counter;
  bars: client.Counter<"status" | "tf">;
  rejects: client.Counter<"reason">;
  malformedEntries: client.Counter;
  idleScavenges: client.Counter;
  builderPending: client.Gauge<"partition">;
  barClose: client.Histogram;
  collectorState: client.Gauge<"provider">;
  collectorTicks: client.Counter<"provider">;
}

const g = globalThis as unknown as { __mssLiveMetrics?: LiveMetrics };

/** Live pipeline metrics, registered once per process on the shared registry. */
export function liveMetrics(): LiveMetrics {
  if (g.__mssLiveMetrics) return g.__mssLiveMetrics;
  const registers = [metrics().registry];
  g.__mssLiveMetrics = {
    ticks: new client.Counter({ name: "mss_live_builder_ticks_total", help: "Prints applied by the bar builder", registers }),
    bars: new client.Counter({ name: "mss_live_bars_total", help: "Live bars closed or updated, by timeframe", labelNames: ["status", "tf"], registers }),
    rejects: new client.Counter({ name: "mss_live_rejected_ticks_total", help: "Prints rejected by the bar builder, by reason", labelNames: ["reason"], registers }),
    malformedEntries: new client.Counter({ name: "mss_live_malformed_entries_total", help: "Tick stream entries that failed to parse", registers }),
    idleScavenges: new client.Counter({ name: "mss_live_builder_idle_scavenges_total", help: "Young-generation collections the bar builder ran while idle", registers }),
    barClose: new client.Histogram({
      name: "mss_live_bar_close_seconds",
      help: "Bucket close signalled (closing entry appended to the tick stream) to the closed 1m bars' publish acknowledged, per source and close, while caught up",
      buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    builderPending: new client.Gauge({ name: "mss_live_builder_pending_entries", help: "Tick stream entries read but not yet acknowledged", labelNames: ["partition"], registers }),
    collectorState: new client.Gauge({
      name: "mss_live_collector_state",
      help: "Live collector: 0 live, 1 connecting, 2 stale, 3 disconnected, 4 stopped; breaker in mss_provider_breaker_state",
      labelNames: ["provider"],
      registers,
    }),
    collectorTicks: new client.Counter({ name: "mss_live_collector_ticks_total", help: "Prints received by live collectors", labelNames: ["provider"], registers }),
  };
  return g.__mssLiveMetrics;
}
