/**
 * Pure ML library (issue 7). See README.md. DB/BullMQ/tRPC/UI wiring lives in server/ and workers/.
 */
export { activeBackend, initBackend, ML_BACKENDS, wasmDistDir } from "./backend";
export type { BackendInfo, MlBackendName } from "./backend";
export * from "./dataset";
export * from "./splits";
export * from "./scaler";
export * from "./metrics";
export * from "./baselines";
export * from "./optim";
export * from "./train";
export * from "./io";
export * from "./models/ridge";
export * from "./models/fast-lstm";
export * from "./models/engines";
export * from "./models/layers";
export { canonicalJson, ContentHash, Rng, shuffleInPlace } from "./util";
