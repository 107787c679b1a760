import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";

// The process logger, swapped for one that writes here (set before anything builds the real one).
const lines: string[] = [];
(globalThis as { __mssLogger?: pino.Logger }).__mssLogger = pino(
  { level: "error" },
  new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  }),
);

const { createCallerFactory, loggableError, publicProcedure, router } = await import("./trpc");
const { db } = await import("./db");
const { alertRules } = await import("@/db/schema");
const { DrizzleQueryError } = await import("drizzle-orm");

const SECRET = `whsec-${randomUUID()}`;

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("tRPC error logging", () => {
  it("logs a failed insert's query, Postgres code and cause, but not its parameters or row values", async () => {
    const testRouter = router({
      // What a failing createAlertRule insert looks like: a bound webhookSecret and a foreign-key violation.
      boom: publicProcedure.mutation(async () => {
        await db().insert(alertRules).values({ userId: randomUUID(), scanId: randomUUID(), name: "leaky", webhookUrl: "https://hooks.example.com/x", webhookSecret: SECRET });
      }),
    });
    const caller = createCallerFactory(testRouter)({ user: null, authVia: null, ip: "127.0.0.1", resHeaders: new Headers() });
    lines.length = 0;
    await expect(caller.boom()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    const out = lines.join("");
    expect(out).toContain("trpc procedure failed");
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: "DrizzleQueryError", code: "23503", table_name: "alert_rules", query: expect.stringContaining("insert into") });
    expect(out).toContain('Failed query: insert into \\"alert_rules\\"');
    expect(out).toContain("23503"); // foreign_key_violation, from the cause
    expect(out).toContain("alert_rules_user_id_users_id_fk");
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain("hooks.example.com");
    expect(out).not.toContain("params:");
  });

  it("keeps the stack frames and every cause's message", () => {
    const pgErr = Object.assign(new Error('insert or update on table "alert_rules" violates foreign key constraint'), { code: "23503", detail: `Key (x)=(${SECRET}) is not present` });
    const err = new DrizzleQueryError('insert into "t" ("a") values ($1)', [SECRET], pgErr);
    const logged = { ...(loggableError(err) as Record<string, unknown>) };
    expect(logged).toMatchObject({ name: "DrizzleQueryError", message: 'Failed query: insert into "t" ("a") values ($1)', query: 'insert into "t" ("a") values ($1)', code: "23503" });
    expect(logged.stack).toMatch(/^Error: Failed query: insert into "t" \("a"\) values \(\$1\)\n\s+at /);
    expect({ ...(logged.cause as object) }).toMatchObject({ name: "Error", message: pgErr.message, code: "23503" });
    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect({ ...(loggableError(new Error("plain")) as object) }).toMatchObject({ name: "Error", message: "plain" });
    expect(loggableError("text\nparams: x")).toBe("text");
  });
});
