import type { ErrorParams } from "../domain/errors.js";
import type { Locale } from "./messages.js";

/** Why a presented certificate is refused, and the way out: the text after the seeds' sentence. */
export type CertificateRefusal = "none" | "foreign" | "unknown" | "not_yet_valid" | "expired" | "revoked" | "superseded" | "issuer_revoked";

export const REFUSAL_TEXT: Record<CertificateRefusal, { ja: string; en: string }> = {
  none: {
    ja: "電子証明書が選択されていません。ブラウザをすべて閉じてから再度アクセスし、ご自身の電子証明書を選択してください。",
    en: "No certificate was presented. Close all browser windows, open the page again and choose your certificate.",
  },
  foreign: {
    ja: "この金融機関が発行した電子証明書ではありません。ブラウザをすべて閉じてから再度アクセスし、ログインIDが表示された電子証明書を選択してください。",
    en: "This certificate was not issued by this bank. Close all browser windows, open the page again and choose the certificate that shows your login ID.",
  },
  unknown: {
    ja: "この電子証明書は登録されていません。ブラウザをすべて閉じてから、別の電子証明書を選択してください。",
    en: "This certificate is not registered. Close all browser windows and choose another certificate.",
  },
  not_yet_valid: {
    ja: "この電子証明書はまだ有効期間が始まっていません。パソコンの日付と時刻をご確認ください。",
    en: "This certificate is not valid yet. Please check your computer's date and time.",
  },
  expired: {
    ja: "電子証明書の有効期限が切れています。ログイン画面の「電子証明書発行」から電子証明書を取得してください。",
    en: "The certificate has expired. Please acquire a new one with Certificate issuance on the login screen.",
  },
  revoked: {
    ja: "この電子証明書は失効しています。ログイン画面の「電子証明書発行」から新しい電子証明書を取得してください。",
    en: "This certificate has been revoked. Please acquire a new one with Certificate issuance on the login screen.",
  },
  issuer_revoked: {
    ja: "安全確保のため、この電子証明書を発行した認証局を停止しました。この電子証明書は利用できません。ログイン画面の「電子証明書発行」から新しい電子証明書を取得してください。",
    en: "For security, the authority that issued this certificate has been shut down, and the certificate can no longer be used. Please acquire a new one with Certificate issuance on the login screen.",
  },
  superseded: {
    ja: "この電子証明書は更新済みのため利用できません。ブラウザをすべて閉じてから、有効期限が最も新しい電子証明書を選択してください。",
    en: "This certificate has been replaced by a renewed one. Close all browser windows and choose the certificate with the latest expiry date.",
  },
};

/** Who resets a certificate past the acquisition grace period: the bank for a master, a master or an admin for the others. */
export type ResetBy = "bank" | "manager";

export const GRACE_WAY_OUT: Record<ResetBy, { ja: string; en: string }> = {
  bank: { ja: "お取引店に電子証明書の再発行（初期化）をご依頼ください。", en: "Please ask your bank to reset your certificate." },
  manager: { ja: "マスターユーザまたは管理者ユーザに初期化を依頼してください。", en: "Please ask your master user or an administrator to reset your certificate." },
};

/** The refusal's words for the error messages: certificate_refused carries a cause, acquisition_grace_expired who resets. */
export function refusalWords(locale: Locale, p: ErrorParams): { reason: string; wayOut: string } {
  const cause = String(p.cause ?? "");
  const resetBy = String(p.resetBy ?? "");
  return {
    reason: Object.hasOwn(REFUSAL_TEXT, cause) ? REFUSAL_TEXT[cause as CertificateRefusal][locale] : "",
    wayOut: Object.hasOwn(GRACE_WAY_OUT, resetBy) ? GRACE_WAY_OUT[resetBy as ResetBy][locale] : "",
  };
}
