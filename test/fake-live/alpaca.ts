import { liveFixture, rfc3339Nanos } from "./util";
import { isObject, stringList, type FakeLiveModule } from "./vendor";

/**
 * Alpaca market data stream v2 on /v2/{feed}: connected → auth → subscribe/unsubscribe with
 * "subscription" answers listing everything subscribed; errors as [{"T":"error","code":…,"msg":…}].
 * The static frames come from fixtures/alpaca.
 */
const SUB_KEYS = ["trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds", "corrections", "cancelErrors"] as const;

function errorFrame(code: number, msg: string): string {
  return JSON.stringify([{ T: "error", code, msg }]);
}

export const alpaca: FakeLiveModule = {
  id: "alpaca",
  matches: (p) => /^\/v2\/(iex|sip|delayed_sip|boats|overnight|test)$/.test(p),
  onOpen(conn, ctx) {
    ctx.send(conn, liveFixture("alpaca", "connected.json"));
  },
  onMessage(conn, json, ctx) {
    if (!isObject(json) || typeof json.action !== "string") return ctx.send(conn, errorFrame(400, "invalid syntax"));
    if (json.action === "auth") {
      if (conn.authed) return ctx.send(conn, errorFrame(403, "already authenticated"));
      const b = ctx.behaviour("alpaca");
      if (b.refuseAuth || json.key !== ctx.keys.alpaca.keyId || json.secret !== ctx.keys.alpaca.secretKey) {
        ctx.send(conn, liveFixture("alpaca", "auth-failed.json"));
        return ctx.close(conn, 1008, "auth failed");
      }
      const others = ctx.open("alpaca").filter((c) => c !== conn && c.authed).length;
      if (b.maxConnections !== null && others >= b.maxConnections) {
        ctx.send(conn, liveFixture("alpaca", "connection-limit.json"));
        return ctx.close(conn, 1008, "connection limit exceeded");
      }
      conn.authed = true;
      return ctx.send(conn, liveFixture("alpaca", "authenticated.json"));
    }
    if (json.action !== "subscribe" && json.action !== "unsubscribe") return ctx.send(conn, errorFrame(400, "invalid syntax"));
    if (!conn.authed) return ctx.send(conn, errorFrame(401, "not authenticated"));
    const trades = json.trades === undefined ? [] : stringList(json.trades);
    if (!trades) return ctx.send(conn, errorFrame(400, "invalid syntax"));
    if (json.action === "subscribe") {
      const limit = ctx.behaviour("alpaca").subscriptionLimit;
      const after = new Set([...conn.subscriptions, ...trades]);
      if (limit !== null && after.size > limit) return ctx.send(conn, liveFixture("alpaca", "symbol-limit.json"));
      for (const s of trades) conn.subscriptions.add(s);
    } else {
      for (const s of trades) conn.subscriptions.delete(s);
    }
    const answer: Record<string, unknown> = { T: "subscription" };
    for (const k of SUB_KEYS) answer[k] = k === "trades" ? [...conn.subscriptions] : [];
    ctx.send(conn, JSON.stringify([answer]));
  },
  tradeFrames(conn, trades) {
    const msgs = trades
      .filter((t) => conn.subscriptions.has(t.symbol))
      .map((t) => ({
        T: "t",
        S: t.symbol,
        i: Number(t.id ?? 1),
        x: String(t.exchange ?? "V"),
        p: t.price,
        s: t.size,
        t: rfc3339Nanos(t.ts, t.subMsNanos),
        c: ["@"],
        z: "C",
      }));
    return msgs.length ? [JSON.stringify(msgs)] : [];
  },
};
