/**
 * Live pipeline benchmark (issue: ≥ 200k ticks/s through stream + builder on one core; bar completion
 * p99 ≤ 5 ms after the bucket closes; tick → browser p99 ≤ 50 ms with 50 subscriptions in Chromium).
 *
 * - ticks_per_s: simulated NYSE prints (200 symbols × 60 minutes; --quick 100 × 30) are appended to the
 *   tick stream first (append_ticks_per_s, pipelined XADDs of 2,000-print entries); then ONE bar builder
 *   (this process, one core) reads them through its consumer group, builds 1m..1d bars, publishes bar
 *   events, stores the bars in Postgres (batched COPY upserts, on the builder's storage thread) and
 *   acknowledges; timed from the builder's start of reading (after its startup: lease, restore, storage
 *   thread) until the group has nothing pending or unread. Also reported without storage (stream + builder only).
 * - bar_completion_p99_ms: 50 symbols trading every market minute, driven at one market minute per
 *   250 ms of wall time (240× real time); at each bucket end a clock entry is appended (t0) and every symbol's "closed"
 *   1m bar event is timed when a reader in its own process (XREAD BLOCK on the 50 bar-event streams, as
 *   the web's hub) receives it (t1, same clock);
 *   p99 of t1 − t0 over all symbols and minutes (300 minutes; --quick 24), after 16 unmeasured warm-up
 *   minutes (--quick 4). Storage runs concurrently.
 *   Also reported: the builder's own measure of its last 240 closes (bar_completion_published_p50/p99_ms,
 *   from its status: close entry appended, by its stream id → closed bars' publish acknowledged, i.e.
 *   without the reader's wake-up; the same figure the Market data page shows); collections (count,
 *   longest pause) in the builder's thread during the test, and the
 *   transport floor (bar_completion_floor_p50/p99_ms): the same processes, streams, cadence and reader
 *   with a relay that republishes each entry at once instead of the builder — four process wake-ups
 *   (writer → Redis → builder → Redis → reader) and nothing else, in the same run; and the least any
 *   topology could do (bar_completion_one_hop_p50/p99_ms): the reader reading the clock entries
 *   themselves, one hand-off (writer → Redis → reader), one sample per minute.
 * - tick_to_browser_p99_ms: the built web app (`next start`, needs `npm run build`) and Chromium (Debian's,
 *   via executablePath) with 50 bars.live subscriptions (one per symbol, 1m) open as EventSources across
 *   10 pages on 127.0.0.1..10, 5 each (Chromium allows 6 connections per host), default throttle (4 updates/s per
 *   subscription). Each symbol prints twice a second at its own moment (100 prints/s in all), each print
 *   appended with rcv = wall time just before its XADD; the page records Date.now() − receivedAt of every
 *   update (same machine clock); p50/p99.
 *   The bar builder runs in this process, the web server in its own.
 * Last stdout line: { ticks_per_s, ticks_per_s_no_store, append_ticks_per_s, bar_completion_p50_ms, bar_completion_p99_ms, tick_to_browser_p50_ms, tick_to_browser_p99_ms, … }
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import type { Redis } from "ioredis";
import type { Tick } from "@/lib/live/tick";
import { createSimulator } from "@/lib/sim";
import { sessionOf } from "@/lib/calendar";
import { benchDatabase, log, percentile } from "./_db";

const quick = process.argv.includes("--quick");
/** `--only=throughput|completion|browser` runs one phase (the others report null). */
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const runs = (phase: string) => only === undefined || only === phase;
const SYMBOLS = quick ? 100 : 200;
const MINUTES = quick ? 30 : 60;
const LAT_SYMBOLS = 50;
const LAT_MINUTES = quick ? 24 : 300;
/**
 * Minutes driven before the measured ones and not counted: a live builder runs for hours, so its first
 * closes (code not yet optimised by the JIT, connections and caches cold) are not its steady state.
 * Without them minute 3 was among the five slowest in every full run; the floors get the same.
 */
const LAT_WARMUP_MINUTES = quick ? 4 : 16;
/** Wall time per market minute in the completion test: 240× faster than real time, so the previous minute's storage is done (as it is live). */
const MINUTE_WALL_MS = 250;
const DAY = Date.parse("2025-06-11T00:00:00Z");

const db = await benchDatabase();
const { createRedis } = await import("@/server/redis");
const { upsertSymbols } = await import("@/server/services/market/upsert-symbols");
const { liveKeys, BAR_BUILDER_GROUP } = await import("@/server/services/live/keys");
const { TickWriter, xaddTicks, decodeEntry } = await import("@/server/services/live/tick-stream");
const { publishBarEvents } = await import("@/server/services/live/publish-bar-events");
const { runBarBuilder } = await import("@/server/services/live/run-bar-builder");
const { db: pg } = await import("@/server/db");

const clients: Redis[] = [];
const client = () => {
  const r = createRedis(process.env.REDIS_URL!, "worker");
  clients.push(r);
  return r;
};

/** Remove every key a phase created under its prefix (streams, builder state, status). */
async function dropPrefix(prefix: string): Promise<void> {
  const r = client();
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
    cursor = next;
    if (keys.length > 0) await r.unlink(...keys);
  } while (cursor !== "0");
}

async function drained(r: Redis, key: string): Promise<boolean> {
  const groups = (await r.xinfo("GROUPS", key)) as unknown[][];
  const g = groups.map((x) => Object.fromEntries(Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]]))).find((x) => x.name === BAR_BUILDER_GROUP);
  return !!g && Number(g.pending) === 0 && Number(g.lag) === 0;
}

const session = sessionOf("NYSE", DAY)!;
const sim = createSimulator({ seed: 5, symbols: SYMBOLS, start: "2025-01-02", end: "2025-06-30" });
const names = Array.from({ length: SYMBOLS }, (_, i) => `LB${String(i).padStart(4, "0")}`);
await upsertSymbols(names.map((symbol) => ({ symbol, assetClass: "stock", provider: "sim" })));

const from = session.open;
const to = session.open + MINUTES * 60_000;
const ticks: Tick[] = [];
if (runs("throughput")) {
  log(`generating ${SYMBOLS} symbols × ${MINUTES} minutes of prints`);
  for (let i = 0; i < SYMBOLS; i++) {
    const c = sim.ticks(i, from, to);
    for (let k = 0; k < c.length; k++) ticks.push({ symbol: names[i]!, ts: c.ts[k]!, price: c.price[k]!, size: c.size[k]! });
  }
  ticks.sort((a, b) => a.ts - b.ts);
  log(`${ticks.length} prints`);
}

/** Fill a fresh stream with all prints, then time one builder draining it. */
async function throughput(persist: boolean): Promise<{ appendPerS: number; perS: number }> {
  const prefix = `bench-${randomUUID()}`;
  const keys = liveKeys(prefix);
  const cmd = client();
  await cmd.xgroup("CREATE", keys.ticks(0), BAR_BUILDER_GROUP, "0", "MKSTREAM");
  const t0 = performance.now();
  const B = 2_000;
  for (let i = 0; i < ticks.length; i += B) {
    const part = ticks.slice(i, i + B);
    void xaddTicks(cmd, keys.ticks(0), "sim", part[part.length - 1]!.ts, Date.now(), part);
  }
  await xaddTicks(cmd, keys.ticks(0), "sim", to, null, []);
  const appendMs = performance.now() - t0;
  const ac = new AbortController();
  let processed = 0;
  let t1 = performance.now();
  const run = runBarBuilder({ redis: client(), commands: client(), signal: ac.signal, prefix, persist, count: 50, blockMs: 50, onReady: () => (t1 = performance.now()), onStep: (s) => (processed += s.ticks) });
  while (!(await drained(cmd, keys.ticks(0)))) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t1;
  ac.abort();
  await run;
  if (processed !== ticks.length) throw new Error(`builder applied ${processed} of ${ticks.length} prints`);
  await dropPrefix(prefix);
  return { appendPerS: (ticks.length / appendMs) * 1000, perS: (ticks.length / ms) * 1000 };
}

type CloseLatency = { p50: number; p99: number; max: number; samples: number; gcs: number; gcMaxMs: number; published: { p50: number; p99: number; samples: number } | null };

/**
 * Bucket end → "closed" bar event received, per symbol. "relay": the same processes, cadence, streams
 * and reader, but instead of the bar builder a relay that republishes each entry of an input stream at
 * once (one bar event per symbol, through the same publish script): the transport alone, i.e. the
 * least the builder's latency can be on this machine, measured in the same run. "direct": no builder
 * and no relay, the reader takes the clock entry itself (one sample per minute).
 */
async function closeLatency(mode: "builder" | "relay" | "direct" = "builder"): Promise<CloseLatency> {
  // Collections in the builder's thread (this one) while the test runs: a pause here delays a close.
  const gcPauses: number[] = [];
  const gcAt: [number, number][] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcPauses.push(e.duration);
      gcAt.push([performance.timeOrigin + e.startTime, e.duration]);
    }
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const prefix = `bench-${randomUUID()}`;
  const keys = liveKeys(prefix);
  const syms = names.slice(0, LAT_SYMBOLS);
  const cmd = client();
  const writer = new TickWriter({ redis: cmd, key: keys.ticks(0) });
  const ac = new AbortController();
  const run =
    mode === "direct"
      ? Promise.resolve()
      : mode === "relay"
        ? relay(keys.ticks(0), syms.map((s) => keys.bars(s)), ac.signal)
        : runBarBuilder({ redis: client(), commands: client(), signal: ac.signal, prefix, blockMs: 1_000, persist: process.env.LAT_PERSIST !== "0" });
  // Reader of the bar-event streams in its own process (as the web's hub is), so the builder's work in
  // this process does not delay the receipt being measured.
  const boundaryAt = new Map<number, number>();
  const lat: number[] = [];
  const closeLat: [number, number][] = [];
  const readerGcAt: [number, number][] = [];
  const readerArgs = mode === "direct" ? [JSON.stringify([keys.ticks(0)]), "ticks"] : [JSON.stringify(syms.map((s) => keys.bars(s)))];
  const reader = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "_bar-event-reader.ts"), process.env.REDIS_URL!, ...readerArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let buf = "";
  const ready = new Promise<void>((resolve) => {
    reader.stdout!.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === "ready") resolve();
        if (line.startsWith("gc ")) {
          const [, s, d] = line.split(" ").map(Number) as [number, number, number];
          readerGcAt.push([s, d]);
          continue;
        }
        const [ts, at] = line.split(" ").map(Number) as [number, number];
        const t0 = boundaryAt.get(ts + 60_000);
        if (t0 !== undefined && Number.isFinite(at)) {
          lat.push(at - t0);
          closeLat.push([t0, at - t0]);
        }
      }
    });
  });
  await ready;
  await new Promise((r) => setTimeout(r, 300));
  const start = session.open + LAT_WARMUP_MINUTES * 60_000;
  for (let m = -LAT_WARMUP_MINUTES; m < LAT_MINUTES; m++) {
    const t = start + m * 60_000;
    const prints = syms.map((s, i) => ({ symbol: s, ts: t + 1_000 + i * 100, price: 100 + (m % 7), size: 10 }));
    writer.push("sim", prints, t + 30_000);
    await writer.flush();
    await new Promise((r) => setTimeout(r, MINUTE_WALL_MS / 2));
    // The bucket ends: the clock entry that closes it.
    const end = t + 60_000;
    if (m >= 0) boundaryAt.set(end, performance.timeOrigin + performance.now());
    writer.push("sim", [], end, null);
    await writer.flush();
    await new Promise((r) => setTimeout(r, MINUTE_WALL_MS / 2));
  }
  await new Promise((r) => setTimeout(r, 500));
  reader.kill("SIGTERM");
  await new Promise((r) => reader.once("exit", r));
  ac.abort();
  await run;
  // The builder's own measure of the same closes (its status): close entry appended → publish acknowledged.
  const own = mode === "builder" ? (JSON.parse((await cmd.hget(keys.status, "builder")) ?? "{}") as Record<string, number>) : {};
  const published = typeof own.closeP99Ms === "number" ? { p50: own.closeP50Ms!, p99: own.closeP99Ms, samples: own.closeSamples! } : null;
  await dropPrefix(prefix);
  gcObserver.disconnect();
  // The slowest minutes, and whether a collection in the builder's thread or in the reader overlapped them (diagnosis of the tail).
  const worst = new Map<number, number>();
  for (const [t0, l] of closeLat) worst.set(t0, Math.max(worst.get(t0) ?? 0, l));
  const minuteOf = new Map([...boundaryAt.values()].map((t0, k) => [t0, k]));
  for (const [t0, l] of [...worst].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
    const overlapping = (at: [number, number][]) => at.filter(([s, d]) => s + d >= t0 && s <= t0 + l).map(([s, d]) => `${d.toFixed(1)} ms at +${(s - t0).toFixed(1)}`);
    const gc = overlapping(gcAt);
    const rgc = overlapping(readerGcAt);
    log(`  slow minute ${minuteOf.get(t0)}: ${l.toFixed(2)} ms${gc.length > 0 ? `, builder GC ${gc.join(", ")}` : ""}${rgc.length > 0 ? `, reader GC ${rgc.join(", ")}` : ""}`);
  }
  const expected = (mode === "direct" ? 1 : LAT_SYMBOLS) * LAT_MINUTES;
  if (lat.length < expected * 0.99) throw new Error(`only ${lat.length} of ${expected} closed bars observed`);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), max: Math.max(...lat), samples: lat.length, gcs: gcPauses.length, gcMaxMs: Math.max(0, ...gcPauses), published };
}

/** The floor's stand-in for the builder: each input entry → one closed (clock entry) or forming 1m bar event per symbol. */
async function relay(input: string, outputs: string[], signal: AbortSignal): Promise<void> {
  const r = client();
  const pub = client();
  let last = "0";
  while (!signal.aborted) {
    const res = (await r.xread("COUNT", 100, "BLOCK", 200, "STREAMS", input, last)) as [string, [string, string[]][]][] | null;
    for (const [id, fields] of res?.[0]?.[1] ?? []) {
      last = id;
      const entry = decodeEntry(id, fields);
      const clock = entry.clock;
      const closing = entry.ticks.length === 0;
      const ts = closing ? clock - 60_000 : Math.floor(clock / 60_000) * 60_000;
      const bars = [{ tf: "1m", ts, open: 1, high: 1, low: 1, close: 1, volume: 0, vwap: null, trades: 0, status: closing ? "closed" : "forming", flat: false }];
      await publishBarEvents(
        pub,
        outputs.map((key) => ({ key, payload: JSON.stringify({ symbol: key, clock, receivedAt: null, bars }) })),
      );
    }
  }
}


/** Tick → browser over bars.live in Chromium with 50 subscriptions. */
async function browserLatency(): Promise<{ p50: number; p99: number; samples: number } | null> {
  const root = path.resolve(import.meta.dirname, "..");
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("no web build (.next): run `npm run build` to measure tick → browser latency");
    return null;
  }
  const prefix = `bench-${randomUUID()}`;
  const keys = liveKeys(prefix);
  const port = 3300 + Math.floor(Math.random() * 500);
  const base = `http://127.0.0.1:${port}`;
  const email = "bench@bench.local";
  const password = `bench-${randomUUID()}`;
  const { ensureAdmin } = await import("@/server/services/users/ensure-admin");
  await ensureAdmin({ email, password });
  const syms = names.slice(0, 50);
  const web: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port)], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, QUEUE_PREFIX: prefix, NEXTAUTH_URL: base, APP_URL: base, NEXTAUTH_SECRET: process.env.AUTH_SECRET, NODE_ENV: "production", PORT: String(port) },
  });
  const ac = new AbortController();
  const run = runBarBuilder({ redis: client(), commands: client(), signal: ac.signal, prefix, blockMs: 1_000 });
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).status < 500) break;
      } catch {}
      if (i > 240) throw new Error("web server did not start");
      await new Promise((r) => setTimeout(r, 250));
    }
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`${base}/login`);
    await login.getByLabel("Email").fill(email);
    await login.getByLabel("Password").fill(password);
    await login.getByRole("button", { name: "Sign in" }).click();
    await login.waitForURL(`${base}/`);
    await login.close(); // its own SSE connections (alerts, watchlist) would take slots of 127.0.0.1's pool
    // The session cookie works on every loopback host (same server): 10 hosts × 5 SSE connections.
    const cookies = await context.cookies(base);
    const hosts = Array.from({ length: 10 }, (_, k) => `127.0.0.${k + 1}`);
    await context.addCookies(hosts.slice(1).flatMap((h) => cookies.map((c) => ({ name: c.name, value: c.value, domain: h, path: c.path, httpOnly: c.httpOnly, secure: false, sameSite: c.sameSite }))));
    const pages: Page[] = [];
    for (let k = 0; k < hosts.length; k++) {
      const mine = syms.filter((_, i) => i % hosts.length === k);
      const page = await context.newPage();
      await page.goto(`http://${hosts[k]}:${port}/api/health`);
      await page.evaluate((symbols) => {
        const w = window as unknown as { lat: number[]; snaps: number };
        w.lat = [];
        w.snaps = 0;
        for (const symbol of symbols) {
          const input = encodeURIComponent(JSON.stringify({ json: { symbol, timeframe: "1m", adjusted: false, limit: 50 } }));
          const es = new EventSource(`/api/trpc/bars.live?input=${input}`);
          es.onmessage = (m) => {
            const now = Date.now();
            const d = JSON.parse(m.data) as { json?: { kind?: string; receivedAt?: number | null } };
            const msg = d.json;
            if (msg?.kind === "snapshot") w.snaps++;
            else if (msg?.kind === "update" && typeof msg.receivedAt === "number") w.lat.push(now - msg.receivedAt);
          };
        }
      }, mine);
      pages.push(page);
    }
    const snaps = async () => (await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as { snaps: number }).snaps)))).reduce((a, b) => a + b, 0);
    for (let i = 0; (await snaps()) < syms.length; i++) {
      if (i > 200) throw new Error(`only ${await snaps()} of ${syms.length} subscriptions got their snapshot`);
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`${syms.length} subscriptions open in Chromium; streaming prints`);
    const rounds = quick ? 16 : 120;
    const t0 = session.open + 3 * 3_600_000;
    const cmd = client();
    // Each symbol prints twice a second at its own moment (100 prints/s over the 50 symbols), each print
    // appended as it "arrives" with its receive time.
    const gap = 500 / syms.length;
    for (let r = 0; r < rounds; r++) {
      const ts = t0 + r * 1_000;
      for (let i = 0; i < syms.length; i++) {
        await xaddTicks(cmd, keys.ticks(0), "bench", ts + i, Date.now(), [{ symbol: syms[i]!, ts: ts + i, price: 50 + i + (r % 10) / 100, size: 1 + (r % 5) }]);
        await new Promise((res) => setTimeout(res, gap));
      }
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const lat = (await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as { lat: number[] }).lat)))).flat();
    if (lat.length < syms.length * rounds * 0.95) throw new Error(`only ${lat.length} of ${syms.length * rounds} updates reached the browser`);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), samples: lat.length };
  } finally {
    // Stop everything this phase started, whatever failed (a builder left reading would outlive its connections).
    await browser?.close().catch(() => undefined);
    ac.abort();
    await run.catch(() => undefined);
    web.kill("SIGTERM");
    await dropPrefix(prefix).catch(() => undefined);
  }
}

try {
  let noStore: Awaited<ReturnType<typeof throughput>> | null = null;
  let store: Awaited<ReturnType<typeof throughput>> | null = null;
  if (runs("throughput")) {
    log("throughput without storage");
    noStore = await throughput(false);
    log(`  ${Math.round(noStore.perS)} prints/s`);
    log("throughput with storage");
    store = await throughput(true);
    log(`  ${Math.round(store.perS)} prints/s`);
  }
  const printCount = ticks.length;
  ticks.length = 0; // the throughput phase's 1.7M prints would only slow the collector down from here on
  let c: CloseLatency | null = null;
  let cf: CloseLatency | null = null;
  let c1: CloseLatency | null = null;
  if (runs("completion")) {
    log(`bar completion latency: ${LAT_SYMBOLS} symbols × ${LAT_MINUTES} minutes`);
    c = await closeLatency();
    log(`  p50 ${c.p50.toFixed(2)} ms, p99 ${c.p99.toFixed(2)} ms`);
    if (c.published) log(`  the builder's own measure (to publish acknowledged, last ${c.published.samples} closes): p50 ${c.published.p50} ms, p99 ${c.published.p99} ms`);
    log("transport floor: the same streams, cadence and reader, a relay instead of the builder");
    cf = await closeLatency("relay");
    log(`  p50 ${cf.p50.toFixed(2)} ms, p99 ${cf.p99.toFixed(2)} ms`);
    log("one hand-off: the reader takes the clock entries themselves");
    c1 = await closeLatency("direct");
    log(`  p50 ${c1.p50.toFixed(2)} ms, p99 ${c1.p99.toFixed(2)} ms`);
  }
  let b: Awaited<ReturnType<typeof browserLatency>> = null;
  if (runs("browser")) {
    log("tick → browser latency (Chromium, 50 subscriptions)");
    b = await browserLatency();
    if (b) log(`  p50 ${b.p50} ms, p99 ${b.p99} ms over ${b.samples} updates`);
  }
  const fixed = (x: number | undefined) => (x === undefined ? null : Number(x.toFixed(2)));
  const out = {
    ticks_per_s: store ? Math.round(store.perS) : null,
    ticks_per_s_no_store: noStore ? Math.round(noStore.perS) : null,
    append_ticks_per_s: store ? Math.round(store.appendPerS) : null,
    prints: printCount,
    symbols: SYMBOLS,
    bar_completion_p50_ms: fixed(c?.p50),
    bar_completion_p99_ms: fixed(c?.p99),
    bar_completion_max_ms: fixed(c?.max),
    bar_completion_samples: c?.samples ?? 0,
    bar_completion_published_p50_ms: fixed(c?.published?.p50),
    bar_completion_published_p99_ms: fixed(c?.published?.p99),
    bar_completion_published_samples: c?.published?.samples ?? 0,
    bar_completion_floor_p50_ms: fixed(cf?.p50),
    bar_completion_floor_p99_ms: fixed(cf?.p99),
    bar_completion_one_hop_p50_ms: fixed(c1?.p50),
    bar_completion_one_hop_p99_ms: fixed(c1?.p99),
    bar_completion_gc_pauses: c?.gcs ?? null,
    bar_completion_gc_max_ms: fixed(c?.gcMaxMs),
    tick_to_browser_p50_ms: b?.p50 ?? null,
    tick_to_browser_p99_ms: b?.p99 ?? null,
    tick_to_browser_samples: b?.samples ?? 0,
    loadavg: (await import("node:os")).loadavg().map((x) => Number(x.toFixed(2))),
    quick,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  for (const r of clients) r.disconnect();
  await pg().$client.end({ timeout: 2 });
  await db.cleanup();
}
