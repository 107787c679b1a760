import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { serverEnv } from "../../env";

let cached: { version: string; gitSha: string } | undefined;

/** Package version and git sha of the running code (GIT_SHA env, else `git rev-parse`). */
export function appVersion(): { version: string; gitSha: string } {
  if (cached) return cached;
  let version = "0.0.0";
  try {
    version = (JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version: string }).version;
  } catch {}
  let gitSha = serverEnv().GIT_SHA ?? "";
  if (!gitSha) {
    try {
      gitSha = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      gitSha = "unknown";
    }
  }
  cached = { version, gitSha };
  return cached;
}
