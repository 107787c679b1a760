import { getHeapSpaceStatistics } from "node:v8";

/**
 * Young-generation collection at a moment of our choosing. A latency-bound loop (the bar builder) calls
 * the returned function when it has just caught up with its input and is about to wait for more: if
 * the young generation is at least `fill` full, it is collected now, while idle, instead of when the
 * next allocation overflows it, which is usually in the middle of a step (a bucket close). Collecting
 * earlier than needed costs little: a scavenge's cost is the surviving objects, not the space.
 *
 * Needs the `gc` function, i.e. node started with --expose-gc (the workers are, see scripts/start.ts
 * and ecosystem.config.cjs); returns null without it, and the caller simply never collects by hand.
 */
export function createIdleScavenger(fill = 0.5): (() => boolean) | null {
  const gc = (globalThis as { gc?: (opts?: { type?: "minor" | "major"; execution?: "sync" | "async" }) => void }).gc;
  if (typeof gc !== "function") return null;
  return () => {
    const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    // space_size counts both semi-spaces; what can be allocated before a scavenge is used + available.
    if (!young || young.space_used_size < fill * (young.space_used_size + young.space_available_size)) return false;
    gc({ type: "minor" });
    return true;
  };
}
