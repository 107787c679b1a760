import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { createDeliverEmailWorker } from "@/workers/deliver-email.worker";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { jobId } from "../../queues/names";
import { getQueue } from "../../queues/producers";
import { createRedis } from "../../redis";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";
import { loadBundledData } from "../market/load-bundled-data";
import { getMailTransport, scrubSmtpSecrets } from "./email-transport";
import { runAlertRule } from "./run-alert-rule";

/**
 * Alert e-mail against a real local SMTP server (smtp-server): AUTH PLAIN over a plain socket, the raw
 * message captured; recipients starting with "flaky" get a temporary 451 at DATA.
 * SMTP_URL is set before anything reads the env (it is parsed once, on first use).
 */
const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
const SYMS = ["COST", "CRM", "CSCO", "CVX", "DIS", "F", "GE", "GILD"];
const USER = "alerts@scanner.test";
const PASS = "s3cr3t:p@ss/word";
const FROM = "ML Stock Scanner <alerts@scanner.test>";
const received: { to: string[]; user: unknown; raw: string }[] = [];
const flakyAttempts: number[] = [];
let smtp: SMTPServer;
let smtpUrl = "";
let alice: SeededUser;
let bob: SeededUser;
let connection: Redis;
let worker: Worker;

beforeAll(async () => {
  smtp = new SMTPServer({
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASS) return cb(null, { user: auth.username });
      cb(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (to.some((a) => a.startsWith("flaky"))) {
          flakyAttempts.push(Date.now());
          return cb(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
        }
        received.push({ to, user: session.user, raw: Buffer.concat(chunks).toString("utf8") });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  const { port } = smtp.server.address() as { port: number };
  smtpUrl = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASS)}@127.0.0.1:${port}`;
  Object.assign(process.env, { SMTP_URL: smtpUrl, SMTP_FROM: FROM, APP_URL: "http://scanner.test" });
  expect(serverEnv().SMTP_URL).toBe(smtpUrl);

  connection = createRedis(serverEnv().REDIS_URL, "worker");
  worker = createDeliverEmailWorker({ connection, prefix: serverEnv().QUEUE_PREFIX, lockMs: 30_000 });
  [alice, bob] = await Promise.all([seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "analyst" })]);
  await loadBundledData({ symbols: SYMS });
});

afterAll(async () => {
  await worker.close();
  for (const q of ["runScan", "deliverEmail"] as const) {
    await getQueue(q).obliterate({ force: true });
    await getQueue(q).close();
  }
  await connection.quit();
  await new Promise<void>((r) => smtp.close(() => r()));
  await db().$client.end({ timeout: 2 });
});

describe("alert e-mail over SMTP", () => {
  it("sends one authenticated e-mail per evaluation listing the new hits, retries a failing server, and keeps it private", async () => {
    const a = createCaller(ctx(alice));
    const b = createCaller(ctx(bob));
    expect(await a.alerts.email.status()).toEqual({ enabled: true, from: FROM });
    // One saved scan per rule: "new hits" are relative to the previous run of the same scan.
    const text = `universe symbols in (${SYMS.join(", ")}) where close > sma(20)`;
    const [scan, scan2, scan3] = await Promise.all(["above sma20", "above sma20 b", "above sma20 c"].map((name) => a.scan.saved.create({ name, text })));
    const mine = await a.alerts.rules.create({ name: "Mail me", scanId: scan!.id, emailEnabled: true });
    const flaky = await a.alerts.rules.create({ name: "Flaky inbox", scanId: scan2!.id, emailEnabled: true, emailTo: "flaky@scanner.test" });
    const quiet = await a.alerts.rules.create({ name: "No mail", scanId: scan3!.id });
    expect(mine).toMatchObject({ emailEnabled: true, emailTo: null });
    expect(quiet.emailEnabled).toBe(false);

    const t0 = Date.now();
    const first = await runAlertRule({ ruleId: mine.id });
    expect(first.events).toBeGreaterThan(1);
    expect((await runAlertRule({ ruleId: flaky.id })).events).toBe(first.events);
    expect((await runAlertRule({ ruleId: quiet.id })).events).toBe(first.events);

    // The good one: a single message (not one per symbol), authenticated, to the owner's own address.
    await expect.poll(async () => (await a.alerts.email.deliveries({})).find((d) => d.ruleId === mine.id)?.status, { timeout: 10_000, interval: 100 }).toBe("succeeded");
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.user).toBe(USER);
    expect(mail.to).toEqual([alice.email]);
    expect(mail.raw).toMatch(/^From: ML Stock Scanner <alerts@scanner\.test>$/m);
    expect(mail.raw).toMatch(new RegExp(`^To: ${alice.email.replace(/[.+]/g, "\\$&")}$`, "m"));
    expect(mail.raw).toMatch(new RegExp(`^Subject: Mail me: ${first.events} new hits \\(`, "m"));
    const events = (await a.alerts.inbox.list({ limit: 200 })).filter((e) => e.ruleId === mine.id);
    expect(events).toHaveLength(first.events);
    for (const e of events) expect(mail.raw).toMatch(new RegExp(`^  ${e.symbol} +close=`, "m"));
    expect(mail.raw).toContain("http://scanner.test/alerts");
    expect(mail.raw).not.toContain(PASS);

    // The job names only the delivery: no address, no secret in Redis.
    const [mineLog] = (await a.alerts.email.deliveries({})).filter((d) => d.ruleId === mine.id);
    expect(mineLog).toMatchObject({ recipient: alice.email, hits: first.events, attempts: 1, error: null, ruleName: "Mail me" });
    const job = await getQueue("deliverEmail").getJob(jobId("email", mineLog!.id));
    expect(job?.data).toEqual({ deliveryId: mineLog!.id });

    // The failing server: 451 on every attempt → retried with backoff → failed, error logged without credentials.
    await expect.poll(async () => (await a.alerts.email.deliveries({})).find((d) => d.ruleId === flaky.id)?.status, { timeout: 20_000, interval: 200 }).toBe("failed");
    const [flakyLog] = (await a.alerts.email.deliveries({})).filter((d) => d.ruleId === flaky.id);
    expect(flakyLog).toMatchObject({ recipient: "flaky@scanner.test", attempts: 4, deliveredAt: null });
    expect(flakyLog!.error).toContain("451");
    expect(flakyLog!.error).not.toContain(PASS);
    expect(flakyAttempts).toHaveLength(4);
    expect(flakyAttempts[3]! - flakyAttempts[0]!).toBeGreaterThanOrEqual(1_000 + 2_000 + 4_000 - 500); // exponential backoff
    expect((await a.alerts.email.deliveries({})).some((d) => d.ruleId === quiet.id)).toBe(false);

    // Same bar again: no new hits, no second e-mail.
    expect((await runAlertRule({ ruleId: mine.id })).events).toBe(0);
    expect((await a.alerts.email.deliveries({})).filter((d) => d.ruleId === mine.id)).toHaveLength(1);

    // Another user sees none of it and cannot switch e-mail on for alice's rule.
    expect(await b.alerts.email.deliveries({})).toEqual([]);
    await expect(b.alerts.rules.update({ id: mine.id, emailTo: "bob@evil.test" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(a.alerts.rules.create({ name: "x", scanId: scan!.id, emailEnabled: true, emailTo: "not an address" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 40_000);

  it("rejects wrong SMTP credentials and never echoes them in the error", async () => {
    const bad = smtpUrl.replace(encodeURIComponent(PASS), encodeURIComponent("wrong-Pa55word"));
    const err = await getMailTransport(bad)
      .sendMail({ from: FROM, to: "x@scanner.test", subject: "x", text: "x" })
      .then(() => null, (e: unknown) => e as Error & { code?: string; responseCode?: number });
    expect(err).toMatchObject({ code: "EAUTH", responseCode: 535 });
    const scrubbed = scrubSmtpSecrets(`${err!.message} via ${bad}`, bad);
    expect(scrubbed).not.toContain("wrong-Pa55word");
    expect(scrubbed).not.toContain(Buffer.from(`\u0000${USER}\u0000wrong-Pa55word`).toString("base64"));
    getMailTransport(smtpUrl); // back to the configured transport
  });
});
