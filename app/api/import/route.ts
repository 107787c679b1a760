import { z } from "zod";
import { ZCsvImportOptions } from "@/lib/csv";
import { AppError } from "@/lib/errors";
import { errorResponse, requireUploader } from "@/server/http-auth";
import { withHttpMetrics } from "@/server/http";
import { logger } from "@/server/logger";
import { importCsv } from "@/server/services/ingestion/import-csv";

export const dynamic = "force-dynamic";

const ZQuery = z.object({ options: z.string().max(10_000), fileName: z.string().trim().min(1).max(255) });

/**
 * CSV upload: POST the raw file as the body, `?options=<json>&fileName=<name>`. The body is streamed
 * through the parser (a large file never sits in memory). Answers with the import's run and counts.
 */
export const POST = withHttpMetrics("/api/import", async (req: Request) => {
  try {
    const user = await requireUploader(req);
    const url = new URL(req.url);
    const q = ZQuery.safeParse({ options: url.searchParams.get("options"), fileName: url.searchParams.get("fileName") });
    if (!q.success) throw new AppError("BAD_REQUEST", { userMessage: "options and fileName query parameters are required" });
    let raw: unknown;
    try {
      raw = JSON.parse(q.data.options);
    } catch {
      throw new AppError("BAD_REQUEST", { userMessage: "options is not valid JSON" });
    }
    const options = ZCsvImportOptions.safeParse(raw);
    if (!options.success) throw new AppError("BAD_REQUEST", { userMessage: `Invalid import options: ${z.prettifyError(options.error)}` });
    if (!req.body) throw new AppError("BAD_REQUEST", { userMessage: "empty upload" });
    const body = req.body as unknown as AsyncIterable<Uint8Array>;
    const result = await importCsv({ input: body, options: options.data, fileName: q.data.fileName, userId: user.id });
    logger.info({ runId: result.runId, rows: result.rows, rejected: result.rejected, userId: user.id }, "csv imported");
    return Response.json(result);
  } catch (err) {
    if (!AppError.is(err)) logger.error({ err }, "csv import failed");
    return errorResponse(err);
  }
});
