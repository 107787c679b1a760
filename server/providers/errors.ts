import { isBrokenCircuitError } from "cockatiel";
import { VendorPayloadError, VendorRateLimitError, VendorRequestError, type ProviderId } from "./types";

/**
 * Failure classes added on top of the contract in ./types. The split decides what happens next:
 *
 * | error                    | meaning                                   | retried here | breaker | worker should   |
 * |--------------------------|-------------------------------------------|--------------|---------|-----------------|
 * | VendorTransientError     | network error, timeout, HTTP 5xx          | yes, backoff | counts  | plain throw     |
 * | VendorRateLimitError     | HTTP 429 (Binance also 418)               | yes, if the wait is short | no | RateLimitError |
 * | VendorRequestError       | unknown symbol, bad request, auth refused | no           | no      | UnrecoverableError |
 * | VendorPayloadError       | changed schema, broken JSON, HTML page    | no           | no      | UnrecoverableError |
 * | VendorCircuitOpenError   | breaker open, call not attempted          | no           | -       | delay the job   |
 */

/** A failure that may go away on its own: network error, timeout or HTTP 5xx. */
export class VendorTransientError extends Error {
  override name = "VendorTransientError";
  constructor(
    readonly provider: ProviderId,
    /** HTTP status, or null for network errors and timeouts. */
    readonly status: number | null,
    message: string,
  ) {
    super(`${provider}: ${message}${status === null ? "" : ` (HTTP ${status})`}`);
  }
}

/** The provider's circuit breaker is open: the request was not sent. */
export class VendorCircuitOpenError extends Error {
  override name = "VendorCircuitOpenError";
  constructor(
    readonly provider: ProviderId,
    /** Time until the breaker lets a probe request through, when known. */
    readonly retryAfterMs: number | null,
    /** Sanitised text of the failure that opened the breaker. */
    readonly lastError: string | null,
  ) {
    super(
      `${provider}: circuit breaker open, request not sent` +
        (retryAfterMs === null ? "" : ` (probe allowed in ${Math.max(0, Math.round(retryAfterMs))} ms)`) +
        (lastError ? `; last error: ${lastError}` : ""),
    );
  }
}

export type VendorError =
  | VendorTransientError
  | VendorRateLimitError
  | VendorRequestError
  | VendorPayloadError
  | VendorCircuitOpenError;

/** True for the errors raised by the provider layer (as opposed to bugs or caller aborts). */
export function isVendorError(err: unknown): err is VendorError {
  return (
    err instanceof VendorTransientError ||
    err instanceof VendorRateLimitError ||
    err instanceof VendorRequestError ||
    err instanceof VendorPayloadError ||
    err instanceof VendorCircuitOpenError
  );
}

/** Errors that must never be retried: the same request would fail the same way. */
export function isPermanentVendorError(err: unknown): boolean {
  return err instanceof VendorRequestError || err instanceof VendorPayloadError;
}

/** Cockatiel's breaker error or ours. */
export function isCircuitOpen(err: unknown): boolean {
  return err instanceof VendorCircuitOpenError || isBrokenCircuitError(err);
}
