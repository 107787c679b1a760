/**
 * Domain errors. Code that fails for a reason a caller should know about throws AppError;
 * the tRPC error formatter maps the code to a transport status in one place.
 */
export const APP_ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "TOO_MANY_REQUESTS",
  "UNPROCESSABLE",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppErrorOptions {
  /** Technical message for logs. */
  message?: string;
  /** Safe message to show to the user. */
  userMessage?: string;
  /** Seconds after which a throttled call may be retried. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: AppErrorCode, opts: AppErrorOptions = {}) {
    super(opts.message ?? opts.userMessage ?? code, { cause: opts.cause });
    this.code = code;
    this.userMessage = opts.userMessage ?? opts.message ?? code;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  static is(err: unknown): err is AppError {
    return err instanceof AppError || (err instanceof Error && err.name === "AppError" && "code" in err);
  }
}
