import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { clientIpFrom } from "@/lib/net/client-ip";
import { serverEnv } from "../env";
import { logger } from "../logger";
import { SESSION_MAX_AGE_SECONDS, createSession, revokeSession } from "../services/auth/sessions";
import { verifyCredentials } from "../services/auth/verify-credentials";

const ZCredentials = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });

declare module "next-auth" {
  interface User {
    role?: string;
    sid?: string;
  }
  interface Session {
    sid?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

function headerOf(req: { headers?: Record<string, unknown> } | undefined, name: string): string | undefined {
  const v = req?.headers?.[name];
  return typeof v === "string" ? v : undefined;
}

let options: NextAuthOptions | undefined;

/**
 * next-auth with a credentials provider. The JWT only carries the server-side session id (`sid`);
 * every request resolves it against the sessions table, so logout and disabling a user take effect at once.
 */
export function authOptions(): NextAuthOptions {
  if (options) return options;
  const env = serverEnv();
  options = {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    logger: {
      error: (code, meta) => logger.warn({ code, meta: meta instanceof Error ? meta.message : undefined }, "next-auth"),
      warn: (code) => logger.debug({ code }, "next-auth warn"),
      debug: () => {},
    },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, req): Promise<User | null> {
          const parsed = ZCredentials.safeParse(raw);
          if (!parsed.success) throw new Error("Enter a valid email and password");
          const ip = clientIpFrom(headerOf(req, "x-forwarded-for"), headerOf(req, "x-real-ip"), env.TRUSTED_PROXY_HOPS);
          try {
            const user = await verifyCredentials({ ...parsed.data, ip });
            const sid = await createSession({ userId: user.id, userAgent: headerOf(req, "user-agent"), ip });
            logger.info({ userId: user.id }, "login");
            return { id: user.id, email: user.email, name: user.name, role: user.role, sid };
          } catch (err) {
            if (AppError.is(err)) {
              logger.info({ code: err.code, ip }, "login refused");
              throw new Error(err.userMessage);
            }
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.sid) token.sid = user.sid;
        return token;
      },
      session({ session, token }) {
        session.sid = token.sid;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sid) await revokeSession(token.sid);
      },
    },
  };
  return options;
}
