import type { ErrorCode, ErrorParams } from "../domain/errors.js";
import { en } from "./en.js";
import { ja } from "./ja.js";
import type { Locale } from "./messages.js";

export type { Locale } from "./messages.js";

const tables = { ja, en } as const;

export function message(locale: Locale, code: ErrorCode, params: ErrorParams = {}): string {
  return tables[locale][code](params);
}

/** Japanese first, English second: the form every machine answer takes. */
export function bilingual(code: ErrorCode, params: ErrorParams = {}) {
  return { ja: message("ja", code, params), en: message("en", code, params) };
}
