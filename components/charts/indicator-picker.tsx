"use client";

/**
 * Indicator and candlestick-pattern picker for the candles chart (controlled: `value` in, `onChange`
 * out; no fetching, no storage).
 *
 * - "Add indicator" menu grouped Overlays / Panes (registry indicators plus volume); an indicator is
 *   added with its default params and can be added more than once (EMA 20 and EMA 50).
 * - Each active indicator shows its colour, its label ("RSI(14)"), inline inputs for its params
 *   (numbers within the ParamSpec bounds, selects for enums) and a remove button.
 * - Accessible names are stable while typing: "RSI period", "MACD fast period", "EMA 2 period" (second
 *   EMA), "Remove RSI(14)", "Add indicator"; patterns are checkboxes named by their label.
 * - A number is committed as soon as it is valid (integer, within bounds); an invalid draft is shown
 *   as invalid and reverts on blur.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { CANDLE_PATTERNS } from "@/lib/indicators/patterns";
import type { ParamSpec } from "@/lib/indicators/registry";
import {
  DEFAULT_CHART_INDICATORS,
  PALETTE_CSS,
  addIndicator,
  assignColorSlots,
  chartIndicators,
  getChartIndicatorMeta,
  indicatorLabel,
  instanceNames,
  paramAriaLabel,
  parseParamInput,
  removeIndicator,
  sanitizeParams,
  setIndicatorParam,
  togglePattern,
  type ChartIndicatorsValue,
  type ParamValue,
} from "./indicator-series";

export interface IndicatorPickerProps {
  value: ChartIndicatorsValue;
  onChange: (next: ChartIndicatorsValue) => void;
}

const BIAS_GROUPS = [
  { bias: "bullish", title: "Bullish" },
  { bias: "bearish", title: "Bearish" },
  { bias: "neutral", title: "Neutral" },
] as const;

/** Visible param caption: "Tenkan (conversion) period" → "Tenkan period". */
function caption(spec: ParamSpec): string {
  return spec.label.replace(/\s*\([^)]*\)/g, "");
}

export function IndicatorPicker({ value, onChange }: IndicatorPickerProps) {
  const metas = chartIndicators();
  const overlays = metas.filter((m) => m.pane === "overlay");
  const panes = metas.filter((m) => m.pane !== "overlay");
  const names = useMemo(() => instanceNames(value.indicators), [value.indicators]);
  const slots = useMemo(() => assignColorSlots(value.indicators), [value.indicators]);
  const patternLabel = new Map<string, string>(CANDLE_PATTERNS.map((p) => [p.id, p.label]));
  const patternsMenu = useRef<HTMLDetailsElement>(null);

  // The patterns menu closes on a click outside it and on Escape.
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const d = patternsMenu.current;
      if (d?.open && !d.contains(e.target as Node)) d.open = false;
    };
    const onKey = (e: KeyboardEvent) => {
      const d = patternsMenu.current;
      if (e.key === "Escape" && d?.open) d.open = false;
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  return (
    <div role="group" aria-label="Chart indicators" data-testid="indicator-picker" style={{ display: "flex", flexDirection: "column", gap: 6 }}>
      <div className="row">
        <select
          className="input"
          aria-label="Add indicator"
          value=""
          onChange={(e) => {
            const id = e.target.value;
            if (id) onChange(addIndicator(value, id));
          }}
          style={{ padding: "3px 6px", fontSize: 12 }}
        >
          <option value="">+ Add indicator…</option>
          <optgroup label="Overlays">
            {overlays.map((m) => (
              <option key={m.id} value={m.id}>
                {m.shortLabel} · {m.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Panes">
            {panes.map((m) => (
              <option key={m.id} value={m.id}>
                {m.shortLabel} · {m.label}
              </option>
            ))}
          </optgroup>
        </select>
        <details ref={patternsMenu} style={{ position: "relative" }}>
          <summary className="btn small" style={{ listStyle: "none" }}>
            Patterns{value.patterns.length ? ` (${value.patterns.length})` : ""} ▾
          </summary>
          <div
            role="group"
            aria-label="Candlestick patterns"
            className="card"
            style={{ position: "absolute", zIndex: 20, top: "calc(100% + 4px)", left: 0, width: 520, maxWidth: "90vw", display: "flex", gap: 12, padding: 10 }}
          >
            {BIAS_GROUPS.map((g) => (
              <fieldset key={g.bias} style={{ border: "none", margin: 0, padding: 0, flex: 1, minWidth: 0 }}>
                <legend className="muted" style={{ fontSize: 11, padding: 0, marginBottom: 4 }}>
                  {g.title}
                </legend>
                {CANDLE_PATTERNS.filter((p) => p.bias === g.bias).map((p) => (
                  <label key={p.id} style={{ display: "flex", gap: 6, alignItems: "center", fontSize: 12, padding: "1px 0" }}>
                    <input type="checkbox" checked={value.patterns.includes(p.id)} onChange={(e) => onChange(togglePattern(value, p.id, e.target.checked))} />
                    {p.label}
                  </label>
                ))}
              </fieldset>
            ))}
          </div>
        </details>
        {value.patterns.map((id) => (
          <span key={id} className="badge" style={{ gap: 4 }}>
            {patternLabel.get(id) ?? id}
            <button
              type="button"
              aria-label={`Remove pattern ${patternLabel.get(id) ?? id}`}
              onClick={() => onChange(togglePattern(value, id, false))}
              style={{ background: "none", border: "none", color: "var(--muted)", cursor: "pointer", padding: 0, font: "inherit" }}
            >
              ×
            </button>
          </span>
        ))}
        <span className="spacer" />
        <button type="button" className="btn small" onClick={() => onChange(DEFAULT_CHART_INDICATORS)}>
          Reset indicators
        </button>
      </div>
      {value.indicators.length ? (
        <ul aria-label="Active indicators" style={{ listStyle: "none", margin: 0, padding: 0, display: "flex", flexWrap: "wrap", gap: 6 }}>
          {value.indicators.map((ind) => {
            const meta = getChartIndicatorMeta(ind.id);
            if (!meta) return null;
            const params = sanitizeParams(meta.params, ind.params);
            const label = indicatorLabel(ind.id, params);
            const name = names.get(ind.key) ?? meta.shortLabel;
            const slot = slots.get(ind.key);
            const swatch = slot?.color ?? PALETTE_CSS[(slot?.slot ?? 0) % PALETTE_CSS.length];
            const set = (k: string, v: ParamValue) => onChange(setIndicatorParam(value, ind.key, k, v));
            return (
              <li
                key={ind.key}
                data-indicator={ind.key}
                style={{
                  display: "flex",
                  flexWrap: "wrap",
                  alignItems: "center",
                  gap: "4px 8px",
                  padding: "3px 6px 3px 8px",
                  border: "1px solid var(--border)",
                  borderRadius: "var(--radius)",
                  background: "var(--panel-2)",
                  fontSize: 12,
                }}
              >
                <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: swatch, flex: "none" }} />
                <span className="mono" title={meta.label}>
                  {label}
                </span>
                {Object.entries(meta.params).map(([k, spec]) => (
                  <label key={k} className="muted" style={{ display: "inline-flex", alignItems: "center", gap: 3, fontSize: 11 }}>
                    {caption(spec)}
                    {spec.kind === "enum" ? (
                      <select
                        className="input"
                        aria-label={paramAriaLabel(name, spec)}
                        value={String(params[k])}
                        onChange={(e) => set(k, e.target.value)}
                        style={{ padding: "1px 4px", fontSize: 11 }}
                      >
                        {spec.values.map((v) => (
                          <option key={v} value={v}>
                            {v}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <NumberParam spec={spec} value={params[k] as number} ariaLabel={paramAriaLabel(name, spec)} onCommit={(v) => set(k, v)} />
                    )}
                  </label>
                ))}
                <button
                  type="button"
                  aria-label={`Remove ${label}`}
                  title={`Remove ${label}`}
                  onClick={() => onChange(removeIndicator(value, ind.key))}
                  style={{ background: "none", border: "none", color: "var(--muted)", cursor: "pointer", padding: "0 2px", font: "inherit", fontSize: 14, lineHeight: 1 }}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted" style={{ margin: 0, fontSize: 12 }}>
          No indicators. Add one from the menu.
        </p>
      )}
    </div>
  );
}

/** Numeric param input: commits valid values as they are typed; an invalid draft reverts on blur. */
function NumberParam({ spec, value, ariaLabel, onCommit }: { spec: ParamSpec; value: number; ariaLabel: string; onCommit: (v: number) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (spec.kind === "enum") return null;
  const text = draft ?? String(value);
  const invalid = draft !== null && parseParamInput(spec, draft) === null;
  const step = spec.kind === "int" ? 1 : Math.abs(spec.default) > 0 && Math.abs(spec.default) < 1 ? 0.01 : 0.1;
  return (
    <input
      className="input mono"
      type="number"
      inputMode={spec.kind === "int" ? "numeric" : "decimal"}
      aria-label={ariaLabel}
      aria-invalid={invalid || undefined}
      title={`${spec.label}: ${spec.min} to ${spec.max}`}
      min={spec.min}
      max={spec.max}
      step={step}
      value={text}
      onChange={(e) => {
        const t = e.target.value;
        setDraft(t);
        const v = parseParamInput(spec, t);
        if (v !== null && v !== value) onCommit(v);
      }}
      onBlur={() => setDraft(null)}
      onKeyDown={(e) => {
        if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        if (e.key === "Escape") setDraft(null);
      }}
      style={{ width: 58, padding: "1px 4px", fontSize: 11, ...(invalid ? { borderColor: "var(--down)" } : {}) }}
    />
  );
}
