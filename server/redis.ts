import { createHash } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";

/**
 * Redis connections. Two flavours, as BullMQ recommends:
 * - "command": fail fast when Redis is down (web requests, producers) so callers get an error, not a hang;
 * - "worker": maxRetriesPerRequest null, reconnects forever (blocking BullMQ workers).
 */
export function createRedis(url: string, kind: "command" | "worker", extra: RedisOptions = {}): Redis {
  const common: RedisOptions = { lazyConnect: false, connectionName: `mss-${kind}`, ...extra };
  if (kind === "worker") return new Redis(url, { ...common, maxRetriesPerRequest: null });
  return new Redis(url, {
    ...common,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}

const g = globalThis as unknown as { __mssRedis?: Map<string, Redis> };

/** Process-wide command connection per URL (cached on globalThis for dev reloads). */
export function getRedis(url: string): Redis {
  g.__mssRedis ??= new Map();
  let r = g.__mssRedis.get(url);
  if (!r) {
    r = createRedis(url, "command");
    r.on("error", () => {}); // surfaced through health checks and failing commands
    g.__mssRedis.set(url, r);
  }
  return r;
}

/** A Lua script with its SHA-1, for EVALSHA. */
export interface LuaScript {
  source: string;
  sha: string;
}

export const luaScript = (source: string): LuaScript => ({ source, sha: createHash("sha1").update(source).digest("hex") });

/**
 * Run a script by its SHA (EVALSHA), loading it with EVAL when the server does not have it (NOSCRIPT:
 * first use, restart, SCRIPT FLUSH). `args` are numkeys, the keys, then the arguments; with `buffers`
 * the reply's strings come back as Buffers.
 */
export async function evalScript(r: Redis, script: LuaScript, args: (string | number)[], opts: { buffers?: boolean } = {}): Promise<unknown> {
  const call = (cmd: "EVALSHA" | "EVAL", first: string) => (opts.buffers ? r.callBuffer(cmd, [first, ...args]) : r.call(cmd, [first, ...args]));
  try {
    return await call("EVALSHA", script.sha);
  } catch (err) {
    if (!String((err as Error).message).startsWith("NOSCRIPT")) throw err;
    return call("EVAL", script.source);
  }
}
