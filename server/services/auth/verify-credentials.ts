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

/** Rate-limited password check. Throws UNAUTHORIZED with one message for every kind of failure. */
export async function verifyCredentials({ email, password, ip }: VerifyCredentialsOptions): Promise<AuthUser> {
  const rlKey = `${ip}|${email.toLowerCase()}`;
  await consumeRateLimit({ bucket: "login", key: rlKey });
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
  await db().update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
