/**
 * `npm test`: every suite, in order, against the machine's real services.
 *   lint + typecheck → vitest (unit + int) → next build → Playwright e2e (real Chromium)
 * Ends with one line: `Tests: N passed, N failed` (a failed check or a crashed suite counts as a failure).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const ROOT = process.cwd();
const OUT = path.join(ROOT, ".test-results");
const only = new Set(process.argv.slice(2)); // e.g. `npm test -- unit int`
const want = (s: string) => only.size === 0 || only.has(s);

interface Tally {
  suite: string;
  passed: number;
  failed: number;
  note?: string;
}
const tallies: Tally[] = [];

function run(cmd: string, args: string[], env: Record<string, string> = {}): number {
  const bin = path.join(ROOT, "node_modules", ".bin", cmd);
  const r = spawnSync(existsSync(bin) ? bin : cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function portOpen(url: string, fallbackPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || fallbackPort) });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const pgUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  if (!(await portOpen(pgUrl, 5432)) || !(await portOpen(redisUrl, 6379))) {
    process.stderr.write(
      `PostgreSQL (${new URL(pgUrl).host}) or Redis (${new URL(redisUrl).host}) is not reachable.\n` +
        "Start them (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;\n" +
        '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no)\n' +
        "or set TEST_DATABASE_URL / TEST_REDIS_URL.\n",
    );
    tallies.push({ suite: "services", passed: 0, failed: 1, note: "services unreachable" });
    return;
  }

  if (want("lint")) {
    const lint = run("eslint", ["."]);
    tallies.push({ suite: "lint", passed: lint === 0 ? 1 : 0, failed: lint === 0 ? 0 : 1 });
    const tsc = run("tsc", ["--noEmit", "-p", "tsconfig.json"]);
    tallies.push({ suite: "typecheck", passed: tsc === 0 ? 1 : 0, failed: tsc === 0 ? 0 : 1 });
  }

  // TA-Lib as a test oracle for lib/indicators (built once into .oracle/, never used at run time).
  if (want("unit")) {
    const oracle = spawnSync(process.execPath, [path.join(ROOT, "scripts", "talib-oracle.mjs")], { stdio: "inherit" });
    if (oracle.status !== 0) process.stderr.write("warning: the TA-Lib oracle could not be built; its comparison tests will fail under CI\n");
  }

  for (const project of ["unit", "int"] as const) {
    if (!want(project)) continue;
    const file = path.join(OUT, `${project}.json`);
    const code = run("vitest", ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
    const r = readJson<{ numPassedTests: number; numFailedTests: number }>(file);
    if (r) tallies.push({ suite: project, passed: r.numPassedTests, failed: r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0) });
    else tallies.push({ suite: project, passed: 0, failed: 1, note: `vitest exited ${code} without a report` });
  }

  if (want("e2e")) {
    const build = run("next", ["build"]);
    if (build !== 0) {
      tallies.push({ suite: "build", passed: 0, failed: 1, note: "next build failed; e2e not run" });
    } else {
      const file = path.join(OUT, "e2e.json");
      const code = run("playwright", ["test", "-c", "e2e/playwright.config.ts", "--reporter=list,json"], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: file,
        CI: process.env.CI ?? "",
      });
      const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(file);
      if (r) tallies.push({ suite: "e2e", passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected + (code !== 0 && r.stats.unexpected === 0 ? 1 : 0) });
      else tallies.push({ suite: "e2e", passed: 0, failed: 1, note: `playwright exited ${code} without a report` });
    }
  }
}

main()
  .catch((err) => {
    process.stderr.write(`test runner error: ${err instanceof Error ? err.stack : String(err)}\n`);
    tallies.push({ suite: "runner", passed: 0, failed: 1 });
  })
  .finally(() => {
    process.stdout.write("\n");
    for (const t of tallies) process.stdout.write(`  ${t.suite.padEnd(10)} ${t.passed} passed, ${t.failed} failed${t.note ? ` (${t.note})` : ""}\n`);
    const passed = tallies.reduce((a, t) => a + t.passed, 0);
    const failed = tallies.reduce((a, t) => a + t.failed, 0);
    process.stdout.write(`Tests: ${passed} passed, ${failed} failed\n`);
    process.exit(failed > 0 || tallies.length === 0 ? 1 : 0);
  });
