import { users, type UserRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { hashPassword } from "../auth/password";
import { recordAudit } from "../audit/record-audit";

export interface CreateUserOptions {
  email: string;
  password: string;
  role: UserRole;
  name?: string | null;
  actorId?: string | null;
}

export async function createUser({ email, password, role, name, actorId = null }: CreateUserOptions) {
  const passwordHash = await hashPassword(password);
  const rows = await db()
    .insert(users)
    .values({ email: email.trim(), name: name ?? null, role, passwordHash })
    .onConflictDoNothing()
    .returning({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt });
  const row = rows[0];
  if (!row) throw new AppError("CONFLICT", { userMessage: `A user with email ${email} already exists` });
  await recordAudit({ actorId, action: "user.create", target: row.id, detail: { email: row.email, role } });
  return row;
}
