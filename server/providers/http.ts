import type { z } from "zod";
import { VendorTransientError } from "./errors";
import { VendorPayloadError, VendorRateLimitError, VendorRequestError, type ProviderId } from "./types";

/**
 * Shared HTTP plumbing for the vendor adapters: one GET, body read as text, and helpers that turn
 * what came back into either parsed data or one of the typed vendor errors. Nothing here retries;
 * that is resilience.ts's job, which wraps every call made through these helpers.
 *
 * Secrets (API keys) are passed in so that any text we put into an error message is scrubbed of
 * them, whatever the vendor or the network stack echoed back.
 */

export interface HttpContext {
  provider: ProviderId;
  fetch: typeof fetch;
  /** Values that must never appear in error messages (API keys, secrets). */
  secrets: readonly string[];
  /** Query parameters whose values are secrets (Polygon's apiKey). */
  secretParams?: readonly string[];
}

export interface VendorResponse {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
}

/** Default User-Agent: Yahoo in particular rejects requests without a browser-like one. */
export const DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; ml-stock-scanner/0.1)";

/**
 * GET `url` and read the whole body. Network failures become VendorTransientError; a caller abort
 * (or the timeout policy's abort) is rethrown untouched so the resilience layer can tell them apart.
 */
export async function vendorGet(
  ctx: HttpContext,
  url: string,
  init: { headers?: Record<string, string>; signal: AbortSignal },
): Promise<VendorResponse> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: "GET", headers: { accept: "application/json", ...init.headers }, signal: init.signal });
  } catch (err) {
    if (init.signal.aborted) throw init.signal.reason ?? err;
    throw new VendorTransientError(ctx.provider, null, `network error: ${scrub(describeNetworkError(err), ctx)}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (init.signal.aborted) throw init.signal.reason ?? err;
    throw new VendorTransientError(ctx.provider, res.status, `connection lost while reading the body: ${scrub(describeNetworkError(err), ctx)}`);
  }
  return { status: res.status, headers: res.headers, contentType: res.headers.get("content-type") ?? "", text };
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  const code = cause && typeof cause === "object" && "code" in cause ? String((cause as { code: unknown }).code) : null;
  const causeMsg = cause instanceof Error ? cause.message : null;
  return [err.message, code, causeMsg].filter(Boolean).join(": ");
}

/** Remove every secret (and every `apiKey=` style parameter value) from a text. */
export function scrub(text: string, ctx: Pick<HttpContext, "secrets" | "secretParams">): string {
  let out = text;
  for (const s of ctx.secrets) if (s) out = out.split(s).join("***");
  for (const p of ctx.secretParams ?? []) out = out.replace(new RegExp(`([?&]${p}=)[^&#\\s"']*`, "gi"), "$1***");
  return out;
}

/** First `n` characters of a body, on one line, for error messages. */
export function snippet(text: string, n = 120): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

/**
 * Retry-After as milliseconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns null when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Parse a body as JSON or fail with a VendorPayloadError that says what came instead. */
export function parseJsonBody(ctx: HttpContext, res: VendorResponse, what: string): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    const kind = /^\s*</.test(res.text) ? "an HTML/XML page" : res.text.trim() === "" ? "an empty body" : "malformed JSON";
    throw new VendorPayloadError(
      ctx.provider,
      `${what}: expected JSON but got ${kind} (HTTP ${res.status}, content-type "${res.contentType || "none"}"): "${scrub(snippet(res.text, 80), ctx)}"`,
    );
  }
}

/** Try to read a JSON body; null when it is not JSON (error pages, plain text). */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** `chart.result[0].timestamp` style path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(root)";
}

/**
 * Validate a payload with zod. On failure: VendorPayloadError naming the vendor, the endpoint and
 * the path of the first bad fields, e.g. `yahoo: chart: invalid payload at chart.result[0].timestamp[3]: …`.
 */
export function parsePayload<S extends z.ZodType>(ctx: HttpContext, schema: S, data: unknown, what: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `at ${formatPath(i.path)}: ${i.message}`);
  const more = r.error.issues.length > 3 ? ` (+${r.error.issues.length - 3} more)` : "";
  throw new VendorPayloadError(
    ctx.provider,
    scrub(`${what}: invalid payload ${issues.join("; ")}${more}`, ctx),
    r.error.issues.slice(0, 10).map((i) => ({ path: formatPath(i.path), code: i.code, message: i.message })),
  );
}

/**
 * The status handling every vendor shares. Returns normally only for 2xx; otherwise throws:
 * 429 (plus `rateLimitStatuses`) → VendorRateLimitError, 5xx → VendorTransientError,
 * other 4xx → VendorRequestError with the vendor's own message when `describe` finds one.
 */
export function throwForStatus(
  ctx: HttpContext,
  res: VendorResponse,
  opts: {
    now: number;
    /** Extract the vendor's error message from a JSON error body. */
    describe: (body: unknown) => string | null;
    rateLimitStatuses?: readonly number[];
    /** Vendor-specific retry hint when Retry-After is absent (e.g. Alpaca's X-RateLimit-Reset). */
    retryAfterFallback?: (res: VendorResponse) => number | null;
  },
): void {
  const { status } = res;
  if (status >= 200 && status < 300) return;
  const vendorMessage = () => {
    const body = tryJson(res.text);
    const msg = body === null ? null : opts.describe(body);
    return scrub(msg ?? (snippet(res.text, 120) || `HTTP ${status}`), ctx);
  };
  if (status === 429 || (opts.rateLimitStatuses ?? []).includes(status)) {
    const ms = parseRetryAfter(res.headers.get("retry-after"), opts.now) ?? opts.retryAfterFallback?.(res) ?? null;
    throw new VendorRateLimitError(ctx.provider, ms);
  }
  if (status >= 500) throw new VendorTransientError(ctx.provider, status, `server error: ${vendorMessage()}`);
  throw new VendorRequestError(ctx.provider, status, vendorMessage());
}

/** Encode one path segment, keeping ':' readable (Polygon's "X:BTCUSD"). */
export function pathSegment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ":");
}

/** Join a base URL and a path without doubling or losing slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
