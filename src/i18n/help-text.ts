import type { Text } from "./text.js";
import words from "./help-text.json" with { type: "json" };

/**
 * ヘルプ (BHLP001): the seeds' troubleshooting (Q&A 4-8, 4-9, 4-14, 4-15 and the Edge/Chrome
 * manual's deletion steps) in our words. {issuer} is the bank's issuing CA as Windows shows it in
 * the 発行者 column.
 */
export const H = words satisfies Record<string, Text>;
