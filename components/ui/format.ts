/** Display helpers shared by pages. Times are shown in UTC, as everywhere in the product. */
export function fmtUtc(d: Date | string | number | null | undefined): string {
  if (d === null || d === undefined || d === "") return "—";
  const date = d instanceof Date ? d : new Date(d);
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export function fmtDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = Math.floor(seconds % 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}
