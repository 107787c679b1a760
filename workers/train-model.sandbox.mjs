// BullMQ loads sandboxed processors with a plain import() in a worker thread, where tsx's loader flags do
// not apply: load the TypeScript processor through tsx's API instead.
import { tsImport } from "tsx/esm/api";

const mod = await tsImport("./train-model.processor.ts", import.meta.url);
export default mod.default;
