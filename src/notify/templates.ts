import { formatJaDateTime, formatLocalDateTime } from "../domain/time-zone.js";
import { P } from "../i18n/portal-text.js";
import { W } from "../i18n/app-window-text.js";

export type NoticeKind = "expiry_warning" | "expired" | "issued" | "revoked" | "otp_reset" | "ca_compromised";

export interface NoticeFacts {
  kind: NoticeKind;
  bank: { nameJa: string; nameEn: string };
  /** whose certificate */
  owner: { loginId: string; name: string };
  /** who receives this copy: the owner, or a master or admin of the contract */
  recipient: { name: string; isOwner: boolean };
  serial: string;
  notAfter: Date;
  offsetMinutes: number;
  /** renewal window in days, for the steps text */
  windowDays: number;
  graceDays: number;
  /** the bank asks the one-time password at renewal (policy otp.renewal) */
  otpAtRenewal: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT: Record<NoticeKind, { ja: string; en: string }> = {
  expiry_warning: { ja: "電子証明書更新のお知らせ", en: "Your client certificate expires soon" },
  expired: { ja: "電子証明書有効期限切れのご案内", en: "Your client certificate has expired" },
  issued: { ja: "電子証明書発行のお知らせ", en: "A client certificate was issued" },
  revoked: { ja: "電子証明書失効のお知らせ", en: "A client certificate was revoked" },
  otp_reset: { ja: "ワンタイムパスワード初期化のお知らせ", en: "Your one-time password was reset" },
  ca_compromised: { ja: "【重要】電子証明書の再取得のお願い", en: "Important: please acquire a new client certificate" },
};

/**
 * How to renew, as the portal and the issuing app really offer it: each screen and button is named
 * by the surface's own label (i18n/portal-text.ts, and i18n/app-window-text.ts for the app's
 * window), so the mail cannot name a button the screens do not have.
 */
function renewalSteps(f: NoticeFacts): { ja: string[]; en: string[] } {
  const q = (t: { ja: string }) => `「${t.ja}」`;
  const otpJa = f.otpAtRenewal ? `・${P.otp.ja}` : "";
  const otpEn = f.otpAtRenewal ? `, ${P.otp.en.toLowerCase()}` : "";
  return {
    ja: [
      `更新の手順：有効期限の${f.windowDays}日前から、ログインすると${q(P.renewSelectTitle)}画面が表示されます。${q(P.renewNow)}を選択して${q(P.execute)}ボタンを押し、${q(P.renewConfirmTitle)}画面で${P.loginPassword.ja}${otpJa}と${P.p12Password.ja}を入力して${q(P.issue)}ボタンを押してください。${q(P.issueResultTitle)}画面で証明書ファイルをダウンロードしてインストールし、インストール後はダウンロードしたファイルを削除してください。`,
      `${q(P.topTitle)}の${q(P.renew)}ボタン、または${q(P.menuNotices)}の${q(P.noticeRenewLink)}からも更新できます。証明書発行アプリをお使いの場合は、アプリの${q(W.homeTitle)}画面で電子証明書を選び、${q(W.renewButton)}ボタンを押してください。`,
    ],
    en: [
      `How to renew: from ${f.windowDays} days before expiry, the ${P.renewSelectTitle.en} screen appears when you log in. Choose ${P.renewNow.en} and press ${P.execute.en}; on ${P.renewConfirmTitle.en}, enter your ${P.loginPassword.en.toLowerCase()}${otpEn} and a ${P.p12Password.en.toLowerCase()}, then press ${P.issue.en}. On ${P.issueResultTitle.en}, download and install the certificate file, then delete the downloaded file.`,
      `You can also renew with the ${P.renew.en} button on the ${P.topTitle.en}, or with "${P.noticeRenewLink.en}" in ${P.menuNotices.en}. With the issuing app, choose the certificate on its ${W.homeTitle.en} screen and press ${W.renewButton.en}.`,
    ],
  };
}

function paragraphs(f: NoticeFacts): { ja: string[]; en: string[] } {
  const expiryJa = formatJaDateTime(f.notAfter, f.offsetMinutes);
  const expiryEn = formatLocalDateTime(f.notAfter, f.offsetMinutes);
  const whoJa = f.recipient.isOwner ? `ログインID ${f.owner.loginId} の電子証明書` : `${f.owner.name} 様（ログインID ${f.owner.loginId}）の電子証明書`;
  const whoEn = f.recipient.isOwner ? `the certificate of login ID ${f.owner.loginId}` : `the certificate of ${f.owner.name} (login ID ${f.owner.loginId})`;
  // the way in is always the user's own bookmark: no mail of ours carries a link that asks for a password
  const safety = {
    ja: "※このメールにはログイン用のリンクは記載していません。いつもお使いのブックマーク（お気に入り）からログインしてください。",
    en: "This mail carries no login link. Please log in from your usual bookmark.",
  };
  switch (f.kind) {
    case "expiry_warning":
      return {
        ja: [
          `${whoJa}の有効期限が近づいています。`,
          `有効期限：${expiryJa}`,
          "有効期限を過ぎるとログインできなくなります。お早めに更新してください。",
          ...renewalSteps(f).ja,
          safety.ja,
        ],
        en: [
          `${whoEn} expires soon.`,
          `Expiry: ${expiryEn}`,
          "After expiry you cannot log in. Please renew it in good time.",
          ...renewalSteps(f).en,
          safety.en,
        ],
      };
    case "expired":
      return {
        ja: [
          `${whoJa}の有効期限が切れました（${expiryJa}）。`,
          `有効期限から${f.graceDays}日以内であれば、ログイン画面の「電子証明書発行」から電子証明書を再度取得できます。それを過ぎた場合は、マスターユーザまたは管理者ユーザに初期化を依頼してください（マスターユーザはお取引店へ）。`,
          safety.ja,
        ],
        en: [
          `${whoEn} expired on ${expiryEn}.`,
          `Within ${f.graceDays} days of expiry you can acquire a new one with Certificate issuance on the login screen. After that, ask your master user or an administrator to reset it (a master user asks the bank).`,
          safety.en,
        ],
      };
    case "issued":
      return {
        ja: [`${whoJa}が発行されました（シリアル番号 ${f.serial}、有効期限 ${expiryJa}）。`, "お心当たりのない場合は、直ちにお取引店へご連絡ください。", safety.ja],
        en: [`${whoEn} was issued (serial ${f.serial}, valid until ${expiryEn}).`, "If you did not expect this, contact your branch at once.", safety.en],
      };
    case "otp_reset":
      return {
        ja: [`ログインID ${f.owner.loginId} のワンタイムパスワードが初期化されました。次回ログイン時に、ワンタイムパスワードを登録し直してください。`, "お心当たりのない場合は、直ちにお取引店へご連絡ください。", safety.ja],
        en: [`The one-time password of login ID ${f.owner.loginId} was reset. Please register it again at your next login.`, "If you did not expect this, contact your branch at once.", safety.en],
      };
    case "ca_compromised":
      return {
        ja: [
          `当行の証明書発行システムの安全確保のため、${whoJa}（シリアル番号 ${f.serial}）を失効させました。`,
          "この電子証明書ではログインできません。お手数ですが、ログイン画面の「電子証明書発行」から新しい電子証明書を取得してください。ログインID・パスワードは変わりません。",
          "お客さまの操作に問題があったものではありません。ご不明な点はお取引店へお問い合わせください。",
          safety.ja,
        ],
        en: [
          `To keep our certificate system secure, we revoked ${whoEn} (serial ${f.serial}).`,
          "It can no longer be used to log in. Please acquire a new certificate with Certificate issuance on the login screen; your login ID and password stay the same.",
          "Nothing you did caused this. If you have questions, please contact your branch.",
          safety.en,
        ],
      };
    case "revoked":
      return {
        ja: [`${whoJa}（シリアル番号 ${f.serial}）が失効しました。`, "お心当たりのない場合は、直ちにお取引店へご連絡ください。", safety.ja],
        en: [`${whoEn} (serial ${f.serial}) was revoked.`, "If you did not expect this, contact your branch at once.", safety.en],
      };
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Japanese first, English second, in plain text and in HTML (escaped; no links). */
export function renderNotice(f: NoticeFacts): RenderedMail {
  const s = SUBJECT[f.kind];
  const p = paragraphs(f);
  const greetingJa = `${f.recipient.name} 様`;
  const text = [greetingJa, "", ...p.ja, "", `${f.bank.nameJa}`, "", "----- English -----", "", ...p.en, "", f.bank.nameEn, ""].join("\n");
  const html = `<!doctype html><html lang="ja"><body><p>${esc(greetingJa)}</p>${p.ja.map((x) => `<p>${esc(x)}</p>`).join("")}<p>${esc(f.bank.nameJa)}</p><hr><div lang="en">${p.en.map((x) => `<p>${esc(x)}</p>`).join("")}<p>${esc(f.bank.nameEn)}</p></div></body></html>`;
  return { subject: `【${f.bank.nameJa}】${s.ja} / ${s.en}`, text, html };
}
