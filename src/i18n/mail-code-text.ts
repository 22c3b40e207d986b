import type { Text } from "./text.js";
import words from "./mail-code-text.json" with { type: "json" };

/** メール通知パスワード (利用者停止・解除), the seeds' words, then English. */
export const MC = words satisfies Record<string, Text>;
