import { adminRouter } from "./routers/admin/router";
import { alertsRouter } from "./routers/alerts/router";
import { authRouter } from "./routers/auth/router";
import { barsRouter } from "./routers/bars/router";
import { featuresRouter } from "./routers/features/router";
import { healthRouter } from "./routers/health/router";
import { liveRouter } from "./routers/live/router";
import { marketRouter } from "./routers/market/router";
import { modelsRouter } from "./routers/models/router";
import { scanRouter } from "./routers/scan/router";
import { systemRouter } from "./routers/system/router";
import { tokensRouter } from "./routers/tokens/router";
import { watchlistRouter } from "./routers/watchlist/router";
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
  bars: barsRouter,
  live: liveRouter,
  watchlist: watchlistRouter,
  models: modelsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
