import { createSimulator } from "@/lib/sim";
import { checkBars } from "@/lib/quality/check-bars";
import { calendarForAsset } from "@/lib/calendar";
import { aggregate } from "@/lib/bars/aggregate";
import { higherTimeframes } from "@/lib/bars/timeframe";
import { sliceColumns } from "@/lib/bars/columns";
import { encodeBarTuples } from "@/server/services/bars/copy-binary";
const sim = createSimulator({ seed: 11, symbols: 10, start: "2023-01-01", end: "2024-12-31" });
const batches = Array.from({ length: 10 }, (_, i) => ({ symbol: sim.symbol(i).symbol, bars: sliceColumns(sim.minute(i, Date.parse("2023-01-03"), Date.parse("2024-12-31")), 0, 20000) }));
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  for (const b of batches) checkBars(b.bars, { timeframe: "1m", calendar: calendarForAsset("stock"), now: Date.parse("2030-01-01") });
  const tc = performance.now() - t;
  t = performance.now();
  for (const b of batches) { let a = b.bars; for (const tf of higherTimeframes("1m")) a = aggregate(a, tf); }
  const ta = performance.now() - t;
  t = performance.now();
  let bytes = 0;
  for (const chunk of encodeBarTuples(batches, "sim")) bytes += chunk.length;
  const te = performance.now() - t;
  console.log(`check ${tc.toFixed(0)} ms, aggregate ${ta.toFixed(0)} ms, encode ${te.toFixed(0)} ms (${bytes} bytes)`);
}
