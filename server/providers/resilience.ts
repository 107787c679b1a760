import {
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
  type RetryPolicy,
  type TimeoutPolicy,
} from "cockatiel";
import { VendorCircuitOpenError, VendorTransientError } from "./errors";
import { scrub } from "./http";
import { VendorRateLimitError, VendorRequestError, type ProviderId } from "./types";

/**
 * Per-provider resilience: every HTTP request an adapter makes goes through `execute`, which stacks
 *
 *   retry (exponential backoff + jitter; waits Retry-After on 429)
 *     └─ circuit breaker (N consecutive transient failures → open, half-open probe after a pause)
 *          └─ token bucket (request budget per minute, shared by all calls of this provider)
 *               └─ timeout (per attempt, aborts the fetch)
 *
 * Only transient failures (network, timeout, 5xx) are retried and counted by the breaker.
 * VendorRequestError / VendorPayloadError pass straight through: the same request would fail again.
 * A 429 is retried after its Retry-After (bounded by maxRetryAfterMs) and pauses the bucket so that
 * concurrent calls of the same provider wait too; it does not trip the breaker (the vendor is up).
 *
 * State (breaker, last success/error, counters) is kept here and pushed to `onStateChange`
 * listeners, so the caller can persist it (provider_state table) and export metrics.
 */

export interface ResilienceOptions {
  /** Per-attempt timeout, including reading the body. Default 15 s. */
  timeoutMs?: number;
  /** Retries after the first attempt (transient failures and short rate limits). Default 3. */
  retries?: number;
  /** First backoff delay; doubles per retry, with jitter. Default 250 ms. */
  backoffInitialMs?: number;
  /** Backoff ceiling. Default 10 s. */
  backoffMaxMs?: number;
  /** Longest Retry-After we wait for in-process; longer waits surface as VendorRateLimitError. Default 30 s. */
  maxRetryAfterMs?: number;
  /**
   * Wait after a 429 that carried no retry hint (Yahoo, Polygon), times the attempt number and
   * capped at maxRetryAfterMs; a plain backoff would just hit the limit again. Default 5 s.
   */
  rateLimitFallbackMs?: number;
  /** Consecutive transient failures that open the breaker. Default 5. */
  breakerThreshold?: number;
  /** How long the breaker stays open before a half-open probe. Default 30 s. */
  breakerHalfOpenAfterMs?: number;
  /** Request budget (token bucket refill rate). null/undefined = unlimited. */
  requestsPerMinute?: number | null;
  /** Bucket capacity (burst). Default: 10 seconds' worth of requests, at least 1. */
  burst?: number;
  /** Values scrubbed from recorded error texts (API keys). */
  secrets?: readonly string[];
  /** Jitter source, [0, 1). Default Math.random. */
  random?: () => number;
  /** Clock for state timestamps and the bucket. Default Date.now. */
  now?: () => number;
}

export type BreakerState = "closed" | "open" | "half-open";

export interface ProviderState {
  provider: ProviderId;
  breaker: BreakerState;
  /** When the breaker will allow a probe (epoch ms), while open. */
  breakerOpenUntil: number | null;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  /** Sanitised message of the last failed attempt (never contains API keys). */
  lastError: string | null;
  /** Failed attempts since the last success (VendorRequestError is not a health signal and is not counted). */
  consecutiveFailures: number;
  /** HTTP requests sent (every attempt, including retries and pages). */
  requests: number;
  /** Retries scheduled. */
  retries: number;
  /** Responses that were rate limits (429/418). */
  rateLimited: number;
  /** Total time spent waiting for the token bucket, ms. */
  throttledMs: number;
}

export type ProviderStateEvent = "success" | "failure" | "rate-limited" | "breaker";
export type ProviderStateListener = (state: ProviderState, event: ProviderStateEvent) => void;

export interface ProviderResilience {
  readonly provider: ProviderId;
  /**
   * Run one HTTP exchange under the policy. `fn` gets the attempt's AbortSignal (timeout or caller
   * abort) and should throw the typed vendor errors. Throws VendorCircuitOpenError when the
   * breaker is open, and the caller's abort reason when `signal` aborts.
   */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  getState(): ProviderState;
  /** Subscribe to state changes; returns an unsubscribe function. */
  onStateChange(listener: ProviderStateListener): () => void;
}

const DEFAULTS = {
  timeoutMs: 15_000,
  retries: 3,
  backoffInitialMs: 250,
  backoffMaxMs: 10_000,
  maxRetryAfterMs: 30_000,
  rateLimitFallbackMs: 5_000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
} as const;

/** Sleep that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Token bucket: `ratePerMinute` tokens per minute, at most `capacity` stored. Waiters are served
 * in FIFO order. `pauseUntil` blocks everyone (used when the vendor said Retry-After).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerMinute: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerMinute > 0)) throw new RangeError(`requestsPerMinute must be > 0, got ${ratePerMinute}`);
    if (!(capacity >= 1)) throw new RangeError(`burst must be >= 1, got ${capacity}`);
    this.tokens = capacity;
    this.last = now();
  }

  /** Wait for one token; resolves with the time waited (ms). */
  take(signal?: AbortSignal): Promise<number> {
    const started = this.now();
    const p = this.queue.then(() => this.waitForToken(signal)).then(() => this.now() - started);
    // Keep the chain alive when one waiter aborts.
    this.queue = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  pauseUntil(ts: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, ts);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.ratePerMinute) / 60_000);
    this.last = t;
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const blocked = this.blockedUntil - this.now();
      if (blocked > 0) {
        await sleep(blocked, signal);
        continue;
      }
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) * 60_000) / this.ratePerMinute), signal);
    }
  }
}

function mapBreaker(s: CircuitState): BreakerState {
  if (s === CircuitState.Closed) return "closed";
  if (s === CircuitState.HalfOpen) return "half-open";
  return "open"; // Open and Isolated
}

/** Build the resilience policy and state holder for one provider. */
export function createResilience(provider: ProviderId, options: ResilienceOptions = {}): ProviderResilience {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const secrets = options.secrets ?? [];
  const listeners = new Set<ProviderStateListener>();

  const state: ProviderState = {
    provider,
    breaker: "closed",
    breakerOpenUntil: null,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    requests: 0,
    retries: 0,
    rateLimited: 0,
    throttledMs: 0,
  };

  const emit = (event: ProviderStateEvent) => {
    const snapshot = { ...state };
    for (const l of listeners) {
      try {
        l(snapshot, event);
      } catch {
        // A failing listener (e.g. the DB write) must never break market-data requests.
      }
    }
  };

  const rpm = options.requestsPerMinute ?? null;
  const bucket = rpm ? new TokenBucket(rpm, options.burst ?? Math.max(1, Math.ceil(rpm / 6)), now) : null;

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  const backoffDelay = (attempt: number): number => {
    const base = Math.min(o.backoffMaxMs, o.backoffInitialMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(base / 2 + random() * (base / 2));
  };

  const isTransient = (err: unknown) => err instanceof VendorTransientError;
  const shouldRetry = (err: unknown): boolean => {
    if (isTransient(err)) return true;
    if (err instanceof VendorRateLimitError) return (err.retryAfterMs ?? 0) <= o.maxRetryAfterMs;
    return false;
  };

  const retryPolicy: RetryPolicy = retry(handleWhen(shouldRetry), {
    maxAttempts: o.retries,
    backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
      const err = "error" in ctx.result ? ctx.result.error : null;
      if (err instanceof VendorRateLimitError) {
        if (err.retryAfterMs !== null) return err.retryAfterMs;
        const base = Math.min(o.maxRetryAfterMs, o.rateLimitFallbackMs * ctx.attempt);
        return Math.round(base * (0.75 + random() * 0.25));
      }
      return backoffDelay(ctx.attempt);
    }),
  });
  retryPolicy.onRetry(() => {
    state.retries++;
  });

  const breakerPolicy: CircuitBreakerPolicy = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: o.breakerHalfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breakerThreshold),
  });
  breakerPolicy.onStateChange((s) => {
    state.breaker = mapBreaker(s);
    state.breakerOpenUntil = state.breaker === "open" ? now() + o.breakerHalfOpenAfterMs : null;
    emit("breaker");
  });

  const timeoutPolicy: TimeoutPolicy = timeout(o.timeoutMs, TimeoutStrategy.Aggressive);

  const describe = (err: unknown): string => {
    const text = err instanceof Error ? (err.name.startsWith("Vendor") ? err.message : `${err.name}: ${err.message}`) : String(err);
    return scrub(text, { secrets, secretParams: ["apiKey", "apikey", "api_key", "token"] });
  };

  const recordSuccess = () => {
    state.lastSuccessAt = now();
    state.consecutiveFailures = 0;
    emit("success");
  };

  const recordFailure = (err: unknown) => {
    state.lastErrorAt = now();
    state.lastError = describe(err);
    if (err instanceof VendorRateLimitError) {
      state.rateLimited++;
      state.consecutiveFailures++;
      if (bucket && err.retryAfterMs !== null) bucket.pauseUntil(now() + err.retryAfterMs);
      emit("rate-limited");
      return;
    }
    if (!(err instanceof VendorRequestError)) state.consecutiveFailures++;
    emit("failure");
  };

  /** One attempt: budget, then the request under a timeout. */
  const attempt = async <T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> => {
    if (signal.aborted) throw signal.reason;
    if (bucket) state.throttledMs += await bucket.take(signal);
    state.requests++;
    try {
      const value = await timeoutPolicy.execute(({ signal: attemptSignal }) => fn(attemptSignal), signal);
      recordSuccess();
      return value;
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err; // the caller gave up: not a vendor failure
      const e = isTaskCancelledError(err) ? new VendorTransientError(provider, null, `request timed out after ${o.timeoutMs} ms`) : err;
      recordFailure(e);
      throw e;
    }
  };

  return {
    provider,
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
      try {
        return await retryPolicy.execute(
          ({ signal: s1 }) => breakerPolicy.execute(({ signal: s2 }) => attempt(fn, s2), s1),
          signal,
        );
      } catch (err) {
        if (isBrokenCircuitError(err)) {
          const until = state.breakerOpenUntil;
          throw new VendorCircuitOpenError(provider, until === null ? null : until - now(), state.lastError);
        }
        throw err;
      }
    },
    getState: () => ({ ...state }),
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
