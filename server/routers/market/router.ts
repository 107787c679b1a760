import { router } from "../../trpc";
import { barsRouter } from "./bars";
import { ingestionRouter } from "./ingestion";
import { qualityRouter } from "./quality";
import { symbolsRouter } from "./symbols";

export const marketRouter = router({
  symbols: symbolsRouter,
  bars: barsRouter,
  ingestion: ingestionRouter,
  quality: qualityRouter,
});
