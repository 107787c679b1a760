import { getServerSession } from "next-auth";
import { cache } from "react";
import type { ContextUser } from "../trpc";
import { getSessionUser } from "../services/auth/sessions";
import { authOptions } from "./config";

/** The signed-in user for this request (deduplicated per request), or null. */
export const auth = cache(async (): Promise<{ user: ContextUser; sessionId: string } | null> => {
  const session = await getServerSession(authOptions());
  const sid = session?.sid;
  if (!sid) return null;
  const user = await getSessionUser(sid);
  return user ? { user, sessionId: sid } : null;
});
