import type { Redis } from "ioredis";
import { evalScript, luaScript } from "../../redis";
import { BAR_EVENTS_MAXLEN } from "./keys";

/**
 * Appends one entry (field "e") to each of many bar-event streams in ONE Redis command (a Lua script),
 * trimmed like a single XADD would be. Against a pipeline of one XADD per stream this saves the client
 * the per-command work and, above all, a reader blocked on those streams is woken once with every
 * entry instead of once after the first XADD and again for the rest: the last symbol of a bucket close
 * reaches the browser about as soon as the first.
 */
const SCRIPT = luaScript(`local maxlen = ARGV[1]
for i = 1, #KEYS do redis.call('XADD', KEYS[i], 'MAXLEN', '~', maxlen, '*', 'e', ARGV[i + 1]) end
return #KEYS`);

export async function publishBarEvents(redis: Redis, entries: readonly { key: string; payload: string }[], maxlen = BAR_EVENTS_MAXLEN): Promise<void> {
  if (entries.length === 0) return;
  const args: (string | number)[] = [entries.length];
  for (const e of entries) args.push(e.key);
  args.push(maxlen);
  for (const e of entries) args.push(e.payload);
  await evalScript(redis, SCRIPT, args);
}
