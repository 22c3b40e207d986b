import words from "./letter-text.json" with { type: "json" };
/**
 * The letters the bank hands a customer on paper (初期パスワード通知書), Japanese first, English
 * second; the staff console prints both on one sheet, whatever the staff member's language.
 */
export const LETTER = words satisfies Record<string, { ja: string; en: string }>;
