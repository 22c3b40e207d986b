import { formatJaDateTime, formatLocalDateTime } from "../domain/time-zone.js";
import type { RenderedMail } from "./templates.js";

export interface MailCodeFacts {
  bank: { nameJa: string; nameEn: string };
  recipient: { name: string };
  /** what it confirms, in words (e.g. 利用者停止 / Suspend a user) and whom */
  operation: { ja: string; en: string };
  target: string;
  code: string;
  expiresAt: Date;
  offsetMinutes: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** メール通知パスワード: the code, what it confirms, until when; Japanese first; no link, as every mail of ours. */
export function renderMailCode(f: MailCodeFacts): RenderedMail {
  const ja = [
    `${f.recipient.name} 様`,
    "",
    `${f.operation.ja}（対象：ログインID ${f.target}）の確認用に、メール通知パスワードをお送りします。`,
    `メール通知パスワード：${f.code}`,
    `有効期限：${formatJaDateTime(f.expiresAt, f.offsetMinutes)}（1回限り有効です）`,
    "画面の「メール通知パスワード」に入力し、「実行」ボタンを押してください。",
    "お心当たりのない場合は、このメールを破棄し、お取引店へご連絡ください。",
    "※このメールにはログイン用のリンクは記載していません。",
  ];
  const en = [
    `A mailed password to confirm ${f.operation.en} (login ID ${f.target}).`,
    `Mailed password: ${f.code}`,
    `Valid until ${formatLocalDateTime(f.expiresAt, f.offsetMinutes)}, once.`,
    "Enter it as the mailed password on the screen and press Execute.",
    "If you did not ask for it, discard this mail and contact your bank.",
  ];
  const text = [...ja, "", f.bank.nameJa, "", "----- English -----", "", ...en, "", f.bank.nameEn, ""].join("\n");
  const html = `<!doctype html><html lang="ja"><body>${ja.filter(Boolean).map((x) => `<p>${esc(x)}</p>`).join("")}<p>${esc(f.bank.nameJa)}</p><hr><div lang="en">${en.map((x) => `<p>${esc(x)}</p>`).join("")}<p>${esc(f.bank.nameEn)}</p></div></body></html>`;
  return { subject: `【${f.bank.nameJa}】メール通知パスワードのお知らせ / Your mailed password`, text, html };
}
