import client from "prom-client";
import { metrics } from "../../metrics";

interface LiveMetrics {
  ticks: client.Counter;
  bars: client.Counter<"status" | "tf">;
  rejects: client.Counter<"reason">;
  malformedEntries: client.Counter;
  idleScavenges: client.Counter;
  builderPending: client.Gauge<"partition">;
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
