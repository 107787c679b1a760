/**
 * A separate reader process for bench/live.ts (the web's hub is its own process in production): reads
 * the given bar-event streams from the start and prints one line per closed 1m bar: "<bar ts> <receive
 * time>" (epoch ms with sub-ms precision: performance.timeOrigin + performance.now()). Stops on SIGTERM.
 * With a third argument "ticks" the keys are tick streams instead, and each clock-only entry (a bucket
 * end) counts as the close of the minute before it: the one-hand-off floor (writer → Redis → reader).
 */
import { PerformanceObserver } from "node:perf_hooks";
import { Redis } from "ioredis";
import { decodeEntry } from "../server/services/live/tick-stream";

const [url, keysJson, mode] = process.argv.slice(2);
const ticks = mode === "ticks";
const keys = JSON.parse(keysJson!) as string[];
const r = new Redis(url!, { maxRetriesPerRequest: null });
const last = new Map(keys.map((k) => [k, "0"]));
let stop = false;
process.on("SIGTERM", () => (stop = true));
// This process's collections ("gc <start> <duration>", epoch ms): a pause here delays a receipt.
const gcObserver = new PerformanceObserver((list) => {
  let out = "";
  for (const e of list.getEntries()) out += `gc ${performance.timeOrigin + e.startTime} ${e.duration}\n`;
  process.stdout.write(out);
});
gcObserver.observe({ entryTypes: ["gc"] });
process.stdout.write("ready\n");
while (!stop) {
  const res = (await r.xread("COUNT", 1000, "BLOCK", 100, "STREAMS", ...last.keys(), ...last.values())) as [string, [string, string[]][]][] | null;
  const now = performance.timeOrigin + performance.now();
  let out = "";
  for (const [key, entries] of res ?? []) {
    for (const [id, fields] of entries) {
      last.set(key, id);
      if (ticks) {
        const e = decodeEntry(id, fields);
        if (e.receivedAt === null) out += `${e.clock - 60_000} ${now}\n`;
        continue;
      }
      const ev = JSON.parse(fields[1]!) as { bars: { tf: string; ts: number; status: string }[] };
      for (const b of ev.bars) if (b.tf === "1m" && b.status === "closed") out += `${b.ts} ${now}\n`;
    }
  }
  if (out) process.stdout.write(out);
}
gcObserver.disconnect();
r.disconnect();
