import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GcFn = (opts?: { type?: "minor" | "major"; execution?: "sync" | "async" }) => void;

/**
 * The engine's gc function. Exposed at run time, not with node's --expose-gc: a worker thread inherits
 * the process's flags and refuses that one (BullMQ's sandboxed processors, the bar store thread).
 * Null where the engine does not allow it.
 */
function exposeGc(): GcFn | null {
  const own = (globalThis as { gc?: GcFn }).gc;
  if (typeof own === "function") return own;
  try {
    setFlagsFromString("--expose-gc");
    const fn: unknown = runInNewContext("gc");
    return typeof fn === "function" ? (fn as GcFn) : null;
  } catch {
    return null;
  }
}

/**
 * Young-generation collection at a moment of our choosing. A latency-bound loop (the bar builder) calls
 * the returned function when it has just caught up with its input and is about to wait for more: if
 * the young generation is at least `fill` full, it is collected now, while idle, instead of when the
 * next allocation overflows it, which is usually in the middle of a step (a bucket close). Collecting
 * earlier than needed costs little: a scavenge's cost is the surviving objects, not the space.
 * Returns null when no gc function is available (the caller then never collects by hand).
 */
export function createIdleScavenger(fill = 0.5, gc: GcFn | null = exposeGc()): (() => boolean) | null {
  if (!gc) return null;
  return () => {
    const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    // space_size counts both semi-spaces; what can be allocated before a scavenge is used + available.
    if (!young || young.space_used_size < fill * (young.space_used_size + young.space_available_size)) return false;
    gc({ type: "minor" });
    return true;
  };
}
