// The npm mirror this project is developed against lacks a few platform-specific optional packages
// (macOS/Windows/ARM builds of @next/swc and msgpackr-extract). npm then leaves them out of
// package-lock.json and `npm ci` refuses the lock. This records them as optional entries with their
// os/cpu, exactly as npm does with the full registry, so `npm ci` works here and elsewhere.
// Run after any `npm install` that rewrites the lock: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const PLATFORM = {
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "linux-arm": { os: ["linux"], cpu: ["arm"] },
  "linux-arm64": { os: ["linux"], cpu: ["arm64"] },
  "win32-x64": { os: ["win32"], cpu: ["x64"] },
  "win32-arm64": { os: ["win32"], cpu: ["arm64"] },
};
let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (lock.packages[at] || lock.packages[`${key}/${at}`]) continue;
    const m = dep.match(/-(darwin-arm64|darwin-x64|linux-arm64|linux-arm|win32-x64|win32-arm64)(-msvc)?$/);
    if (!m) continue;
    lock.packages[at] = { version, ...PLATFORM[m[1]], optional: true };
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} platform entries`);
