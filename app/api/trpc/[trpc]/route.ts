import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { withHttpMetrics } from "@/server/http";
import { appRouter } from "@/server/root";
import { createTRPCContext } from "@/server/trpc";

export const dynamic = "force-dynamic";

const handler = withHttpMetrics("/api/trpc", (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createTRPCContext({ headers: req.headers, resHeaders }),
  }),
);

export { handler as GET, handler as POST };
