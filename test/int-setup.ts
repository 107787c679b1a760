import { inject } from "vitest";

// Point the server's env at this run's database, the real Redis and a private queue prefix.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");
process.env.QUEUE_PREFIX = inject("queuePrefix");
process.env.AUTH_SECRET ??= "integration-test-secret-0123456789abcdef";
process.env.LOG_LEVEL ??= "warn";
// The tests' webhook receivers listen on 127.0.0.1 (and only there: 127.0.0.2 stays refused).
process.env.WEBHOOK_ALLOW_NETWORKS ??= "127.0.0.1/32";
Object.assign(process.env, { NODE_ENV: "test" });
