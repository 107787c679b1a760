import { withHttpMetrics } from "@/server/http";
import { getHealth } from "@/server/services/health/get-health";

export const dynamic = "force-dynamic";

export const GET = withHttpMetrics("/api/health", async () => {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
