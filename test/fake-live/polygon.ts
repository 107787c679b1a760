import { liveFixture } from "./util";
import { isObject, type FakeLiveModule } from "./vendor";

/**
 * Polygon stocks cluster on /stocks: connected → {"action":"auth","params":KEY} → auth_success /
 * auth_failed; subscribe "T.AAPL,T.MSFT" answered with one status "success" per param.
 */
function status(status: string, message: string) {
  return { ev: "status", status, message };
}

export const polygon: FakeLiveModule = {
  id: "polygon",
  matches: (p) => p === "/stocks",
  onOpen(conn, ctx) {
    ctx.send(conn, liveFixture("polygon", "connected.json"));
  },
  onMessage(conn, json, ctx) {
    if (!isObject(json) || typeof json.action !== "string" || typeof json.params !== "string") {
      return ctx.send(conn, JSON.stringify([status("error", "invalid message")]));
    }
    if (json.action === "auth") {
      const b = ctx.behaviour("polygon");
      if (b.refuseAuth || json.params !== ctx.keys.polygon.apiKey) {
        ctx.send(conn, liveFixture("polygon", "auth-failed.json"));
        return ctx.close(conn, 1008, "authentication failed");
      }
      const others = ctx.open("polygon").filter((c) => c !== conn && c.authed).length;
      if (b.maxConnections !== null && others >= b.maxConnections) {
        ctx.send(conn, liveFixture("polygon", "max-connections.json"));
        return ctx.close(conn, 1008, "max connections");
      }
      conn.authed = true;
      return ctx.send(conn, liveFixture("polygon", "auth-success.json"));
    }
    if (!conn.authed) return ctx.send(conn, JSON.stringify([status("error", "not authorized")]));
    const params = json.params.split(",").map((p) => p.trim()).filter(Boolean);
    const out: unknown[] = [];
    for (const p of params) {
      const [ev, sym] = p.split(".", 2);
      if (ev !== "T" || !sym) {
        out.push(status("error", `invalid params: ${p}`));
        continue;
      }
      if (json.action === "subscribe") {
        conn.subscriptions.add(sym);
        out.push(status("success", `subscribed to: ${p}`));
      } else if (json.action === "unsubscribe") {
        conn.subscriptions.delete(sym);
        out.push(status("success", `unsubscribed to: ${p}`));
      }
    }
    if (out.length) ctx.send(conn, JSON.stringify(out));
  },
  tradeFrames(conn, trades) {
    const msgs = trades
      .filter((t) => conn.subscriptions.has(t.symbol))
      .map((t, k) => ({
        ev: "T",
        sym: t.symbol,
        x: Number(t.exchange ?? 4),
        i: String(t.id ?? k + 1),
        z: 3,
        p: t.price,
        s: t.size,
        c: [0, 12],
        t: t.ts,
        q: 1000 + k,
      }));
    return msgs.length ? [JSON.stringify(msgs)] : [];
  },
};
