import { withHttpMetrics, registerQueueGauges } from "@/server/http";
import { errorResponse, requireMetricsReader } from "@/server/http-auth";
import { metrics } from "@/server/metrics";

export const dynamic = "force-dynamic";

export const GET = withHttpMetrics("/api/metrics", async (req: Request) => {
  try {
    await requireMetricsReader(req);
  } catch (err) {
    return errorResponse(err);
  }
  registerQueueGauges();
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
});
