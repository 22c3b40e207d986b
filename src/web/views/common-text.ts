import type { TextTable } from "./text.js";

/** Words every screen's frame uses, on the customer side and the staff side alike. */
export const COMMON = {
  skipToContent: { ja: "本文へ移動", en: "Skip to content" },
  loggedInAs: { ja: "{name} 様（{loginId}）", en: "{name} ({loginId})" },
  logout: { ja: "ログアウト", en: "Log out" },
  menu: { ja: "メニュー", en: "Menu" },
  footer: { ja: "本サービスは電子証明書によりお客様を確認しています。", en: "This service identifies you by your client certificate." },
} satisfies TextTable;
