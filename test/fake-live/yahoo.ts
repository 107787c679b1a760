import { pricingBase64 } from "./proto";
import type { FakeConnection, YahooSnapshot } from "./types";
import { isObject, stringList, type FakeLiveModule } from "./vendor";

/**
 * Yahoo streamer on "/": {"subscribe":[…]} / {"unsubscribe":[…]}, no answers. With ?version=2 each
 * update is {"type":"pricing","message":"<base64 PricingData>"}, without it the bare base64 string.
 * Trades pushed as FakeTrade become snapshots whose dayVolume grows by the trade size (see server.ts).
 */
function frame(conn: FakeConnection, snap: YahooSnapshot): string {
  const b64 = pricingBase64(snap);
  return conn.query.version === "2" ? JSON.stringify({ type: "pricing", message: b64 }) : b64;
}

export const yahoo: FakeLiveModule = {
  id: "yahoo",
  matches: (p) => p === "/",
  onOpen(conn) {
    conn.authed = true;
  },
  onMessage(conn, json) {
    if (!isObject(json)) return;
    for (const s of stringList(json.subscribe) ?? []) conn.subscriptions.add(s);
    for (const s of stringList(json.unsubscribe) ?? []) conn.subscriptions.delete(s);
  },
  tradeFrames() {
    throw new Error("yahoo trades are pushed as snapshots (the server keeps the day volume)");
  },
  snapshotFrames(conn, snaps) {
    return snaps.filter((s) => conn.subscriptions.has(s.id)).map((s) => frame(conn, s));
  },
};
