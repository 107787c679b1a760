/**
 * Labels read the future; features must not. Scans the source of every lib/features file (tests
 * included) and fails if any imports lib/labels, statically, dynamically or via require.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const DIR = import.meta.dirname;
const IMPORT_OF_LABELS = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s*)["'`][^"'`]*\blabels\b[^"'`]*["'`]/m;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

describe("lib/features does not import lib/labels", () => {
  it("the pattern recognises every import form", () => {
    for (const line of ['import { x } from "@/lib/labels";', "export * from '../labels/forward-return';", 'const m = await import("@/lib/labels");', 'require("../labels")', 'import "@/lib/labels/registry";']) {
      expect(IMPORT_OF_LABELS.test(line), line).toBe(true);
    }
    expect(IMPORT_OF_LABELS.test('import { rsi } from "@/lib/indicators";')).toBe(false);
  });

  it("no source file under lib/features imports it", () => {
    const files = sources(DIR);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((f) => path.basename(f) !== "no-labels-import.test.ts" && IMPORT_OF_LABELS.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => path.relative(DIR, f))).toEqual([]);
  });
});
