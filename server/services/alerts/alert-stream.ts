import { on } from "node:events";
import { serverEnv } from "../../env";
import { createRedis } from "../../redis";
import { redis } from "../../db";

export interface LiveAlert {
  id: string;
  ruleName: string;
  symbol: string;
  barTs: number;
  message: string;
}

const channel = (userId: string) => `${serverEnv().QUEUE_PREFIX}:alerts:${userId}`;

/** Fan new alert events out to the user's open browsers (Redis pub/sub; the inbox table is the record). */
export async function publishAlerts(userId: string, events: LiveAlert[]): Promise<void> {
  if (events.length === 0) return;
  const p = redis().pipeline();
  for (const e of events) p.publish(channel(userId), JSON.stringify(e));
  await p.exec();
}

/**
 * The user's live alerts until `signal` aborts. One subscriber connection per stream, closed on abort;
 * nothing is lost if a browser is offline: it reads the inbox when it comes back.
 */
export async function* streamAlerts(userId: string, signal: AbortSignal | undefined): AsyncGenerator<LiveAlert> {
  const sub = createRedis(serverEnv().REDIS_URL, "worker", { connectionName: "mss-alert-stream" });
  sub.on("error", () => {});
  try {
    await sub.subscribe(channel(userId));
    for await (const [, message] of on(sub, "message", { signal }) as AsyncIterable<[string, string]>) {
      yield JSON.parse(message) as LiveAlert;
    }
  } catch (err) {
    if (!(err instanceof Error && err.name === "AbortError")) throw err;
  } finally {
    sub.disconnect();
  }
}
