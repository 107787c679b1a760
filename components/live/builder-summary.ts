import { fmtInt } from "@/components/ui/format";

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The bar builder's status in a line: state, backlog, work done and its bar-close timing (its own
 * measurement of the newest closes), from the `details` that live.status passes through.
 */
export function builderSummary(state: string, d: Readonly<Record<string, string | number | boolean | null>>): string {
  const parts = [state];
  const pending = num(d.pending);
  const prints = num(d.processedTicks);
  if (pending !== null) parts.push(`${fmtInt(pending)} entries pending`);
  if (prints !== null) parts.push(`${fmtInt(prints)} prints applied`);
  const p50 = num(d.closeP50Ms);
  const p99 = num(d.closeP99Ms);
  const n = num(d.closeSamples);
  if (p50 !== null && p99 !== null && n !== null) parts.push(`bar close p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (last ${fmtInt(n)} closes)`);
  return parts.join(" · ");
}
