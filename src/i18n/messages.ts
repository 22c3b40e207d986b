import type { ErrorCode, ErrorParams } from "../domain/errors.js";
import { refusalWords } from "./refusals.js";

export type Locale = "ja" | "en";
export type MessageTable = { readonly [K in ErrorCode]: (p: ErrorParams) => string };

export function fill(template: string, p: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (p[k] === undefined ? `{${k}}` : String(p[k])));
}

/**
 * A language's table from its words (en.json, ja.json): each code's template, filled with the
 * error's parameters and, for a refused certificate or an acquisition past its grace, the cause's
 * words ({refusalReason}, {wayOut}). A code without words fails to compile.
 */
export function messageTable(locale: Locale, words: Record<ErrorCode, string>): MessageTable {
  const table = {} as Record<ErrorCode, (p: ErrorParams) => string>;
  for (const code of Object.keys(words) as ErrorCode[]) {
    const template = words[code];
    table[code] = (p) => {
      const r = refusalWords(locale, p);
      return fill(template, { ...p, refusalReason: r.reason, wayOut: r.wayOut });
    };
  }
  return table;
}
