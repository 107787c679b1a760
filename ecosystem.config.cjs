// PM2 production layout: `pm2 start ecosystem.config.cjs` (after `npm ci && npm run build && npm run db:migrate`).
// Each host starts the apps of its role: the web host runs `web`, the cache host `worker-ingest`,
// the ml host `worker-ml` (e.g. `pm2 start ecosystem.config.cjs --only worker-ml`).
// DATABASE_URL, REDIS_URL and AUTH_SECRET come from the host environment (never from this file).
const shared = { NODE_ENV: "production", LOG_LEVEL: process.env.LOG_LEVEL || "info" };

module.exports = {
  apps: [
    {
      name: "web",
      script: "node_modules/next/dist/bin/next",
      args: `start -p ${process.env.PORT || 3000}`,
      instances: 1,
      exec_mode: "fork",
      env: { ...shared, PROC_NAME: "web" },
      max_memory_restart: "1G",
      kill_timeout: 10000,
    },
    {
      name: "worker-ingest",
      script: "workers/index.ts",
      interpreter: "node",
      interpreter_args: "--import tsx",
      env: { ...shared, PROC_NAME: "worker-ingest", WORKER_ROLE: "ingest", METRICS_PORT: "9101" },
      kill_timeout: 35000,
      max_memory_restart: "2G",
    },
    {
      name: "worker-ml",
      script: "workers/index.ts",
      interpreter: "node",
      interpreter_args: "--import tsx",
      env: { ...shared, PROC_NAME: "worker-ml", WORKER_ROLE: "ml", METRICS_PORT: "9102" },
      kill_timeout: 35000,
      max_memory_restart: "8G",
    },
  ],
};
