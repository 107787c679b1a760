/**
 * Versioned feature sets: a fixed, ordered list of feature definitions plus a hash of the
 * definition, so stored vectors (one `real[]` per (set, symbol, ts), in set order) can always be
 * decoded and a change of definition is detectable (db `feature_sets.hash`).
 */
import { AppError } from "@/lib/errors";
import { CORE_V1_CODE_VERSION, CORE_V1_FEATURES } from "./core-v1";
import type { CsFeatureDef, FeatureDef, FeatureInfo, TsFeatureDef } from "./types";

export interface FeatureSet {
  /** Set id, e.g. "core-v1" (what storage records). */
  id: string;
  /** Code version of the formulas (part of the hash). */
  codeVersion: number;
  /** Every feature, in storage order. */
  features: readonly FeatureDef[];
  /** Names in storage order. */
  names: readonly string[];
  /** Name → position in storage order. */
  index: ReadonlyMap<string, number>;
  /** Positions of the time-series / cross-sectional features (ascending). */
  tsIndices: readonly number[];
  csIndices: readonly number[];
  /** Storage position of each cross-sectional feature's base (parallel to csIndices). */
  csBaseIndices: readonly number[];
  /** Largest lookback of the set: bars of history needed before every feature is defined. */
  maxLookback: number;
  /** Short hash (12 hex digits) of id, code version, names, kinds and lookbacks in order. */
  hash: string;
}

/** 64-bit FNV-1a of a string's UTF-8 bytes → 16 hex digits (definition-time only, not a hot path). */
export function fnv1a64(text: string): string {
  const MASK = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & MASK;
  }
  return h.toString(16).padStart(16, "0");
}

const NAME_RE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Builds a feature set and checks its invariants (unique, well-formed names; cross-sectional bases
 * are time-series features of the same set). Throws on a malformed definition (a programming error).
 */
export function defineFeatureSet(id: string, codeVersion: number, features: readonly FeatureDef[]): FeatureSet {
  const index = new Map<string, number>();
  features.forEach((f, i) => {
    if (!NAME_RE.test(f.name)) throw new Error(`${id}: feature name ${f.name} does not match ${NAME_RE}`);
    if (index.has(f.name)) throw new Error(`${id}: duplicate feature name ${f.name}`);
    if (!f.description.trim()) throw new Error(`${id}: feature ${f.name} has no description`);
    if (!Number.isInteger(f.lookback) || f.lookback < 0) throw new Error(`${id}: feature ${f.name} has an invalid lookback`);
    index.set(f.name, i);
  });
  const tsIndices: number[] = [];
  const csIndices: number[] = [];
  const csBaseIndices: number[] = [];
  features.forEach((f, i) => {
    if (f.kind === "ts") {
      tsIndices.push(i);
      return;
    }
    const b = index.get(f.base);
    if (b === undefined || features[b]!.kind !== "ts") throw new Error(`${id}: ${f.name}'s base ${f.base} is not a time-series feature of the set`);
    csIndices.push(i);
    csBaseIndices.push(b);
  });
  const signature = `${id}|code=${codeVersion}|` + features.map((f) => `${f.name}:${f.kind}:${f.lookback}`).join(";");
  return {
    id,
    codeVersion,
    features,
    names: features.map((f) => f.name),
    index,
    tsIndices,
    csIndices,
    csBaseIndices,
    maxLookback: features.reduce((m, f) => Math.max(m, f.lookback), 0),
    hash: fnv1a64(signature).slice(0, 12),
  };
}

/** Every feature set, by id. Sets are append-only: a stored set is never edited, a new id is added. */
export const FEATURE_SETS = {
  "core-v1": defineFeatureSet("core-v1", CORE_V1_CODE_VERSION, CORE_V1_FEATURES),
} as const satisfies Record<string, FeatureSet>;

export type FeatureSetId = keyof typeof FEATURE_SETS;
export const FEATURE_SET_IDS = Object.keys(FEATURE_SETS) as FeatureSetId[];
export const DEFAULT_FEATURE_SET: FeatureSetId = "core-v1";

export function isFeatureSetId(id: string): id is FeatureSetId {
  return Object.hasOwn(FEATURE_SETS, id);
}

/** The set with this id, or AppError("BAD_REQUEST") for an unknown id. Accepts a FeatureSet as is. */
export function getFeatureSet(set: string | FeatureSet = DEFAULT_FEATURE_SET): FeatureSet {
  if (typeof set !== "string") return set;
  if (!isFeatureSetId(set)) {
    throw new AppError("BAD_REQUEST", { message: `unknown feature set ${set}`, userMessage: `Unknown feature set "${set}".` });
  }
  return FEATURE_SETS[set];
}

/** Feature names in storage order. */
export function featureNames(set: string | FeatureSet = DEFAULT_FEATURE_SET): readonly string[] {
  return getFeatureSet(set).names;
}

/** Serializable metadata of every feature, in storage order. */
export function describeFeatures(set: string | FeatureSet = DEFAULT_FEATURE_SET): FeatureInfo[] {
  return getFeatureSet(set).features.map((f, index) => ({
    index,
    name: f.name,
    description: f.description,
    group: f.group,
    lookback: f.lookback,
    kind: f.kind,
    ...(f.kind === "cs" ? { base: f.base } : {}),
  }));
}

/** Definition hash of a set (what storage records next to the names). */
export function featureSetHash(set: string | FeatureSet = DEFAULT_FEATURE_SET): string {
  return getFeatureSet(set).hash;
}

export type { CsFeatureDef, FeatureDef, TsFeatureDef };
