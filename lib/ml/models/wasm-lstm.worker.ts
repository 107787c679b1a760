/**
 * Worker thread of ParallelWasmLstm: one WebAssembly SIMD LSTM kernel. Holds the shared dataset (features,
 * sample end rows, targets) and answers { op: "data" | "grad" | "predict" } messages; windows are gathered
 * straight into the kernel's memory.
 */
import { parentPort, workerData } from "node:worker_threads";
import { WASM_LSTM_BACKEND, WasmLstm } from "../kernels/lstm-kernel";
import type { TFastLstmShape } from "./fast-lstm";

type Msg =
  | { id: number; op: "data"; source: Float32Array; end: Int32Array; y: Float32Array }
  | { id: number; op: "grad" | "predict"; params: Float32Array; idx: Int32Array };

const port = parentPort!;
const { shape } = workerData as { shape: TFastLstmShape };
let data: { source: Float32Array; end: Int32Array; y: Float32Array } | null = null;

/** Windows (and targets) of samples idx into the kernel's input buffers (same as gatherWindows). */
function gather(kernel: WasmLstm, idx: Int32Array, targets: boolean): void {
  if (!data) throw new Error("no dataset: call useDataset first");
  const { window: W, features: F } = shape;
  const len = W * F;
  const io = kernel.inputs(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const e = data.end[idx[i]!]!;
    io.x.set(data.source.subarray((e - W + 1) * F, (e + 1) * F), i * len);
    if (targets) io.y[i] = data.y[idx[i]!]!;
  }
}

try {
  const kernel = await WasmLstm.create(shape);
  port.on("message", (m: Msg) => {
    try {
      if (m.op === "data") {
        data = { source: m.source, end: m.end, y: m.y };
        port.postMessage({ id: m.id });
      } else if (m.op === "grad") {
        gather(kernel, m.idx, true);
        const r = kernel.lossAndGradsInPlace(m.params, m.idx.length);
        port.postMessage({ id: m.id, sse: r.sse, grads: r.grads }, [r.grads.buffer as ArrayBuffer]);
      } else {
        gather(kernel, m.idx, false);
        const p = kernel.predictInPlace(m.params, m.idx.length);
        port.postMessage({ id: m.id, pred: p }, [p.buffer as ArrayBuffer]);
      }
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  port.postMessage({ ready: WASM_LSTM_BACKEND });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
