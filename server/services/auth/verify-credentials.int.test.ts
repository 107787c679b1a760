import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { seedUser } from "@/db/seed";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { serverEnv } from "../../env";
import { updateUser } from "../users/update-user";
import { createSession, getSessionUser, revokeSession } from "./sessions";
import { verifyCredentials } from "./verify-credentials";

const ip = () => `10.0.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("verifyCredentials", () => {
  it("accepts the right password, case-insensitive email, and rejects a wrong one", async () => {
    const u = await seedUser(db(), { role: "analyst" });
    const addr = ip();
    expect((await verifyCredentials({ email: u.email.toUpperCase(), password: u.password, ip: addr })).id).toBe(u.id);
    expect(await codeOf(verifyCredentials({ email: u.email, password: "wrong-password", ip: addr }))).toBe("UNAUTHORIZED");
    expect(await codeOf(verifyCredentials({ email: "nobody@test.local", password: "x", ip: addr }))).toBe("UNAUTHORIZED");
  });

  it("locks out after RATE_LIMIT_LOGIN failures with a Retry-After", async () => {
    const u = await seedUser(db());
    const addr = ip();
    for (let i = 0; i < serverEnv().RATE_LIMIT_LOGIN; i++) {
      expect(await codeOf(verifyCredentials({ email: u.email, password: "bad", ip: addr }))).toBe("UNAUTHORIZED");
    }
    try {
      await verifyCredentials({ email: u.email, password: u.password, ip: addr });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("TOO_MANY_REQUESTS");
      expect((err as AppError).retryAfterSeconds).toBeGreaterThan(0);
    }
    // A different client address is not affected.
    expect((await verifyCredentials({ email: u.email, password: u.password, ip: ip() })).id).toBe(u.id);
  });

  it("limits guesses at one account from any number of addresses (a forged X-Forwarded-For)", async () => {
    const u = await seedUser(db());
    const other = await seedUser(db());
    for (let i = 0; i < serverEnv().RATE_LIMIT_LOGIN_ACCOUNT; i++) {
      expect(await codeOf(verifyCredentials({ email: u.email, password: `guess-${i}`, ip: ip() }))).toBe("UNAUTHORIZED");
    }
    expect(await codeOf(verifyCredentials({ email: u.email.toUpperCase(), password: u.password, ip: ip() }))).toBe("TOO_MANY_REQUESTS");
    // Only that account: another user on one of those addresses signs in.
    expect((await verifyCredentials({ email: other.email, password: other.password, ip: ip() })).id).toBe(other.id);
  });

  it("refuses disabled users and kills their sessions", async () => {
    const admin = await seedUser(db(), { role: "admin" });
    const u = await seedUser(db());
    const sid = await createSession({ userId: u.id, ip: "127.0.0.1" });
    expect((await getSessionUser(sid))?.id).toBe(u.id);
    await updateUser({ actorId: admin.id, id: u.id, disabled: true });
    expect(await getSessionUser(sid)).toBeNull();
    expect(await codeOf(verifyCredentials({ email: u.email, password: u.password, ip: ip() }))).toBe("UNAUTHORIZED");
  });

  it("logout revokes the server-side session", async () => {
    const u = await seedUser(db());
    const sid = await createSession({ userId: u.id });
    await revokeSession(sid);
    expect(await getSessionUser(sid)).toBeNull();
    expect(await getSessionUser("not-a-uuid")).toBeNull();
  });
});
