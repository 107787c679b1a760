import { z } from "zod";
import { ZCsvImportOptions } from "@/lib/csv";
import { AppError } from "@/lib/errors";
import { serverEnv } from "@/server/env";
import { errorResponse, requireUploader } from "@/server/http-auth";
import { withHttpMetrics } from "@/server/http";
import { logger } from "@/server/logger";
import { importCsv } from "@/server/services/ingestion/import-csv";

export const dynamic = "force-dynamic";

const ZQuery = z.object({ options: z.string().max(10_000), fileName: z.string().trim().min(1).max(255) });
const ZContentLength = z.coerce.number().int().min(0);

/** The upload went past IMPORT_MAX_BYTES (thrown from inside the body stream, so it reaches us as a cause). */
class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  constructor(readonly limit: number) {
    super(`upload exceeds IMPORT_MAX_BYTES (${limit} bytes)`);
  }
}

function tooLargeResponse(limit: number): Response {
  const mb = Math.round((limit / (1024 * 1024)) * 10) / 10;
  return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: `The upload is larger than the ${mb} MB limit (IMPORT_MAX_BYTES)` } }, { status: 413 });
}

function isTooLarge(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof UploadTooLargeError) return true;
  return false;
}

/** The body's chunks as they arrive; past `limit` bytes the stream is cancelled and UploadTooLargeError thrown. */
async function* cappedBody(body: ReadableStream<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let bytes = 0;
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      bytes += r.value.byteLength;
      if (bytes > limit) throw new UploadTooLargeError(limit);
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

/**
 * CSV upload: POST the raw file as the body, `?options=<json>&fileName=<name>`. The body is streamed
 * through the parser (a large file never sits in memory) and capped at IMPORT_MAX_BYTES: a larger
 * Content-Length is refused before reading, and a body that grows past the cap is cut off with 413
 * (bars stored before that point stay; the run is recorded as failed). Answers with the import's run and counts.
 */
export const POST = withHttpMetrics("/api/import", async (req: Request) => {
  const limit = serverEnv().IMPORT_MAX_BYTES;
  try {
    const declared = ZContentLength.safeParse(req.headers.get("content-length") ?? undefined);
    if (declared.success && declared.data > limit) return tooLargeResponse(limit);
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
    const result = await importCsv({ input: cappedBody(req.body, limit), options: options.data, fileName: q.data.fileName, userId: user.id });
    logger.info({ runId: result.runId, rows: result.rows, rejected: result.rejected, userId: user.id }, "csv imported");
    return Response.json(result);
  } catch (err) {
    if (isTooLarge(err)) return tooLargeResponse(limit);
    if (!AppError.is(err)) logger.error({ err }, "csv import failed");
    return errorResponse(err);
  }
});
