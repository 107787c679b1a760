import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db } from "../db";
import { createCaller } from "../root";
import { authenticateToken } from "../services/tokens/authenticate-token";
import type { Context } from "../trpc";

function ctxFor(u: SeededUser | null, authVia: Context["authVia"] = "session"): Context {
  return {
    user: u ? { id: u.id, email: u.email, name: u.name, role: u.role } : null,
    authVia: u ? authVia : null,
    ip: "127.0.0.1",
    resHeaders: new Headers(),
  };
}

async function trpcCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

let admin: SeededUser;
let alice: SeededUser;
let bob: SeededUser;
let viewer: SeededUser;

beforeAll(async () => {
  [admin, alice, bob, viewer] = await Promise.all([
    seedUser(db(), { role: "admin" }),
    seedUser(db(), { role: "analyst" }),
    seedUser(db(), { role: "analyst" }),
    seedUser(db(), { role: "viewer" }),
  ]);
});

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("authentication boundary", () => {
  it("health is public; everything else needs a user", async () => {
    const anon = createCaller(ctxFor(null));
    const h = await anon.health.get();
    expect(h.db.ok).toBe(true);
    expect(h.storageMode).toMatch(/postgres|timescaledb/);
    expect(await trpcCode(anon.auth.me())).toBe("UNAUTHORIZED");
    expect(await trpcCode(anon.tokens.list())).toBe("UNAUTHORIZED");
    expect(await trpcCode(anon.system.queues())).toBe("UNAUTHORIZED");
    expect(await trpcCode(anon.admin.users.list())).toBe("UNAUTHORIZED");
  });

  it("auth.me returns the caller and how they authenticated", async () => {
    const me = await createCaller(ctxFor(alice, "token")).auth.me();
    expect(me).toMatchObject({ id: alice.id, email: alice.email, role: "analyst", authVia: "token" });
  });

  it("admin procedures are forbidden to viewers and analysts", async () => {
    expect(await trpcCode(createCaller(ctxFor(viewer)).admin.users.list())).toBe("FORBIDDEN");
    expect(await trpcCode(createCaller(ctxFor(alice)).admin.users.list())).toBe("FORBIDDEN");
    expect(await trpcCode(createCaller(ctxFor(viewer)).system.retryFailed({ queue: "maintenance" }))).toBe("FORBIDDEN");
    const list = await createCaller(ctxFor(admin)).admin.users.list();
    expect(list.map((u) => u.id)).toEqual(expect.arrayContaining([admin.id, alice.id, bob.id, viewer.id]));
  });
});

describe("API tokens", () => {
  it("are owned: created, listed and revoked only by their owner", async () => {
    const a = createCaller(ctxFor(alice));
    const b = createCaller(ctxFor(bob));
    const created = await a.tokens.create({ name: "notebook", expiresInDays: 30 });
    expect(created.token).toMatch(/^mss_[A-Za-z0-9]{8}_/);
    expect((await a.tokens.list()).map((t) => t.id)).toContain(created.id);
    expect((await b.tokens.list()).map((t) => t.id)).not.toContain(created.id);
    // Bob cannot revoke Alice's token: it is "not found" for him.
    expect(await trpcCode(b.tokens.revoke({ id: created.id }))).toBe("NOT_FOUND");
    expect((await authenticateToken(created.token))?.id).toBe(alice.id);
    await a.tokens.revoke({ id: created.id });
    expect(await authenticateToken(created.token)).toBeNull();
    expect(await trpcCode(a.tokens.revoke({ id: created.id }))).toBe("NOT_FOUND");
  });

  it("stores only a hash of the token", async () => {
    const created = await createCaller(ctxFor(alice)).tokens.create({ name: "hash-check" });
    const rows = await db().$client`select token_hash from api_tokens where id = ${created.id}`;
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.token_hash).not.toContain(created.token.slice(13));
  });

  it("rejects malformed and expired tokens", async () => {
    expect(await authenticateToken("not-a-token")).toBeNull();
    expect(await authenticateToken(`mss_abcdefgh_${"x".repeat(43)}`)).toBeNull();
    const t = await createCaller(ctxFor(bob)).tokens.create({ name: "soon-expired", expiresInDays: 1 });
    await db().$client`update api_tokens set expires_at = now() - interval '1 minute' where id = ${t.id}`;
    expect(await authenticateToken(t.token)).toBeNull();
  });

  it("validates input with zod and reports the field", async () => {
    try {
      await createCaller(ctxFor(alice)).tokens.create({ name: "" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
    }
  });
});

describe("admin.users", () => {
  it("creates users, rejects duplicates, and protects the last admin", async () => {
    const c = createCaller(ctxFor(admin));
    const u = await c.admin.users.create({ email: `new-${Date.now()}@test.local`, password: "a-long-password", role: "viewer" });
    expect(u.role).toBe("viewer");
    expect(await trpcCode(c.admin.users.create({ email: u.email.toUpperCase(), password: "a-long-password", role: "viewer" }))).toBe("CONFLICT");
    const promoted = await c.admin.users.update({ id: u.id, role: "analyst" });
    expect(promoted.role).toBe("analyst");
    // Make `admin` the only enabled admin in this database (other files seed admins too).
    await db().$client`update users set disabled_at = now() where role = 'admin' and id <> ${admin.id}`;
    expect(await trpcCode(c.admin.users.update({ id: admin.id, role: "viewer" }))).toBe("CONFLICT");
    expect(await trpcCode(c.admin.users.update({ id: admin.id, disabled: true }))).toBe("CONFLICT");
  });
});
