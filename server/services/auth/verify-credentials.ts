import { eq, sql } from "drizzle-orm";
import { users, type UserRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { consumeRateLimit, resetRateLimit } from "../rate-limit/consume-rate-limit";
import { dummyHash, verifyPassword } from "./password";

export interface VerifyCredentialsOptions {
  email: string;
  password: string;
  ip: string;
}

export interface AuthUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

/**
 * Rate-limited password check. Throws UNAUTHORIZED with one message for every kind of failure.
 * Two limits: per (client address, email), so one client's typos lock only that client out, and per
 * email from any address, which bounds guessing when the address is the client's own claim (a
 * forged X-Forwarded-For on a server with no proxy in front) or comes from many machines.
 */
export async function verifyCredentials({ email, password, ip }: VerifyCredentialsOptions): Promise<AuthUser> {
  const account = email.toLowerCase();
  const rlKey = `${ip}|${account}`;
  await consumeRateLimit({ bucket: "login", key: rlKey });
  await consumeRateLimit({ bucket: "login-account", key: account });
  const [user] = await db()
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
    .limit(1);
  const ok = user ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash(), password), false);
  if (!user || !ok || user.disabledAt) {
    throw new AppError("UNAUTHORIZED", { userMessage: "Invalid email or password" });
  }
  await resetRateLimit({ bucket: "login", key: rlKey });
  await resetRateLimit({ bucket: "login-account", key: account });
  await db().update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
