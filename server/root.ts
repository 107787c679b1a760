import { adminRouter } from "./routers/admin/router";
import { alertsRouter } from "./routers/alerts/router";
import { authRouter } from "./routers/auth/router";
import { featuresRouter } from "./routers/features/router";
import { healthRouter } from "./routers/health/router";
import { marketRouter } from "./routers/market/router";
import { scanRouter } from "./routers/scan/router";
import { systemRouter } from "./routers/system/router";
import { tokensRouter } from "./routers/tokens/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  tokens: tokensRouter,
  admin: adminRouter,
  system: systemRouter,
  market: marketRouter,
  features: featuresRouter,
  scan: scanRouter,
  alerts: alertsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
