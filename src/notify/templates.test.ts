import { test } from "node:test";
import assert from "node:assert/strict";
import { renderNotice, type NoticeFacts } from "./templates.js";
import { W } from "../i18n/app-window-text.js";

const facts = (o: Partial<NoticeFacts> = {}): NoticeFacts => ({
  kind: "expiry_warning",
  bank: { nameJa: "テスト銀行", nameEn: "Test Bank" },
  owner: { loginId: "user01", name: "利用者 一郎" },
  recipient: { name: "利用者 一郎", isOwner: true },
  serial: "0a",
  notAfter: new Date("2027-06-01T23:59:59Z"),
  offsetMinutes: 540,
  windowDays: 40,
  graceDays: 90,
  otpAtRenewal: false,
  ...o,
});

test("the reminder's steps name the portal's real screens and buttons (the seeds' 証明書更新選択 →「更新する」→「実行」→「発行」), and the app window's 「証明書更新」 button as the second way", () => {
  const m = renderNotice(facts());
  for (const words of ["「証明書更新選択」画面", "「更新する」を選択して「実行」ボタン", "「証明書発行確認（更新）」画面", "「発行」ボタン", "「証明書発行結果」画面", "有効期限の40日前から", "「電子証明書の更新はこちら」"]) assert.ok(m.text.includes(words), `${words} in:\n${m.text}`);
  // the app's window (証明書取得, CCHK001) has that button: named by the window's own words
  assert.ok(m.text.includes(`証明書発行アプリをお使いの場合は、アプリの「${W.homeTitle.ja}」画面で電子証明書を選び、「${W.renewButton.ja}」ボタンを押してください。`), m.text);
  assert.equal(W.renewButton.ja, "証明書更新");
  assert.match(m.text, /choose the certificate on its Certificate acquisition screen and press Renew certificate/);
  assert.doesNotMatch(m.text, /inkan-app renew/, "no command for a clerk to type");
  assert.doesNotMatch(m.text, /ワンタイムパスワード/, "no one-time password when the policy asks none at renewal");
  assert.match(renderNotice(facts({ otpAtRenewal: true })).text, /ログインパスワード・ワンタイムパスワードと証明書ファイルのパスワード/);
  assert.match(m.text, /----- English -----[\s\S]*Choose Renew now and press Execute/);
  assert.doesNotMatch(m.html, /<a /, "no link in the mail");
});
