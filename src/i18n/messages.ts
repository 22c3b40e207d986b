import type { ErrorCode, ErrorParams } from "../domain/errors.js";

export type Locale = "ja" | "en";
export type MessageTable = { readonly [K in ErrorCode]: (p: ErrorParams) => string };

export function fill(template: string, p: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (p[k] === undefined ? `{${k}}` : String(p[k])));
}
