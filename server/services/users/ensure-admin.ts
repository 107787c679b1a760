import { randomBytes } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { db } from "../../db";
import { createUser } from "./create-user";

export interface EnsureAdminOptions {
  email?: string;
  password?: string;
}

/**
 * First start: when no admin exists, create one from the given credentials, or generate them
 * (returned once, for the launcher to print; never logged).
 */
export async function ensureAdmin({ email, password }: EnsureAdminOptions): Promise<
  { created: false } | { created: true; email: string; password: string; generated: boolean }
> {
  const [existing] = await db().select({ n: count() }).from(users).where(eq(users.role, "admin"));
  if (existing && existing.n > 0) return { created: false };
  const generated = !email || !password;
  const finalEmail = email ?? "admin@scanner.local";
  const finalPassword = password ?? randomBytes(12).toString("base64url");
  await createUser({ email: finalEmail, password: finalPassword, role: "admin", name: "Administrator" });
  return { created: true, email: finalEmail, password: finalPassword, generated };
}
