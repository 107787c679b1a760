import { inject } from "vitest";

// Point the server's env at this run's database, the real Redis and a private queue prefix.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");
process.env.QUEUE_PREFIX = inject("queuePrefix");
process.env.AUTH_SECRET ??= "integration-test-secret-0123456789abcdef";
process.env.LOG_LEVEL ??= "warn";
Object.assign(process.env, { NODE_ENV: "test" });
