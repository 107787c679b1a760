/**
 * The symbol code rule: what the tRPC routers accept (`ZSymbolCode`, after trim and upper-casing) and what
 * a CSV import may add to the universe: a letter or digit, then up to 19 letters, digits or `. - = ^`
 * (`BRK.B`, `BTC-USD`, `EURUSD=X`). Nothing that could be markup, a path or whitespace.
 */
export const SYMBOL_CODE_RE = /^[A-Z0-9][A-Z0-9.\-=^]{0,19}$/;
export const SYMBOL_CODE_HINT = "1-20 characters: letters, digits, . - = ^";

/** Whether an upper-cased, trimmed code follows the symbol rule. */
export function isSymbolCode(code: string): boolean {
  return SYMBOL_CODE_RE.test(code);
}
