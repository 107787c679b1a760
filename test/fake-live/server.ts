import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { alpaca } from "./alpaca";
import { binance } from "./binance";
import { polygon } from "./polygon";
import {
  DEFAULT_BEHAVIOUR,
  FAKE_LIVE_VENDORS,
  type FakeConnection,
  type FakeLiveBehaviour,
  type FakeLiveKeys,
  type FakeLiveVendor,
  type FakeTrade,
  type YahooSnapshot,
} from "./types";
import { liveFixture, tryParse } from "./util";
import type { FakeLiveContext, FakeLiveModule } from "./vendor";
import { yahoo } from "./yahoo";

export * from "./types";
export { liveFixture, liveFixtureJson, LIVE_FIXTURES_DIR } from "./util";
export { encodePricingData, pricingBase64 } from "./proto";

/**
 * A local stand-in for the four vendors' market-data WebSockets: one node:http server on an
 * ephemeral port, upgraded by path to each vendor's protocol (Binance /ws and /stream, Alpaca
 * /v2/{feed}, Polygon /stocks, Yahoo /), speaking their real message formats. Static frames come
 * from fixtures/<vendor>/. Controls push trades, replay fixture frames, send malformed frames,
 * drop connections, refuse auth, go silent and reject subscriptions over a limit.
 *
 * Use one server per test file (startFakeLive in beforeAll, reset() in beforeEach, close() in afterAll).
 */
export interface FakeLive {
  /** ws://127.0.0.1:<port>; pass as every collector's baseUrl. */
  readonly url: string;
  readonly keys: FakeLiveKeys;
  /** Change a vendor's behaviour (applies to open connections too). */
  behave(vendor: FakeLiveVendor, patch: Partial<FakeLiveBehaviour>): void;
  /** Every connection since the last reset (open and closed), oldest first. */
  connections(vendor: FakeLiveVendor): FakeConnection[];
  /** Open connections. */
  open(vendor: FakeLiveVendor): FakeConnection[];
  /** The newest open connection, or throws. */
  current(vendor: FakeLiveVendor): FakeConnection;
  /** Push trades to every open connection subscribed to their symbol; returns frames sent. */
  pushTrades(vendor: FakeLiveVendor, trades: readonly FakeTrade[]): number;
  /** Yahoo: push explicit PricingData snapshots. */
  pushYahoo(snaps: readonly YahooSnapshot[]): number;
  /** Send a text frame as-is to every open connection of the vendor. */
  sendRaw(vendor: FakeLiveVendor, text: string): void;
  /** Send a recorded frame from fixtures/<vendor>/<file>. */
  sendFixture(vendor: FakeLiveVendor, file: string): void;
  /** Kill the vendor's open connections without a close frame (network drop). */
  drop(vendor: FakeLiveVendor): void;
  /** Send a WebSocket ping to every open connection of the vendor. */
  ping(vendor: FakeLiveVendor): void;
  /** Close all connections, forget them, restore default behaviour. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_LIVE_KEYS: FakeLiveKeys = {
  alpaca: { keyId: "PKFAKELIVEKEY00000001", secretKey: "fake-alpaca-live-secret-0123456789" },
  polygon: { apiKey: "fake-polygon-live-key-0123456789" },
};

const MODULES: readonly FakeLiveModule[] = [binance, alpaca, polygon, yahoo];

export async function startFakeLive(options: { keys?: Partial<FakeLiveKeys> } = {}): Promise<FakeLive> {
  const keys: FakeLiveKeys = { ...DEFAULT_FAKE_LIVE_KEYS, ...options.keys };
  const behaviour = new Map<FakeLiveVendor, FakeLiveBehaviour>();
  const conns: FakeConnection[] = [];
  const pingTimers = new Map<FakeLiveVendor, NodeJS.Timeout>();
  const yahooVolume = new Map<string, number>();
  let seq = 0;

  const behaviourOf = (v: FakeLiveVendor) => behaviour.get(v) ?? DEFAULT_BEHAVIOUR;
  const isOpen = (c: FakeConnection) => c.closedAt === null && c.ws.readyState === 1;
  const openOf = (v: FakeLiveVendor) => conns.filter((c) => c.vendor === v && isOpen(c));

  const ctx: FakeLiveContext = {
    keys,
    behaviour: behaviourOf,
    send(conn, text) {
      if (behaviourOf(conn.vendor).silent || !isOpen(conn)) return;
      conn.ws.send(text);
    },
    close(conn, code = 1000, reason = "") {
      // Let the last frame go out first, as a vendor closing after an error message does.
      setTimeout(() => conn.ws.close(code, reason), 5);
    },
    open: openOf,
  };

  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  const server = createServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" });
    res.end("Upgrade Required");
  });

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const mod = MODULES.find((m) => m.matches(url.pathname));
    if (!mod) {
      socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(mod, ws, url));
  });

  const onConnection = (mod: FakeLiveModule, ws: WebSocket, url: URL) => {
    const conn: FakeConnection = {
      id: ++seq,
      vendor: mod.id,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      openedAt: Date.now(),
      closedAt: null,
      authed: false,
      subscriptions: new Set(),
      received: [],
      pongs: 0,
      pings: 0,
      ws,
    };
    conns.push(conn);
    const recent: number[] = [];
    const countIncoming = () => {
      const limit = behaviourOf(mod.id).maxMessagesPerSecond;
      if (limit === null) return false;
      const t = Date.now();
      recent.push(t);
      while (recent.length && recent[0]! <= t - 1000) recent.shift();
      if (recent.length > limit) {
        ws.close(1008, "Too many requests");
        return true;
      }
      return false;
    };
    ws.on("message", (data, isBinary) => {
      if (countIncoming()) return;
      const text = isBinary ? "" : data.toString();
      const json = tryParse(text);
      conn.received.push({ at: Date.now(), text, json });
      // While silent the vendor still takes requests in; it just sends nothing back (ctx.send drops).
      mod.onMessage(conn, json, ctx);
    });
    ws.on("ping", (data) => {
      conn.pings++;
      if (countIncoming()) return;
      if (!behaviourOf(mod.id).silent && isOpen(conn)) ws.pong(data);
    });
    ws.on("pong", () => {
      conn.pongs++;
      countIncoming();
    });
    ws.on("close", () => {
      conn.closedAt = Date.now();
    });
    ws.on("error", () => {});
    mod.onOpen(conn, ctx);
  };

  const sendFrames = (conn: FakeConnection, frames: readonly string[]) => {
    for (const f of frames) ctx.send(conn, f);
    return frames.length;
  };

  const moduleOf = (v: FakeLiveVendor) => MODULES.find((m) => m.id === v)!;

  const pushYahoo = (snaps: readonly YahooSnapshot[]) => {
    let n = 0;
    for (const c of openOf("yahoo")) n += sendFrames(c, yahoo.snapshotFrames!(c, snaps));
    return n;
  };

  const setPing = (v: FakeLiveVendor, ms: number | null) => {
    clearInterval(pingTimers.get(v));
    pingTimers.delete(v);
    if (ms !== null) {
      pingTimers.set(
        v,
        setInterval(() => {
          for (const c of openOf(v)) if (!behaviourOf(v).silent) c.ws.ping();
        }, ms),
      );
    }
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    keys,
    behave(vendor, patch) {
      const next = { ...behaviourOf(vendor), ...patch };
      behaviour.set(vendor, next);
      if ("pingIntervalMs" in patch) setPing(vendor, next.pingIntervalMs);
    },
    connections: (vendor) => conns.filter((c) => c.vendor === vendor),
    open: openOf,
    current(vendor) {
      const open = openOf(vendor);
      const c = open[open.length - 1];
      if (!c) throw new Error(`fake-live: no open ${vendor} connection`);
      return c;
    },
    pushTrades(vendor, trades) {
      if (vendor === "yahoo") {
        const snaps = trades.map((t) => {
          const v = (yahooVolume.get(t.symbol) ?? 1_000_000) + t.size;
          yahooVolume.set(t.symbol, v);
          return { id: t.symbol, price: t.price, time: t.ts, dayVolume: v, priceHint: 2, exchange: "NMS", quoteType: 8, marketHours: 1 };
        });
        return pushYahoo(snaps);
      }
      let n = 0;
      for (const c of openOf(vendor)) n += sendFrames(c, moduleOf(vendor).tradeFrames(c, trades));
      return n;
    },
    pushYahoo,
    sendRaw(vendor, text) {
      for (const c of openOf(vendor)) ctx.send(c, text);
    },
    sendFixture(vendor, file) {
      const text = liveFixture(vendor, file);
      for (const c of openOf(vendor)) ctx.send(c, text);
    },
    drop(vendor) {
      for (const c of openOf(vendor)) c.ws.terminate();
    },
    ping(vendor) {
      for (const c of openOf(vendor)) c.ws.ping();
    },
    reset() {
      for (const c of conns) if (c.closedAt === null) c.ws.terminate();
      conns.length = 0;
      behaviour.clear();
      yahooVolume.clear();
      for (const v of FAKE_LIVE_VENDORS) setPing(v, null);
    },
    async close() {
      for (const v of FAKE_LIVE_VENDORS) setPing(v, null);
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
