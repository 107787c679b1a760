import { serverEnv, type TServerEnv } from "@/server/env";
import { logger } from "@/server/logger";
import { createLiveCollector } from "@/server/providers/live";
import type { LiveCollector, LiveProviderId } from "@/server/providers/live/types";
import { createRedis } from "@/server/redis";
import { handleBarsClosed } from "@/server/services/live/handle-bars-closed";
import { runBarBuilder } from "@/server/services/live/run-bar-builder";
import { runCollectors } from "@/server/services/live/run-collectors";

/**
 * The live half of the ingest role: the collector supervisor (vendor streams + replay) and the bar
 * builder of tick-stream partition 0, each on its own Redis connections, until stop() is called.
 */
export function vendorCollectors(env: TServerEnv): Partial<Record<Exclude<LiveProviderId, "replay">, LiveCollector>> {
  const out: Partial<Record<Exclude<LiveProviderId, "replay">, LiveCollector>> = {};
  for (const p of env.LIVE_SOURCES) {
    if (p === "binance") out.binance = createLiveCollector("binance", { baseUrl: env.BINANCE_WS_URL });
    else if (p === "yahoo") out.yahoo = createLiveCollector("yahoo", { baseUrl: env.YAHOO_WS_URL });
    else if (p === "alpaca") {
      if (!env.ALPACA_KEY_ID || !env.ALPACA_SECRET_KEY) logger.warn("LIVE_SOURCES has alpaca but ALPACA_KEY_ID/ALPACA_SECRET_KEY are not set; skipped");
      else out.alpaca = createLiveCollector("alpaca", { baseUrl: env.ALPACA_WS_URL, keyId: env.ALPACA_KEY_ID, secretKey: env.ALPACA_SECRET_KEY });
    } else if (p === "polygon") {
      if (!env.POLYGON_API_KEY) logger.warn("LIVE_SOURCES has polygon but POLYGON_API_KEY is not set; skipped");
      else out.polygon = createLiveCollector("polygon", { baseUrl: env.POLYGON_WS_URL, apiKey: env.POLYGON_API_KEY });
    }
  }
  return out;
}

export interface LiveHandle {
  stop(): Promise<void>;
}

export function startLive(): LiveHandle {
  const env = serverEnv();
  const ac = new AbortController();
  const blocking = createRedis(env.REDIS_URL, "worker", { connectionName: "mss-live-builder" });
  const commands = createRedis(env.REDIS_URL, "worker", { connectionName: "mss-live-commands" });
  for (const c of [blocking, commands]) c.on("error", (err) => logger.warn({ err: err.message }, "live redis error"));
  const tasks: Promise<void>[] = [];
  const keepRunning = (name: string, fn: () => Promise<void>) => {
    const loop = async () => {
      while (!ac.signal.aborted) {
        try {
          await fn();
        } catch (err) {
          logger.error({ err: (err as Error).message, task: name }, "live task failed; restarting in 2 s");
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    };
    tasks.push(loop());
  };
  keepRunning("bar-builder", () =>
    runBarBuilder({
      redis: blocking,
      commands,
      signal: ac.signal,
      graceMs: env.LIVE_GRACE_MS,
      maxFlatGapMs: env.LIVE_MAX_FLAT_GAP_MS,
      leaseMs: env.LIVE_LEASE_MS,
      // Once the closed bars are stored: bar-close alert rules, and the feature store's new rows.
      onBarsClosed: handleBarsClosed,
    }),
  );
  const hasReplay = env.LIVE_SOURCES.includes("replay");
  if (env.LIVE_SOURCES.length > 0) keepRunning("collectors", () => runCollectors({ commands, signal: ac.signal, vendors: vendorCollectors(env), replay: hasReplay }));
  logger.info({ sources: env.LIVE_SOURCES }, "live pipeline started");
  return {
    async stop() {
      ac.abort();
      // A blocked XREADGROUP returns within its BLOCK timeout.
      await Promise.allSettled(tasks);
      blocking.disconnect();
      await commands.quit().catch(() => undefined);
    },
  };
}
