import { withHttpMetrics, registerQueueGauges } from "@/server/http";
import { metrics } from "@/server/metrics";

export const dynamic = "force-dynamic";

export const GET = withHttpMetrics("/api/metrics", async () => {
  registerQueueGauges();
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
});
