/**
 * What the issuing script says on the page, in Japanese and English. The page's language comes from
 * `<html lang>`; anything that is not English reads Japanese (the portal's first language).
 * Messages the server sends (`{ error, message: { ja, en } }`) are shown as they come.
 */

export type Lang = "ja" | "en";

export function pageLang(doc: Document): Lang {
  return doc.documentElement.lang.toLowerCase().startsWith("en") ? "en" : "ja";
}

export const MIN_P12_PASSWORD = 8;

const messages = {
  passwordTooShort: {
    ja: `PKCS#12ファイルのパスワードは${MIN_P12_PASSWORD}文字以上で入力してください。`,
    en: `Enter a password of at least ${MIN_P12_PASSWORD} characters for the PKCS#12 file.`,
  },
  passwordMismatch: {
    ja: "PKCS#12ファイルのパスワードと確認用の入力が一致しません。同じパスワードを入力してください。",
    en: "The PKCS#12 file password and its confirmation do not match. Enter the same password twice.",
  },
  network: {
    ja: "サーバーとの通信に失敗しました。通信環境をご確認のうえ、もう一度「発行」を押してください。やり直しても証明書が二重に発行されることはありません。",
    en: "Communication with the server failed. Check your connection and press the button again. Retrying is safe: no second certificate is issued.",
  },
  server: {
    ja: "サーバーで問題が発生したため、証明書を発行できませんでした。しばらくしてからもう一度お試しください。",
    en: "The certificate could not be issued because of a problem at the server. Please try again in a moment.",
  },
  unsupported: {
    ja: "このブラウザでは鍵を作成できません。最新のChrome、Edge、Firefox、Safariをご利用ください。",
    en: "This browser cannot create the key. Please use a current version of Chrome, Edge, Firefox or Safari.",
  },
  certificateMismatch: {
    ja: "受け取った証明書がこのブラウザで作成した鍵と一致しません。もう一度「発行」を押してください。",
    en: "The certificate received does not match the key made in this browser. Please press the button again.",
  },
  failed: {
    ja: "証明書ファイルを作成できませんでした。もう一度「発行」を押してください。",
    en: "The certificate file could not be made. Please press the button again.",
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof messages;

export function message(key: MessageKey, lang: Lang): string {
  return messages[key][lang];
}
