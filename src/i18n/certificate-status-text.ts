import type { DisplayStatus } from "../domain/certificate.js";
import type { Text } from "./text.js";

/** 証明書状態 as 利用者一覧 (portal, staff console, CLI, API) names it. */
export const DISPLAY_STATUS_LABELS: Record<DisplayStatus, Text> = {
  not_issued: { ja: "未発行", en: "Not issued" },
  issued: { ja: "発行済み", en: "Issued" },
  renewable: { ja: "更新可", en: "Renewable" },
  expired: { ja: "有効期限切れ", en: "Expired" },
  revoked: { ja: "失効済み", en: "Revoked" },
};
