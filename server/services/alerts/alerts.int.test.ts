import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { createDeliverWebhookWorker } from "@/workers/deliver-webhook.worker";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { getQueue } from "../../queues/producers";
import { createRedis } from "../../redis";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";
import { loadBundledData } from "../market/load-bundled-data";
import { streamAlerts } from "./alert-stream";
import { signWebhook } from "./deliver-webhook";
import { runAlertRule } from "./run-alert-rule";

const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
const SYMS = ["COST", "CRM", "CSCO", "CVX", "DIS", "F", "GE", "GILD"];
let alice: SeededUser;
let bob: SeededUser;
let server: http.Server;
let url = "";
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let failFirst = 1;
const connection = createRedis(serverEnv().REDIS_URL, "worker");
const worker = createDeliverWebhookWorker({ connection, prefix: serverEnv().QUEUE_PREFIX, lockMs: 30_000 });

beforeAll(async () => {
  [alice, bob] = await Promise.all([seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "analyst" })]);
  await loadBundledData({ symbols: SYMS });
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = failFirst-- > 0 ? 500 : 200; // the first delivery attempt fails: retried with backoff
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
});

afterAll(async () => {
  await worker.close();
  for (const q of ["runScan", "deliverWebhook"] as const) {
    await getQueue(q).obliterate({ force: true });
    await getQueue(q).close();
  }
  await connection.quit();
  server.close();
  await db().$client.end({ timeout: 2 });
});

describe("alerts: scheduled scan → in-app events → signed webhooks", () => {
  it("alerts once per new hit, signs and retries webhooks, and keeps everything private", async () => {
    const a = createCaller(ctx(alice));
    const b = createCaller(ctx(bob));
    const scan = await a.scan.saved.create({ name: "above sma20", text: `universe symbols in (${SYMS.join(", ")}) where close > sma(20)` });
    const rule = await a.alerts.rules.create({ name: "Uptrend alert", scanId: scan.id, webhookUrl: url, cooldownMinutes: 60, schedule: "45 22 * * 1-5" });
    expect(rule.webhookSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await getQueue("runScan").getJobScheduler(`alert-rule-${rule.id}`)).toMatchObject({ pattern: "45 22 * * 1-5" });
    await expect(b.alerts.rules.create({ name: "steal", scanId: scan.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // A live stream (what the SSE subscription serves) sees the events as they are created.
    const ac = new AbortController();
    const stream = streamAlerts(alice.id, ac.signal);
    const firstLive = stream.next();
    await new Promise((r) => setTimeout(r, 200)); // let the subscriber connect
    const first = await runAlertRule({ ruleId: rule.id });
    expect((await firstLive).value).toMatchObject({ ruleName: "Uptrend alert", message: expect.stringContaining("Uptrend alert") });
    ac.abort();
    expect(first.events).toBe(first.matches);
    expect(first.events).toBeGreaterThan(0);
    expect((await a.alerts.inbox.unreadCount()).unread).toBe(first.events);
    expect((await b.alerts.inbox.list({})).length).toBe(0);
    // Each hit is dated by the bar its symbol was scanned at.
    for (const e of await a.alerts.inbox.list({})) {
      const [last] = await db().$client<{ t: number }[]>`select (extract(epoch from max(ts)) * 1000)::float8 as t from bars_1d where symbol = ${e.symbol}`;
      expect(e.barTs.getTime()).toBe(last!.t);
    }

    // Deliveries: the first attempt gets a 500 and is retried after the backoff; every body is signed.
    await expect
      .poll(async () => (await a.alerts.deliveries({ limit: 50 })).filter((d) => d.status === "succeeded").length, { timeout: 20_000, interval: 200 })
      .toBe(first.events);
    const deliveries = await a.alerts.deliveries({ limit: 50 });
    expect(deliveries.some((d) => d.attempts === 2)).toBe(true);
    for (const r of received) {
      const ts = String(r.headers["x-mss-timestamp"]);
      expect(r.headers["x-mss-signature"]).toBe(`sha256=${signWebhook(rule.webhookSecret!, ts, r.body)}`);
      expect(JSON.parse(r.body)).toMatchObject({ type: "scan.hit", rule: { name: "Uptrend alert" } });
    }
    expect(received.length).toBe(first.events + 1);

    // Same bar again: no new hits, no new events.
    const second = await runAlertRule({ ruleId: rule.id });
    expect(second.events).toBe(0);
    expect((await a.alerts.inbox.list({})).length).toBe(first.events);

    expect((await a.alerts.inbox.markRead({})).marked).toBe(first.events);
    expect((await a.alerts.inbox.unreadCount()).unread).toBe(0);
    await a.alerts.rules.update({ id: rule.id, active: false });
    expect(await getQueue("runScan").getJobScheduler(`alert-rule-${rule.id}`)).toBeUndefined();
    await expect(b.alerts.rules.delete({ id: rule.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 60_000);

  it("never calls an internal address: refused when the rule is saved, and when a name resolves there at delivery", async () => {
    const a = createCaller(ctx(alice));
    const scan = await a.scan.saved.create({ name: "all", text: `universe symbols in (${SYMS.join(", ")}) where close > 0` });
    for (const hook of ["http://169.254.169.254/latest/meta-data", "http://10.0.0.5:8080/admin", "http://[::1]:9000/x", "http://localhost:9000/x"]) {
      await expect(a.alerts.rules.create({ name: "internal", scanId: scan.id, webhookUrl: hook })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("internal address") });
    }
    // A receiver on 127.0.0.2 (loopback, not in this run's WEBHOOK_ALLOW_NETWORKS) that would answer 200.
    const hits: string[] = [];
    const inside = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end();
    });
    await new Promise<void>((r) => inside.listen(0, "127.0.0.2", r));
    try {
      const rule = await a.alerts.rules.create({ name: "rebound", scanId: scan.id, webhookUrl: "https://hooks.example.com/in" });
      // What the name resolves to changed after the rule was saved (DNS rebinding): delivery is refused.
      await db().$client`update alert_rules set webhook_url = ${`http://127.0.0.2:${(inside.address() as { port: number }).port}/in`} where id = ${rule.id}`;
      const run = await runAlertRule({ ruleId: rule.id });
      expect(run.events).toBeGreaterThan(0);
      await expect
        .poll(async () => (await a.alerts.deliveries({ limit: 200 })).filter((d) => d.ruleId === rule.id && d.status === "failed").length, { timeout: 15_000, interval: 200 })
        .toBe(run.events);
      for (const d of (await a.alerts.deliveries({ limit: 200 })).filter((x) => x.ruleId === rule.id)) {
        expect(d).toMatchObject({ attempts: 1, error: expect.stringContaining("internal address (127.0.0.2)") });
      }
      expect(hits).toEqual([]);
    } finally {
      inside.close();
    }
  }, 30_000);
});
