import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { seedUser, type SeededUser } from "@/db/seed";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { getQueue } from "../../queues/producers";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";
import { createAlertRule, scheduleProblem } from "./alert-rules";
import { runAlertRule } from "./run-alert-rule";

// Read by serverEnv() on first use (nothing here has called it yet).
process.env.ALERT_RULES_MAX = "3";
process.env.ALERT_MIN_INTERVAL_MINUTES = "5";

const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
const scheduler = (ruleId: string) => getQueue("runScan").getJobScheduler(`alert-rule-${ruleId}`);
const ruleCount = async (userId: string) => Number((await db().$client`select count(*)::int as n from alert_rules where user_id = ${userId}`)[0]!.n);

let users: SeededUser[] = [];

/** A refused tRPC call: its code and the messages of its input issues (what errorFormatter sends as zodError). */
async function refusal(call: Promise<unknown>): Promise<{ code: unknown; issues: string[] }> {
  const err = await call.then(
    () => null,
    (e: unknown) => e as { code?: unknown; cause?: unknown },
  );
  if (!err) throw new Error("the call succeeded");
  return { code: err.code, issues: err.cause instanceof ZodError ? err.cause.issues.map((i) => i.message) : [] };
}

beforeAll(async () => {
  users = await Promise.all(Array.from({ length: 6 }, () => seedUser(db(), { role: "analyst" })));
});

afterAll(async () => {
  await getQueue("runScan").obliterate({ force: true });
  await getQueue("runScan").close();
  await db().$client.end({ timeout: 2 });
});

async function scanOf(u: SeededUser, name = "all") {
  return createCaller(ctx(u)).scan.saved.create({ name, text: "universe symbols in (AAPL, MSFT) where close > 0" });
}

describe("scheduleProblem", () => {
  it("accepts bar-close and schedulable crons at least the minimum interval apart", () => {
    for (const s of ["bar-close", "45 22 * * 1-5", "*/5 * * * *", "0 0 29 2 *", "0,30 9-16 * * 1-5", "*/10 * * * 7"]) expect(scheduleProblem(s, 5)).toBeNull();
  });

  it("refuses what BullMQ's parser refuses, crons without a next run, and runs too close together", () => {
    expect(scheduleProblem("61 * * * *", 5)).toMatch(/Invalid cron schedule "61 \* \* \* \*": .*0-59/);
    expect(scheduleProblem("*/0 * * * *", 5)).toMatch(/Invalid cron schedule/);
    expect(scheduleProblem("0 0 31 2 *", 5)).toMatch(/Invalid cron schedule/);
    expect(scheduleProblem("0 0 31 4,6 *", 5)).toBe('Cron schedule "0 0 31 4,6 *" never runs (no date matches it)');
    expect(scheduleProblem("every minute", 5)).toMatch(/5-field cron expression/);
    expect(scheduleProblem("0 0 * * * *", 5)).toMatch(/5-field cron expression/);
    expect(scheduleProblem("* * * * *", 5)).toBe('Schedule "* * * * *" runs 1 minute apart; alert rules may run at most every 5 minutes');
    expect(scheduleProblem("*/2 * * * *", 5)).toMatch(/runs 2 minutes apart/);
    expect(scheduleProblem("0,1 * * * *", 5)).toMatch(/runs 1 minute apart/);
    expect(scheduleProblem("58 23 * * *", 5)).toBeNull();
    expect(scheduleProblem("0,58 0,23 * * *", 5)).toMatch(/runs 2 minutes apart/); // 23:58 → 00:00 next day
  });
});

describe("alert rule schedules", () => {
  it("refuses an impossible or too frequent schedule with BAD_REQUEST before writing anything", async () => {
    const [u] = users;
    const a = createCaller(ctx(u!));
    const scan = await scanOf(u!);
    for (const schedule of ["61 * * * *", "*/0 * * * *", "0 0 31 2 *", "0 0 31 4,6 *", "* * * * *"]) {
      const r = await refusal(a.alerts.rules.create({ name: "bad", scanId: scan.id, schedule }));
      expect(r).toEqual({ code: "BAD_REQUEST", issues: [scheduleProblem(schedule)] });
      expect(r.issues[0]).toContain(`"${schedule}"`);
      // The service checks on its own too (callers other than the router).
      const err = await createAlertRule({ userId: u!.id, input: { name: "bad", scanId: scan.id, schedule, cooldownMinutes: 60, active: true } }).catch((e: unknown) => e);
      expect(AppError.is(err) && err.code).toBe("BAD_REQUEST");
    }
    expect(await ruleCount(u!.id)).toBe(0);
    expect(await getQueue("runScan").getJobSchedulersCount()).toBe(0);
  });

  it("keeps the old values and the old schedule when an update's schedule is refused", async () => {
    const [, u] = users;
    const a = createCaller(ctx(u!));
    const rule = await a.alerts.rules.create({ name: "ok", scanId: (await scanOf(u!)).id, schedule: "*/15 * * * *" });
    for (const schedule of ["61 * * * *", "0 0 31 2 *", "*/2 * * * *"]) {
      expect(await refusal(a.alerts.rules.update({ id: rule.id, name: "renamed", schedule }))).toEqual({ code: "BAD_REQUEST", issues: [scheduleProblem(schedule)] });
    }
    expect((await a.alerts.rules.list())[0]).toMatchObject({ name: "ok", schedule: "*/15 * * * *" });
    expect(await scheduler(rule.id)).toMatchObject({ pattern: "*/15 * * * *" });
    await a.alerts.rules.update({ id: rule.id, schedule: "0 * * * *" });
    expect(await scheduler(rule.id)).toMatchObject({ pattern: "0 * * * *" });

    // A rule stored before these checks with a schedule the scheduler refuses: it can be paused, not kept running.
    await db().$client`update alert_rules set schedule = '61 * * * *' where id = ${rule.id}`;
    await expect(a.alerts.rules.update({ id: rule.id, name: "still on" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("61 * * * *") });
    expect((await a.alerts.rules.list())[0]).toMatchObject({ name: "ok", active: true });
    await a.alerts.rules.update({ id: rule.id, active: false });
    expect(await scheduler(rule.id)).toBeUndefined();
  });

  it("caps the rules per user at ALERT_RULES_MAX, also under concurrent creates", async () => {
    const [, , u, v] = users;
    const a = createCaller(ctx(u!));
    const scan = await scanOf(u!);
    for (let i = 0; i < 3; i++) await a.alerts.rules.create({ name: `r${i}`, scanId: scan.id, schedule: "bar-close" });
    await expect(a.alerts.rules.create({ name: "r3", scanId: scan.id, schedule: "bar-close" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "You have 3 alert rules, the most allowed (ALERT_RULES_MAX = 3); delete one first",
    });
    expect(await ruleCount(u!.id)).toBe(3);

    const b = createCaller(ctx(v!));
    const scanB = await scanOf(v!);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => b.alerts.rules.create({ name: `p${i}`, scanId: scanB.id, schedule: "0 * * * *" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(await ruleCount(v!.id)).toBe(3);
  });
});

describe("alert rules that must not run", () => {
  it("skips the rules of a disabled owner", async () => {
    const [, , , , u] = users;
    const rule = await createCaller(ctx(u!)).alerts.rules.create({ name: "mine", scanId: (await scanOf(u!)).id, schedule: "0 * * * *" });
    await db().$client`update users set disabled_at = now() where id = ${u!.id}`;
    expect(await runAlertRule({ ruleId: rule.id })).toEqual({ matches: 0, events: 0, skipped: "owner-disabled" });
    expect(Number((await db().$client`select count(*)::int as n from scan_runs where user_id = ${u!.id}`)[0]!.n)).toBe(0);
    // The schedule stays: enabling the owner again resumes the rule.
    expect(await scheduler(rule.id)).toMatchObject({ pattern: "0 * * * *" });
  });

  it("removes the schedulers of the rules deleted with their saved scan, and a leftover one when it fires", async () => {
    const [, , , , , u] = users;
    const a = createCaller(ctx(u!));
    const scan = await scanOf(u!, "doomed");
    const keep = await scanOf(u!, "kept");
    const r1 = await a.alerts.rules.create({ name: "one", scanId: scan.id, schedule: "0 * * * *" });
    const r2 = await a.alerts.rules.create({ name: "two", scanId: scan.id, schedule: "30 * * * *" });
    const r3 = await a.alerts.rules.create({ name: "other", scanId: keep.id, schedule: "0 * * * *" });
    await a.scan.saved.delete({ id: scan.id });
    expect(await scheduler(r1.id)).toBeUndefined();
    expect(await scheduler(r2.id)).toBeUndefined();
    expect(await scheduler(r3.id)).toMatchObject({ pattern: "0 * * * *" });
    expect((await a.alerts.rules.list()).map((r) => r.id)).toEqual([r3.id]);

    // A scheduler left behind by a rule deleted some other way (before this fix, or with its owner).
    await db().$client`delete from alert_rules where id = ${r3.id}`;
    await expect(runAlertRule({ ruleId: r3.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await scheduler(r3.id)).toBeUndefined();
  });
});
