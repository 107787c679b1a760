/**
 * Worker thread of ParallelFastLstm: one tfjs backend (wasm in Node) and one FastLstm; answers
 * { op: "grad" | "predict" } messages with transferred ArrayBuffers.
 */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend, tf } from "../backend";
import { FastLstm, type TFastLstmShape } from "./fast-lstm";

const port = parentPort!;
const { shape } = workerData as { shape: TFastLstmShape };
try {
  const info = await initBackend();
  const model = new FastLstm(tf, shape);
  port.on("message", (m: { id: number; op: "grad" | "predict"; params: ArrayBuffer; x: ArrayBuffer; y?: ArrayBuffer; B: number }) => {
    try {
      const params = new Float32Array(m.params);
      const x = new Float32Array(m.x);
      if (m.op === "grad") {
        const r = model.lossAndGrads(params, x, new Float32Array(m.y!), m.B);
        port.postMessage({ id: m.id, sse: r.sse, grads: r.grads.buffer }, [r.grads.buffer as ArrayBuffer]);
      } else {
        const p = model.predict(params, x, m.B);
        port.postMessage({ id: m.id, pred: p.buffer }, [p.buffer as ArrayBuffer]);
      }
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  port.postMessage({ ready: info.name });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
