/**
 * Lexer of the scan text form. ASCII only outside string literals; every token records its span.
 * Numbers: `12`, `2.5`, `.5`, `1e6`, `1.5E-3`, and percentages `5%` (= 0.05, the `%` must follow the
 * digits directly). Strings: double quotes with `\"` and `\\` escapes, one line.
 */
import { ScanError } from "./errors";

export type TokenKind = "num" | "ident" | "str" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  /** Source text of the token (op: the operator; str: the decoded value). */
  text: string;
  /** num: the value (percent already divided by 100). */
  value: number;
  start: number;
  end: number;
}

const OPS2 = ["<=", ">=", "==", "!="] as const;
const OPS1 = "()+-*/<>,.=";
/** Operators from other languages, with the word to use instead. */
const FOREIGN: Record<string, string> = { "&&": "and", "||": "or", "&": "and", "|": "or", "!": "not", "<>": "!=" };

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

function describeChar(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `character U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return `character '${String.fromCodePoint(cp)}'`;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  const fail = (summary: string, start: number, end: number, suggestion?: string): never => {
    throw new ScanError({ kind: "syntax", summary, source: { text, start, end }, suggestion });
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (i < n && text.charCodeAt(i) === 46) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      if (i < n && (text.charCodeAt(i) | 32) === 101) {
        let j = i + 1;
        if (j < n && (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45)) j++;
        if (j < n && isDigit(text.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      const raw = text.slice(start, i);
      let value = Number(raw);
      if (i < n && text.charCodeAt(i) === 37) {
        i++;
        value = value / 100;
      }
      if (!Number.isFinite(value)) fail(`number ${raw} is out of range`, start, i);
      tokens.push({ kind: "num", text: text.slice(start, i), value, start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: "ident", text: text.slice(start, i), value: NaN, start, end: i });
      continue;
    }
    if (c === 34) {
      i++;
      let value = "";
      for (;;) {
        if (i >= n || text.charCodeAt(i) === 10) fail("unterminated string", start, i);
        const ch = text.charCodeAt(i);
        if (ch === 34) {
          i++;
          break;
        }
        if (ch === 92) {
          const next = text[i + 1];
          if (next !== '"' && next !== "\\") fail('invalid escape in string (only \\" and \\\\)', i, Math.min(n, i + 2));
          value += next;
          i += 2;
          continue;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: "str", text: value, value: NaN, start, end: i });
      continue;
    }
    const two = text.slice(i, i + 2);
    if ((OPS2 as readonly string[]).includes(two)) {
      tokens.push({ kind: "op", text: two, value: NaN, start, end: i + 2 });
      i += 2;
      continue;
    }
    const foreign = Object.hasOwn(FOREIGN, two) ? two : Object.hasOwn(FOREIGN, text[i]!) ? text[i]! : undefined;
    if (foreign !== undefined) fail(`unexpected '${foreign}'`, i, i + foreign.length, FOREIGN[foreign]);
    if (OPS1.includes(text[i]!)) {
      tokens.push({ kind: "op", text: text[i]!, value: NaN, start, end: i + 1 });
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    fail(`unexpected ${describeChar(text, i)}`, i, i + (cp > 0xffff ? 2 : 1));
  }
  tokens.push({ kind: "eof", text: "", value: NaN, start: n, end: n });
  return tokens;
}
