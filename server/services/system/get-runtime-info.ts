import { readStorageMode, type StorageMode } from "@/db/migrate";
import { db } from "../../db";
import { appVersion } from "./version";

let cache: { at: number; mode: StorageMode } | undefined;

/** Storage mode (cached for a minute) and code version, for the UI footer. */
export async function getRuntimeInfo(): Promise<{ storageMode: StorageMode | "unknown"; version: string; gitSha: string }> {
  if (!cache || Date.now() - cache.at > 60_000) {
    try {
      cache = { at: Date.now(), mode: await readStorageMode(db().$client) };
    } catch {
      return { storageMode: "unknown", ...appVersion() };
    }
  }
  return { storageMode: cache.mode, ...appVersion() };
}
