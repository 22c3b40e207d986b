import words from "./staff-text.json" with { type: "json" };
/**
 * Every word of the bank staff console, Japanese first, English second. A key without both
 * languages fails to compile.
 */
export const S = words satisfies Record<string, { ja: string; en: string }>;

export type StaffTextKey = keyof typeof S;
