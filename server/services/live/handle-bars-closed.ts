import type { Timeframe } from "@/lib/bars/timeframe";
import { jobId } from "../../queues/names";
import { enqueue } from "../../queues/producers";
import { dispatchBarClose } from "../alerts/dispatch-bar-close";

/** Feature sets kept current on live bars: (set, timeframe) refreshed when a bar of that timeframe closes. */
const LIVE_FEATURE_SETS: { featureSet: string; timeframe: Timeframe }[] = [{ featureSet: "core-v1", timeframe: "1d" }];

/**
 * What follows a live bar close once the bars are stored: bar-close alert rules of that timeframe, and
 * the feature store's rows from that bar on (compute-features with `from` = the bar: only the new
 * rows are written and the scanner's latest-row cache is refreshed).
 */
export async function handleBarsClosed(closes: readonly { timeframe: Timeframe; ts: number }[]): Promise<void> {
  for (const c of closes) {
    await dispatchBarClose(c);
    for (const f of LIVE_FEATURE_SETS) {
      if (f.timeframe !== c.timeframe) continue;
      await enqueue("computeFeatures", { featureSet: f.featureSet, timeframe: f.timeframe, from: c.ts }, { jobId: jobId("compute-features-live", f.featureSet, f.timeframe, c.ts) });
    }
  }
}
