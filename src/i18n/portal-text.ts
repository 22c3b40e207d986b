import type { Text, TextTable } from "./text.js";
import words from "./portal-text.json" with { type: "json" };

/** Every word of the customer screens, Japanese first (the seeds' words), English second. */
export const P = words satisfies TextTable;

export type PortalTextKey = keyof typeof P;

/** 利用者区分, as the screens name each role. */
export const ROLE_LABELS: Record<string, Text> = {
  master: { ja: "マスターユーザ", en: "Master user" },
  admin: { ja: "管理者ユーザ", en: "Administrator" },
  general: { ja: "一般ユーザ", en: "General user" },
};
