/**
 * The scan catalog: which names exist besides the built-in vocabulary. Indicators come from the
 * indicator registry (lib/indicators/registry.ts), features from one feature set (lib/features).
 * A catalog is plain data built once; `DEFAULT_SCAN_CATALOG` is core-v1 plus every indicator.
 */
import { describeFeatures, type FeatureInfo, type FeatureSet } from "@/lib/features";
import { INDICATOR_IDS, getIndicator, type IndicatorDef } from "@/lib/indicators/registry";
import { IDENT_RE, ML_COLUMNS, OHLCV_FIELDS, SCAN_FUNCTIONS } from "./ast";

export interface ScanCatalog {
  /** Indicator id → definition (params spec, outputs, parseParams, lookback). */
  readonly indicators: ReadonlyMap<string, IndicatorDef>;
  /** Feature name → metadata (lookback, description). */
  readonly features: ReadonlyMap<string, FeatureInfo>;
  /** Id of the feature set the feature names belong to (what the executor loads). */
  readonly featureSet: string;
}

/** Words of the text form that can never be names (matched case-insensitively). */
export const SCAN_KEYWORDS = ["and", "or", "not", "where", "sort", "by", "asc", "desc", "limit", "universe", "timeframe", "in"] as const;

export interface CreateScanCatalogOptions {
  featureSet?: string | FeatureSet;
  /** Indicator definitions (default: every registry indicator). */
  indicators?: readonly IndicatorDef[];
}

/**
 * Builds a catalog and checks that no indicator id or feature name collides with a field, a
 * function, a reserved ML column or a keyword (a programming error: throws).
 */
export function createScanCatalog(opts: CreateScanCatalogOptions = {}): ScanCatalog {
  const featureSet = opts.featureSet ?? "core-v1";
  const infos = describeFeatures(featureSet);
  const defs = opts.indicators ?? INDICATOR_IDS.map((id) => getIndicator(id));
  const builtins = new Set<string>([...OHLCV_FIELDS, ...ML_COLUMNS, ...SCAN_FUNCTIONS]);
  const keywords = new Set<string>(SCAN_KEYWORDS);
  const taken = new Set<string>(builtins);
  const check = (name: string, what: string) => {
    if (!IDENT_RE.test(name)) throw new Error(`scan catalog: ${what} ${name} is not an identifier`);
    if (taken.has(name) || keywords.has(name.toLowerCase())) throw new Error(`scan catalog: ${what} ${name} collides with another name`);
    taken.add(name);
  };
  const indicators = new Map<string, IndicatorDef>();
  for (const d of defs) {
    check(d.id, "indicator");
    indicators.set(d.id, d);
  }
  const features = new Map<string, FeatureInfo>();
  for (const f of infos) {
    check(f.name, "feature");
    features.set(f.name, f);
  }
  return { indicators, features, featureSet: typeof featureSet === "string" ? featureSet : featureSet.id };
}

export const DEFAULT_SCAN_CATALOG: ScanCatalog = createScanCatalog();

/** Names for autocomplete / docs (serializable). */
export interface ScanVocabulary {
  fields: readonly string[];
  ml: readonly string[];
  functions: readonly string[];
  indicators: { id: string; label: string; params: { name: string; kind: string; default: number | string; min?: number; max?: number; values?: readonly string[] }[]; outputs: readonly string[] }[];
  features: { name: string; description: string }[];
  keywords: readonly string[];
}

export function describeScanVocabulary(catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): ScanVocabulary {
  return {
    fields: OHLCV_FIELDS,
    ml: ML_COLUMNS,
    functions: SCAN_FUNCTIONS,
    indicators: [...catalog.indicators.values()].map((d) => ({
      id: d.id,
      label: d.label,
      params: Object.entries(d.params).map(([name, s]) =>
        s.kind === "enum" ? { name, kind: s.kind, default: s.default, values: s.values } : { name, kind: s.kind, default: s.default, min: s.min, max: s.max },
      ),
      outputs: d.outputs,
    })),
    features: [...catalog.features.values()].map((f) => ({ name: f.name, description: f.description })),
    keywords: SCAN_KEYWORDS,
  };
}
