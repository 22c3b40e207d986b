import type { Text } from "./text.js";
import words from "./business-text.json" with { type: "json" };

/** 業務選択 (BSSK001), 企業管理 — 企業情報の照会, 自身の情報の変更・照会: the seeds' words, then English. */
export const B = words satisfies Record<string, Text>;
