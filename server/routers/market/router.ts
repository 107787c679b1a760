import { router } from "../../trpc";
import { barsRouter, indicatorsRouter } from "./bars";
import { ingestionRouter } from "./ingestion";
import { qualityRouter } from "./quality";
import { symbolsRouter } from "./symbols";

export const marketRouter = router({
  symbols: symbolsRouter,
  bars: barsRouter,
  indicators: indicatorsRouter,
  ingestion: ingestionRouter,
  quality: qualityRouter,
});
