import { randomBytes } from "node:crypto";
import { hash } from "@node-rs/argon2";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../index";
import { users, type UserRole } from "../schema";

export interface SeededUser {
  id: string;
  email: string;
  password: string;
  role: UserRole;
  name: string | null;
}

/**
 * Test factory: a user with a known password (hashed with argon2 like real ones).
 * Re-seeding the same email resets its password and role, so retried e2e setups stay valid.
 */
export async function seedUser(db: Db, opts: { role?: UserRole; email?: string; password?: string; name?: string } = {}): Promise<SeededUser> {
  const role = opts.role ?? "analyst";
  const email = opts.email ?? `${role}-${randomBytes(4).toString("hex")}@test.local`;
  const password = opts.password ?? `pw-${randomBytes(8).toString("hex")}`;
  const passwordHash = await hash(password, { memoryCost: 19_456, timeCost: 2 });
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  const [row] = existing
    ? await db.update(users).set({ passwordHash, role, disabledAt: null }).where(eq(users.id, existing.id)).returning()
    : await db.insert(users).values({ email, role, name: opts.name ?? null, passwordHash }).returning();
  if (!row) throw new Error("seedUser: write returned nothing");
  return { id: row.id, email: row.email, password, role: row.role, name: row.name };
}
