import { and, count, eq, isNull, ne } from "drizzle-orm";
import { users, type UserRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { revokeUserSessions } from "../auth/sessions";

export interface UpdateUserOptions {
  actorId: string;
  id: string;
  role?: UserRole;
  disabled?: boolean;
}

/** Change a user's role or disable them. The last enabled admin cannot be demoted or disabled. */
export async function updateUser({ actorId, id, role, disabled }: UpdateUserOptions) {
  return db().transaction(async (tx) => {
    const [target] = await tx.select().from(users).where(eq(users.id, id)).for("update");
    if (!target) throw new AppError("NOT_FOUND", { userMessage: "User not found" });
    const losesAdmin = target.role === "admin" && !target.disabledAt && ((role && role !== "admin") || disabled === true);
    if (losesAdmin) {
      const [other] = await tx
        .select({ n: count() })
        .from(users)
        .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, id)));
      if (!other || other.n === 0) {
        throw new AppError("CONFLICT", { userMessage: "The last active admin cannot be demoted or disabled" });
      }
    }
    const [row] = await tx
      .update(users)
      .set({
        ...(role ? { role } : {}),
        ...(disabled === undefined ? {} : { disabledAt: disabled ? new Date() : null }),
      })
      .where(eq(users.id, id))
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt });
    if (!row) throw new AppError("NOT_FOUND", { userMessage: "User not found" });
    await recordAudit({ actorId, action: "user.update", target: id, detail: { role, disabled } });
    if (disabled) await revokeUserSessions(id);
    return row;
  });
}
