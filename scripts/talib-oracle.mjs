#!/usr/bin/env node
/**
 * Builds the TA-Lib oracle used by lib/indicators/talib.test.ts.
 *
 *   node scripts/talib-oracle.mjs            # build once (skips when it already loads)
 *   node scripts/talib-oracle.mjs --force    # wipe .oracle/ and rebuild
 *
 * The `talib` npm package (2.0.5) compiles TA-Lib's bundled C source, but its tarball also ships
 * stale prebuilt objects/archives (1985 mtimes, Mach-O arm64), so `make` believes everything is up
 * to date and the link fails ("archive has no index"). We therefore install it with
 * --ignore-scripts into the git-ignored folder .oracle/, delete every stale artefact, and run the
 * package's own build steps ourselves: `node src/lib/build.js` (make) and node-gyp configure+build.
 *
 * No network access beyond the npm registry: node-gyp is npm's bundled copy and the Node headers
 * come from the local installation (`--nodedir`), never from nodejs.org.
 *
 * Plain Node ESM, no dependencies. Exit code 0 = oracle available.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const ROOT = path.resolve(import.meta.dirname, "..");
const ORACLE = path.join(ROOT, ".oracle");
const PKG = path.join(ORACLE, "node_modules", "talib");
const VERSION = "2.0.5";
const force = process.argv.includes("--force");

const log = (msg) => console.log(`[talib-oracle] ${msg}`);

/** Run a command, inheriting stdio so build errors are visible. */
function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(" ")}${opts.cwd ? `   (in ${path.relative(ROOT, opts.cwd) || "."})` : ""}`);
  execFileSync(cmd, args, { stdio: "inherit", ...opts, env: { ...process.env, ...opts.env } });
}

/** True when the native addon loads and computes something sensible. */
function oracleLoads() {
  try {
    const talib = createRequire(path.join(ORACLE, "package.json"))(PKG);
    const r = talib.execute({ name: "SMA", startIdx: 0, endIdx: 2, inReal: [1, 2, 3], optInTimePeriod: 2 });
    return r.begIndex === 1 && r.result.outReal[0] === 1.5;
  } catch {
    return false;
  }
}

/** npm's bundled node-gyp (no global install, no download). */
function findNodeGyp() {
  const candidates = [];
  try {
    const npmRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
    candidates.push(path.join(npmRoot, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  } catch {}
  const nodePrefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  candidates.push(path.join(nodePrefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

/** A directory containing include/node/common.gypi for this Node version, so node-gyp never downloads headers. */
function findNodeDir() {
  const prefixes = [
    path.dirname(path.dirname(fs.realpathSync(process.execPath))),
    path.join(os.homedir(), ".cache", "node-gyp", process.versions.node),
    "/usr",
    "/usr/local",
  ];
  return prefixes.find((p) => fs.existsSync(path.join(p, "include", "node", "common.gypi"))) ?? null;
}

function rmGlob(dir, re) {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const f of fs.readdirSync(dir)) {
    if (re.test(f)) {
      fs.rmSync(path.join(dir, f), { force: true });
      n++;
    }
  }
  return n;
}

function main() {
  const t0 = performance.now();
  if (!force && oracleLoads()) {
    log(`already built: ${PKG}`);
    return;
  }
  if (force) fs.rmSync(ORACLE, { recursive: true, force: true });

  // 1. Install the package sources without running its install script.
  fs.mkdirSync(ORACLE, { recursive: true });
  fs.writeFileSync(
    path.join(ORACLE, "package.json"),
    JSON.stringify({ name: "talib-oracle", private: true, description: "TA-Lib test oracle (scripts/talib-oracle.mjs)", allowScripts: { talib: true } }, null, 2) + "\n",
  );
  if (!fs.existsSync(path.join(PKG, "package.json"))) {
    run("npm", ["install", "--prefix", ORACLE, "--ignore-scripts", "--no-audit", "--no-fund", "--no-save", `talib@${VERSION}`]);
  }

  // 2. Delete the stale, foreign-platform artefacts shipped in the tarball.
  const makeDir = path.join(PKG, "src", "lib", "make", "csr", "linux", "g++");
  try {
    run("make", ["-C", makeDir, "clean"], { stdio: ["ignore", "ignore", "inherit"] });
  } catch {
    log("make clean failed (continuing: the files are removed explicitly below)");
  }
  const removed =
    rmGlob(path.join(PKG, "src", "lib", "lib"), /\.(a|lib)$/) + rmGlob(path.join(PKG, "src", "lib", "temp", "csr"), /\.o$/);
  fs.rmSync(path.join(PKG, "build"), { recursive: true, force: true }); // Mach-O talib.node + macOS Makefiles
  log(`removed ${removed} stale objects/archives and the prebuilt build/ folder`);

  // 3. Build the TA-Lib static libraries (the package's own script runs `make` there).
  //    Sequential on purpose: the ta_func and ta_libc sub-makes compile the same sources into the same
  //    temp/csr/*.o files, so `make -j` races and corrupts objects ("file format not recognized").
  run(process.execPath, ["src/lib/build.js"], { cwd: PKG, env: { MAKEFLAGS: "" } });
  for (const lib of ["abstract", "func", "common", "libc"]) {
    const a = path.join(PKG, "src", "lib", "lib", `libta_${lib}_csr.a`);
    if (!fs.existsSync(a)) throw new Error(`TA-Lib build did not produce ${a}`);
  }

  // 4. Build the Node addon with npm's bundled node-gyp and the local Node headers.
  const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  const nodeGyp = findNodeGyp();
  const nodeDir = findNodeDir();
  const gypArgs = nodeDir ? [`--nodedir=${nodeDir}`] : [];
  if (!nodeDir) log("no local Node headers found; node-gyp may try to download them");
  if (nodeGyp) {
    run(process.execPath, [nodeGyp, "configure", ...gypArgs], { cwd: PKG });
    run(process.execPath, [nodeGyp, "build", `-j`, jobs, ...gypArgs], { cwd: PKG });
  } else {
    run("npx", ["--yes", "node-gyp", "configure", ...gypArgs], { cwd: PKG });
    run("npx", ["--yes", "node-gyp", "build", ...gypArgs], { cwd: PKG });
  }

  if (!oracleLoads()) throw new Error("talib was built but does not load / compute SMA correctly");
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${PKG}`);
}

try {
  main();
} catch (err) {
  console.error(`[talib-oracle] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
