/**
 * TF.js backend selection, one code path: `tensorflow` (@tensorflow/tfjs-node, optional dependency,
 * native) → `wasm` (@tensorflow/tfjs-backend-wasm, SIMD, single-threaded in Node) → `cpu` (plain JS,
 * last resort). The active backend is returned and logged; runs record it.
 *
 * Known limits of wasm: Conv1D has no registered backprop kernel, `tanh` is scalar (slow) while `sigmoid`
 * is vectorised, transposed matMul operands are ~10× slower than plain ones (see models/fast-lstm.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import path from "node:path";

export type MlBackendName = "tensorflow" | "wasm" | "cpu";
export const ML_BACKENDS: readonly MlBackendName[] = ["tensorflow", "wasm", "cpu"];

export interface BackendInfo {
  name: MlBackendName;
  /** Why the faster backends were skipped (empty when the first one loaded). */
  skipped: { name: MlBackendName; reason: string }[];
}

let active: Promise<BackendInfo> | null = null;

async function tryNode(): Promise<void> {
  // A variable specifier keeps bundlers and tsc from resolving the optional package.
  const spec = "@tensorflow/tfjs-node";
  await import(/* @vite-ignore */ spec);
  if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node loaded but the tensorflow backend did not initialise");
}

/** Directory (with a trailing separator) holding tfjs-backend-wasm's .wasm binaries. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve("@tensorflow/tfjs-backend-wasm");
  // main is …/tfjs-backend-wasm/dist/tf-backend-wasm.node.js (or similar): the binaries sit beside it.
  return path.dirname(main) + path.sep;
}

let wasmPathsSet = false;
async function tryWasm(): Promise<void> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  if (!wasmPathsSet) {
    wasm.setWasmPaths(wasmDistDir());
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend did not initialise");
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend("cpu"))) throw new Error("cpu backend did not initialise");
}

const LOADERS: Record<MlBackendName, () => Promise<void>> = { tensorflow: tryNode, wasm: tryWasm, cpu: tryCpu };

/**
 * Activates the fastest backend that loads (once per process; later calls return the same result).
 * `prefer` restricts/reorders the candidates (e.g. ["cpu"] in a test). `log` receives one line.
 */
export function initBackend(opts: { prefer?: readonly MlBackendName[]; log?: (line: string) => void } = {}): Promise<BackendInfo> {
  if (active && !opts.prefer) return active;
  const order = opts.prefer ?? ML_BACKENDS;
  const run = (async (): Promise<BackendInfo> => {
    const skipped: BackendInfo["skipped"] = [];
    for (const name of order) {
      try {
        await LOADERS[name]();
        await tf.ready();
        const info = { name, skipped };
        opts.log?.(`[ml] tfjs backend: ${name}${skipped.length ? ` (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")})` : ""}`);
        return info;
      } catch (err) {
        skipped.push({ name, reason: err instanceof Error ? err.message.split("\n")[0]! : String(err) });
      }
    }
    throw new Error(`no tfjs backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
  })();
  if (!opts.prefer) active = run;
  return run;
}

/** The backend currently active in tfjs (after initBackend). */
export function activeBackend(): string {
  return tf.getBackend();
}

export { tf };
