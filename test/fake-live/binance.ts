import type { FakeConnection } from "./types";
import { isObject, stringList, type FakeLiveModule } from "./vendor";

/**
 * Binance spot streams: /ws (raw payloads) and /stream (combined, {"stream","data"} wrapper), with
 * SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS answered as {"result":…,"id":…} and errors in the
 * documented {"code":…,"msg":…,"id":…} shape. /stream?streams=a@trade/b@trade subscribes at connect.
 */
const STREAM = /^([a-z0-9]+)@trade$/;

export const binance: FakeLiveModule = {
  id: "binance",
  matches: (p) => p === "/ws" || p === "/stream" || p.startsWith("/ws/"),
  onOpen(conn) {
    conn.authed = true;
    const initial = conn.path.startsWith("/ws/") ? [conn.path.slice(4)] : (conn.query.streams ?? "").split("/").filter(Boolean);
    for (const s of initial) {
      const m = STREAM.exec(s);
      if (m) conn.subscriptions.add(m[1]!.toUpperCase());
    }
  },
  onMessage(conn, json, ctx) {
    const id = isObject(json) && (typeof json.id === "number" || typeof json.id === "string") ? json.id : null;
    const err = (code: number, msg: string) => ctx.send(conn, JSON.stringify({ code, msg, id }));
    if (!isObject(json)) return err(3, "Invalid JSON: expected value at line 1 column 1");
    if (typeof json.method !== "string") return err(2, "Invalid request: request ID must be an unsigned integer");
    if (json.method === "LIST_SUBSCRIPTIONS") {
      return ctx.send(conn, JSON.stringify({ result: [...conn.subscriptions].map((s) => `${s.toLowerCase()}@trade`), id }));
    }
    if (json.method !== "SUBSCRIBE" && json.method !== "UNSUBSCRIBE") return err(2, "Invalid request: unknown variant");
    const params = stringList(json.params);
    if (!params) return err(2, "Invalid request: params must be an array of strings");
    const symbols: string[] = [];
    for (const p of params) {
      const m = STREAM.exec(p);
      if (!m) return err(2, `Invalid request: invalid stream ${p}`);
      symbols.push(m[1]!.toUpperCase());
    }
    if (json.method === "SUBSCRIBE") {
      const limit = ctx.behaviour("binance").subscriptionLimit;
      const after = new Set([...conn.subscriptions, ...symbols]);
      if (limit !== null && after.size > limit) return err(2, `Invalid request: too many streams (limit ${limit})`);
      for (const s of symbols) conn.subscriptions.add(s);
    } else {
      for (const s of symbols) conn.subscriptions.delete(s);
    }
    ctx.send(conn, JSON.stringify({ result: null, id }));
  },
  tradeFrames(conn: FakeConnection, trades) {
    return trades
      .filter((t) => conn.subscriptions.has(t.symbol.toUpperCase()))
      .map((t) => {
        const data = {
          e: "trade",
          E: t.ts + 3,
          s: t.symbol.toUpperCase(),
          t: Number(t.id ?? 0),
          p: t.price.toFixed(8),
          q: t.size.toFixed(8),
          T: t.ts,
          m: true,
          M: true,
        };
        return JSON.stringify(conn.path === "/stream" ? { stream: `${data.s.toLowerCase()}@trade`, data } : data);
      });
  },
};
