import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Timeframe } from "@/lib/bars/timeframe";
import { alpaca } from "./alpaca";
import { binance } from "./binance";
import { polygon } from "./polygon";
import type { BarSource, FakeBar, FakeKeys, FakeVendorId, FixtureRoute, RecordedRequest, RegisterBarsOptions, Reply, Scenario } from "./types";
import { fixtureText, contentTypeFor } from "./util";
import type { DataStore, VendorContext, VendorModule } from "./vendor";
import { yahoo } from "./yahoo";
import { barsFromList } from "./synthetic";

export * from "./types";
export { barsFromList, syntheticBars, syntheticBar, type SyntheticOptions } from "./synthetic";
export { loadFixture, fixtureText, FIXTURES_DIR } from "./util";

/**
 * A local stand-in for the four market-data vendors: one plain node:http server on an ephemeral
 * port that answers on each vendor's real paths and query parameters, in each vendor's real
 * format, so the adapters' URL building, auth, pagination and error handling are exercised for real.
 *
 * Answer order for a request:
 *   1. vendor route (unknown path → 404)
 *   2. auth, like the vendor (Alpaca headers, Polygon apiKey or Bearer)
 *   3. the first matching injected scenario (429, 5xx, malformed JSON, HTML, slow, disconnect, schema change)
 *   4. the first matching recorded fixture (server/providers/__fixtures__/<vendor>/…)
 *   5. registered bars (generated in the vendor's format for any range, with pagination)
 *   6. the vendor's unknown-symbol answer
 *
 * Use one server per test file (startFakeVendor in beforeAll, reset() in beforeEach).
 */
export interface FakeVendor {
  /** http://127.0.0.1:<port>; pass as every adapter's baseUrl. */
  readonly url: string;
  /** Every request received, in order (cleared by reset()). */
  readonly requests: RecordedRequest[];
  readonly keys: FakeKeys;
  /** Queue one or more fault scenarios. */
  setScenario(s: Scenario | readonly Scenario[]): void;
  clearScenarios(): void;
  /** Serve a recorded response for matching requests. */
  serveFixture(route: FixtureRoute): void;
  /** Serve bars for (vendor, wire symbol, timeframe): a BarSource or a fixed list. */
  registerBars(vendor: FakeVendorId, symbol: string, timeframe: Timeframe, bars: BarSource | readonly FakeBar[], options?: RegisterBarsOptions): void;
  /** Requests recorded for one vendor. */
  requestsFor(vendor: FakeVendorId): RecordedRequest[];
  /** Clear requests, scenarios, fixtures and registered bars. */
  reset(): void;
  close(): Promise<void>;
}

export interface StartFakeVendorOptions {
  keys?: Partial<FakeKeys>;
  /** Clock for "now" (Alpaca end default, Binance without endTime, rate-limit resets). */
  now?: () => number;
}

export const DEFAULT_FAKE_KEYS: FakeKeys = {
  alpaca: { keyId: "PKFAKEKEYID0000000001", secretKey: "fake-alpaca-secret-0123456789abcdef" },
  polygon: { apiKey: "fake-polygon-key-0123456789" },
};

const MODULES: readonly VendorModule[] = [yahoo, binance, alpaca, polygon];

const HTML_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Service Unavailable</title></head>
<body><h1>Our systems are busy</h1><p>Please try again in a few minutes.</p></body></html>
`;

interface ActiveScenario {
  scenario: Scenario;
  left: number;
}
interface ActiveFixture {
  route: FixtureRoute;
  left: number;
}

export async function startFakeVendor(options: StartFakeVendorOptions = {}): Promise<FakeVendor> {
  const keys: FakeKeys = { ...DEFAULT_FAKE_KEYS, ...options.keys };
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  let scenarios: ActiveScenario[] = [];
  let fixtures: ActiveFixture[] = [];
  const bars = new Map<string, { source: BarSource; options: RegisterBarsOptions }>();
  const symbolOptions = new Map<string, RegisterBarsOptions>();
  const timers = new Set<NodeJS.Timeout>();

  const store: DataStore = {
    get: (v, s, tf) => bars.get(`${v}|${s}|${tf}`) ?? null,
    knows: (v, s) => symbolOptions.has(`${v}|${s}`),
    options: (v, s) => symbolOptions.get(`${v}|${s}`) ?? {},
  };

  // baseUrl is filled in once the server listens.
  const ctx: VendorContext = { store, baseUrl: "http://127.0.0.1", keys, now };

  const send = (res: ServerResponse, rec: RecordedRequest, reply: Reply) => {
    rec.status = reply.status;
    if (res.destroyed) return;
    res.writeHead(reply.status, { "content-length": Buffer.byteLength(reply.body), ...reply.headers });
    res.end(reply.body);
  };

  const takeScenario = (rec: RecordedRequest): Scenario | null => {
    const i = scenarios.findIndex((a) => (!a.scenario.vendor || a.scenario.vendor === rec.vendor) && (!a.scenario.match || a.scenario.match(rec)));
    if (i < 0) return null;
    const a = scenarios[i]!;
    if (--a.left <= 0) scenarios.splice(i, 1);
    return a.scenario;
  };

  const takeFixture = (rec: RecordedRequest): FixtureRoute | null => {
    const i = fixtures.findIndex(
      (f) => f.route.vendor === rec.vendor && Object.entries(f.route.params ?? {}).every(([k, v]) => rec.params[k] === v),
    );
    if (i < 0) return null;
    const f = fixtures[i]!;
    if (--f.left <= 0) fixtures.splice(i, 1);
    return f.route;
  };

  /** The answer the vendor would give without faults: fixture, registered bars, or unknown symbol. */
  const normalReply = (mod: VendorModule, rec: RecordedRequest): Reply => {
    const fx = takeFixture(rec);
    if (fx) {
      rec.servedBy = `fixture:${fx.vendor}/${fx.file}`;
      const text = fixtureText(fx.vendor, fx.file);
      return {
        status: fx.status ?? 200,
        headers: { "content-type": contentTypeFor(fx.file, fx.vendor), ...fx.headers },
        body: mod.rewriteFixture ? mod.rewriteFixture(text, ctx) : text,
      };
    }
    return mod.serve(rec.params, ctx);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", ctx.baseUrl);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    const mod = MODULES.find((m) => m.matches(url.pathname));
    const rec: RecordedRequest = {
      vendor: mod?.id ?? "unknown",
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      params: {},
      headers,
      status: 0,
      servedBy: null,
      at: now(),
    };
    requests.push(rec);

    if (!mod || req.method !== "GET") return send(res, rec, { status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" });
    const parsed = mod.parse(url);
    if ("reply" in parsed) return send(res, rec, parsed.reply);
    rec.params = parsed.params;

    const denied = mod.checkAuth(headers, rec.params, ctx);
    if (denied) return send(res, rec, denied);

    const sc = takeScenario(rec);
    if (!sc) return send(res, rec, normalReply(mod, rec));
    rec.servedBy = `scenario:${sc.kind}`;
    switch (sc.kind) {
      case "rate-limit":
        return send(res, rec, mod.rateLimitReply(sc.status ?? 429, sc.retryAfterSeconds, ctx));
      case "server-error":
        return send(res, rec, mod.serverErrorReply(sc.status ?? 500));
      case "malformed-json": {
        const r = normalReply(mod, rec);
        return send(res, rec, { ...r, status: 200, body: r.body.slice(0, Math.max(1, Math.floor(r.body.length / 2))) });
      }
      case "html":
        return send(res, rec, { status: sc.status ?? 200, headers: { "content-type": "text/html; charset=utf-8" }, body: HTML_PAGE });
      case "slow": {
        const t = setTimeout(() => {
          timers.delete(t);
          send(res, rec, normalReply(mod, rec));
        }, sc.delayMs);
        timers.add(t);
        res.on("close", () => {
          clearTimeout(t);
          timers.delete(t);
        });
        return;
      }
      case "disconnect":
        req.socket.destroy();
        return;
      case "transform": {
        const r = normalReply(mod, rec);
        return send(res, rec, { ...r, body: JSON.stringify(sc.transform(JSON.parse(r.body) as unknown)) });
      }
      case "respond":
        return send(res, rec, {
          status: sc.status,
          headers: { "content-type": typeof sc.body === "string" ? "text/plain; charset=utf-8" : "application/json", ...sc.headers },
          body: typeof sc.body === "string" ? sc.body : JSON.stringify(sc.body),
        });
    }
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      // A bug in the fake should show up as a 500 the test can see, not hang the request.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`fake-vendor error: ${err instanceof Error ? err.stack : String(err)}`);
    }
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  ctx.baseUrl = baseUrl;

  return {
    url: baseUrl,
    requests,
    keys,
    setScenario(s) {
      for (const scenario of Array.isArray(s) ? (s as readonly Scenario[]) : [s as Scenario]) {
        scenarios.push({ scenario, left: scenario.times ?? 1 });
      }
    },
    clearScenarios() {
      scenarios = [];
    },
    serveFixture(route) {
      fixtureText(route.vendor, route.file); // fail fast on a wrong file name
      fixtures.push({ route, left: route.times ?? Infinity });
    },
    registerBars(vendor, symbol, timeframe, source, opts = {}) {
      bars.set(`${vendor}|${symbol}|${timeframe}`, { source: typeof source === "function" ? source : barsFromList(source), options: opts });
      symbolOptions.set(`${vendor}|${symbol}`, { ...symbolOptions.get(`${vendor}|${symbol}`), ...opts });
    },
    requestsFor: (vendor) => requests.filter((r) => r.vendor === vendor),
    reset() {
      requests.length = 0;
      scenarios = [];
      fixtures = [];
      bars.clear();
      symbolOptions.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
