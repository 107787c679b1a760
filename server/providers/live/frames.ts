import { z } from "zod";
import { formatPath } from "../http";

/** Helpers the live protocols share to validate inbound frames. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** JSON.parse that reports what was wrong instead of throwing. */
export function parseJsonFrame(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const what = text.trim() === "" ? "an empty frame" : /^\s*</.test(text) ? "an HTML/XML page" : "malformed JSON";
    return { ok: false, reason: `expected JSON, got ${what}` };
  }
}

/** zod safeParse with the first issues as one short reason ("at p: expected number"). */
export function validate<S extends z.ZodType>(schema: S, data: unknown, what: string): Parsed<z.output<S>> {
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.slice(0, 2).map((i) => `at ${formatPath(i.path)}: ${i.message}`);
  return { ok: false, reason: `${what}: ${issues.join("; ")}${r.error.issues.length > 2 ? ` (+${r.error.issues.length - 2} more)` : ""}` };
}

/** Decimal strings as Binance sends them ("0.00100000"); one out of float range ("1e400") is refused. */
export const ZDecimalString = z
  .string()
  .regex(/^\d+(\.\d+)?([eE][-+]?\d+)?$/, "expected a non-negative decimal string")
  .transform(Number)
  .pipe(z.number().finite("expected a finite number"));

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 timestamp with up to nanosecond precision → epoch ms (fraction truncated, so a print
 * stays in the millisecond, and thus the bar, it happened in). Null when it is not one.
 * Date.parse is not used: engines differ on more than 3 fractional digits.
 */
export function rfc3339ToMs(s: string): number | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMin = 0;
  const tz = m[8]!;
  if (tz !== "Z" && tz !== "z") {
    const sign = tz[0] === "-" ? -1 : 1;
    offsetMin = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(sec, 59), ms) - offsetMin * 60_000;
  // Reject dates that rolled over (2021-02-30).
  if (new Date(t + offsetMin * 60_000).getUTCDate() !== d) return null;
  return t;
}

export const ZRfc3339Ms = z.string().transform((s, ctx) => {
  const t = rfc3339ToMs(s);
  if (t === null) {
    ctx.addIssue({ code: "custom", message: `expected an RFC 3339 timestamp, got ${JSON.stringify(s).slice(0, 40)}` });
    return z.NEVER;
  }
  return t;
});

export const ZPrice = z.number().finite().positive();
export const ZSize = z.number().finite().nonnegative();
