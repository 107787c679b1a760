import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/config";
import { withHttpMetrics } from "@/server/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = withHttpMetrics<Ctx>("/api/auth", (req, ctx) => NextAuth(req as never, ctx as never, authOptions()) as Promise<Response>);

export { handler as GET, handler as POST };
