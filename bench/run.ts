/**
 * `npm run bench -- <name> [--quick]`: runs bench/<name>.ts. Each benchmark prints progress to stderr
 * and ONE JSON object of figures as the last line of stdout.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const [name, ...rest] = process.argv.slice(2);
const dir = import.meta.dirname;
const available = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_")).map((f) => f.slice(0, -3));
if (!name || !existsSync(path.join(dir, `${name}.ts`))) {
  process.stderr.write(`usage: npm run bench -- <name> [--quick]\navailable: ${available.join(", ")}\n`);
  process.exit(2);
}
process.argv = [process.argv[0]!, path.join(dir, `${name}.ts`), ...rest];
await import(path.join(dir, `${name}.ts`));
// A benchmark is done when its module has run: exit even if a library left a connection open
// (the full-size scan bench otherwise idled after its JSON line), once stdout has been flushed.
await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
process.exit(process.exitCode ?? 0);
