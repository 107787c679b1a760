import net from "node:net";
import { once } from "node:events";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema> & { $client: Sql };

export interface DbHandle {
  db: Db;
  sql: Sql;
  close: () => Promise<void>;
}

/** Open a pool. Callers own it; most code uses getDb() instead. */
/**
 * TCP sockets with Nagle's algorithm off: postgres.js leaves it on, and small trailing writes (the end
 * of a COPY, a short query after one) then wait for the server's delayed ACK, ~40 ms each.
 */
function noDelaySocket(url: string): (() => Promise<net.Socket>) | undefined {
  const u = new URL(url);
  const host = decodeURIComponent(u.hostname);
  if (!host || host.startsWith("/") || u.searchParams.has("host")) return undefined; // unix sockets: default
  const port = Number(u.port || 5432);
  return async () => {
    const s = net.connect({ host, port, noDelay: true });
    await once(s, "connect");
    return s;
  };
}

export function createDb(url: string, opts: { max?: number; appName?: string } = {}): DbHandle {
  const socket = noDelaySocket(url);
  const sql = postgres(url, {
    ...(socket ? { socket } : {}),
    max: opts.max ?? 10,
    onnotice: () => {},
    connection: { application_name: opts.appName ?? "ml-stock-scanner", TimeZone: "UTC" },
  });
  const db = drizzle(sql, { schema, casing: "snake_case" }) as Db;
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

const g = globalThis as unknown as { __mssDb?: Map<string, DbHandle> };

/** Process-wide pool per URL, cached on globalThis so dev hot reloads do not leak connections. */
export function getDbHandle(url: string): DbHandle {
  g.__mssDb ??= new Map();
  let h = g.__mssDb.get(url);
  if (!h) {
    h = createDb(url);
    g.__mssDb.set(url, h);
  }
  return h;
}

export { schema };
