import type { Locale } from "./messages.js";

/** One piece of screen text in both languages: a missing language fails to compile. */
export interface Text {
  ja: string;
  en: string;
}

export type TextTable = Record<string, Text>;

/** Picks the language and fills {name} placeholders. */
export function tr(locale: Locale, text: Text, params: Record<string, string | number> = {}): string {
  return text[locale].replace(/\{(\w+)\}/g, (_, k: string) => (params[k] === undefined ? `{${k}}` : String(params[k])));
}
