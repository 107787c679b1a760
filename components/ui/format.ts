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

/**
 * One number format for a whole table column, so its values line up and compare at a glance: the
 * decimals give the column's median magnitude about four significant digits (at least 2, at most 6;
 * none from 100,000 up or when every value is whole), with thousands separators. `—` for a missing value.
 */
export function columnFormat(values: readonly (number | null | undefined)[]): (v: number | null | undefined) => string {
  const mags = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v) && v !== 0).map(Math.abs).sort((a, b) => a - b);
  const median = mags.length > 0 ? mags[Math.floor(mags.length / 2)]! : 10;
  const whole = mags.length > 0 && mags.every(Number.isInteger); // counts, volumes
  const decimals = whole || median >= 1e5 ? 0 : Math.max(2, Math.min(6, 3 - Math.floor(Math.log10(median))));
  const f = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return (v) => (v === null || v === undefined || !Number.isFinite(v) ? "—" : f.format(v));
}

/** One value on its own, by the same rule as columnFormat (e.g. an alert's "close=133.50 sma(20)=127.98"). */
export function fmtValue(v: number | null | undefined): string {
  return columnFormat([v])(v);
}
