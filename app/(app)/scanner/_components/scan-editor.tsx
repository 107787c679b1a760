"use client";

import { useMemo, useRef } from "react";

export interface EditorVocabulary {
  keywords: readonly string[];
  functions: readonly string[];
  fields: readonly string[];
  indicators: readonly string[];
  features: readonly string[];
  ml: readonly string[];
}

type Kind = "kw" | "fn" | "ind" | "feat" | "field" | "num" | "op" | "str" | "err" | "text";

/** Token classes for highlighting (the server's parser is the authority; this only colours). */
function highlight(text: string, v: EditorVocabulary, errAt: { offset: number; length: number } | null): { text: string; kind: Kind }[] {
  const out: { text: string; kind: Kind }[] = [];
  const re = /(\s+)|("[^"]*"?)|(\d+(?:\.\d+)?(?:e[+-]?\d+)?%?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[<>+\-*/(),.=])|(.)/gy;
  const lower = (s: string) => s.toLowerCase();
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const [tok, ws, str, num, id, op] = m;
    let kind: Kind = "text";
    if (ws) kind = "text";
    else if (str) kind = "str";
    else if (num) kind = "num";
    else if (id) {
      if (v.keywords.includes(lower(id))) kind = "kw";
      else if (v.functions.includes(id)) kind = "fn";
      else if (v.indicators.includes(id)) kind = "ind";
      else if (v.features.includes(id)) kind = "feat";
      else if (v.fields.includes(id) || v.ml.includes(id)) kind = "field";
    } else if (op) kind = "op";
    const start = m.index;
    if (errAt && start < errAt.offset + Math.max(1, errAt.length) && start + tok.length > errAt.offset && !ws) kind = "err";
    out.push({ text: tok, kind });
  }
  return out;
}

/**
 * Scan editor: a textarea over a highlighted copy of its text (same font metrics), with completion
 * suggestions for the word under the cursor.
 */
export function ScanEditor({
  value,
  onChange,
  vocabulary,
  error,
}: {
  value: string;
  onChange: (v: string) => void;
  vocabulary: EditorVocabulary;
  error: { offset: number; length: number } | null;
}) {
  const ta = useRef<HTMLTextAreaElement>(null);
  const pre = useRef<HTMLPreElement>(null);
  const tokens = useMemo(() => highlight(value, vocabulary, error), [value, vocabulary, error]);
  const cursor = ta.current?.selectionStart ?? value.length;
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(value.slice(0, cursor))?.[0] ?? "";
  const suggestions = useMemo(() => {
    if (word.length < 1) return [];
    const all = [...vocabulary.functions, ...vocabulary.indicators, ...vocabulary.fields, ...vocabulary.features, ...vocabulary.ml, ...vocabulary.keywords];
    const w = word.toLowerCase();
    return [...new Set(all)].filter((x) => x.toLowerCase().startsWith(w) && x !== word).slice(0, 8);
  }, [word, vocabulary]);

  const accept = (s: string) => {
    const before = value.slice(0, cursor - word.length);
    const isCall = vocabulary.functions.includes(s) || vocabulary.indicators.includes(s);
    const insert = isCall ? `${s}(` : s;
    onChange(before + insert + value.slice(cursor));
    requestAnimationFrame(() => {
      const p = before.length + insert.length;
      ta.current?.focus();
      ta.current?.setSelectionRange(p, p);
    });
  };

  return (
    <div>
      <div className="scan-editor">
        <pre ref={pre} aria-hidden="true">
          {tokens.map((t, i) => (
            <span key={i} className={`tok-${t.kind}`}>
              {t.text}
            </span>
          ))}
          {"\n"}
        </pre>
        <textarea
          ref={ta}
          aria-label="Scan expression"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (pre.current) pre.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e) => {
            if (e.key === "Tab" && suggestions[0]) {
              e.preventDefault();
              accept(suggestions[0]);
            }
          }}
        />
      </div>
      {suggestions.length ? (
        <div className="row" style={{ marginTop: 4 }} aria-label="Completions">
          <span className="muted">Tab ↹</span>
          {suggestions.map((s) => (
            <button key={s} type="button" className="btn small mono" onClick={() => accept(s)}>
              {s}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
