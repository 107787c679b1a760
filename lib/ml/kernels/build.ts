/**
 * Compiles lstm.as (AssemblyScript) to lstm.wasm beside it and records the source hash in
 * lstm.build.json (a unit test checks that the committed binary was built from the current source).
 * Run with `npm run build:wasm`; tests and the app only read the committed .wasm.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import asc from "assemblyscript/asc";

const KERNEL_SOURCE = new URL("./lstm.as", import.meta.url);
const KERNEL_BINARY = new URL("./lstm.wasm", import.meta.url);
const KERNEL_MANIFEST = new URL("./lstm.build.json", import.meta.url);

/** Flags passed to asc (also recorded in the manifest). */
const ASC_FLAGS = ["-O3", "--runtime", "stub", "--noAssert", "--enable", "simd", "--use", "abort="];

const source = await readFile(KERNEL_SOURCE, "utf8");
// asc resolves entries by a .ts name; the source is kept as .as so that tsc and eslint skip it.
let binary: Uint8Array | null = null;
const result = await asc.main(["lstm.ts", ...ASC_FLAGS, "--outFile", "lstm.wasm", ...process.argv.slice(2)], {
  readFile: (name) => (name === "lstm.ts" ? source : null),
  writeFile: async (name, contents) => {
    if (name === "lstm.wasm") {
      binary = typeof contents === "string" ? new TextEncoder().encode(contents) : contents;
      await writeFile(KERNEL_BINARY, binary);
    } else if (name.endsWith(".wat")) await writeFile(new URL(`./${name}`, import.meta.url), contents);
  },
  listFiles: () => [],
});
if (result.error || !binary) {
  process.stderr.write(String(result.stderr));
  throw result.error ?? new Error("asc wrote no lstm.wasm");
}
const sha256 = createHash("sha256").update(source).digest("hex");
const wasmSha256 = createHash("sha256").update(binary).digest("hex");
const manifest = { source: "lstm.as", sha256, wasmSha256, asc: asc.version, flags: ASC_FLAGS };
await writeFile(KERNEL_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
process.stderr.write(`wrote ${KERNEL_BINARY.pathname} (source ${sha256.slice(0, 12)})\n`);
