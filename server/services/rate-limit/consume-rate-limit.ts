import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/errors";
import { redis, } from "../../db";
import { serverEnv } from "../../env";

/** login: per (client address, email); login-account: per email from any address; heavy: per user. */
export type RateLimitBucket = "login" | "login-account" | "heavy";

const g = globalThis as unknown as { __mssLimiters?: Map<string, RateLimiterRedis> };

function limiter(bucket: RateLimitBucket): RateLimiterRedis {
  const env = serverEnv();
  g.__mssLimiters ??= new Map();
  const key = `${env.QUEUE_PREFIX}:${bucket}`;
  let l = g.__mssLimiters.get(key);
  if (!l) {
    l =
      bucket !== "heavy"
        ? new RateLimiterRedis({
            storeClient: redis(),
            keyPrefix: `${env.QUEUE_PREFIX}:rl:${bucket}`,
            points: bucket === "login" ? env.RATE_LIMIT_LOGIN : env.RATE_LIMIT_LOGIN_ACCOUNT,
            duration: 15 * 60,
            blockDuration: 15 * 60,
          })
        : new RateLimiterRedis({
            storeClient: redis(),
            keyPrefix: `${env.QUEUE_PREFIX}:rl:heavy`,
            points: env.RATE_LIMIT_HEAVY,
            duration: 60,
          });
    g.__mssLimiters.set(key, l);
  }
  return l;
}

export interface ConsumeRateLimitOptions {
  bucket: RateLimitBucket;
  /** Who is limited: user id, or ip + email for logins. Never a secret. */
  key: string;
}

/** Take one point from the bucket; throws AppError("TOO_MANY_REQUESTS") with Retry-After when empty. */
export async function consumeRateLimit({ bucket, key }: ConsumeRateLimitOptions): Promise<{ remaining: number }> {
  try {
    const res = await limiter(bucket).consume(key, 1);
    return { remaining: res.remainingPoints };
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new AppError("TOO_MANY_REQUESTS", {
        message: `rate limit ${bucket} exceeded for ${key}`,
        userMessage: `Too many requests. Try again in ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      });
    }
    throw new AppError("SERVICE_UNAVAILABLE", { message: "rate limiter unavailable", userMessage: "Service unavailable", cause: err });
  }
}

/** Clear a key after a successful login so honest users are not locked out by earlier typos. */
export async function resetRateLimit({ bucket, key }: ConsumeRateLimitOptions): Promise<void> {
  await limiter(bucket).delete(key);
}
