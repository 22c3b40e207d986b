import type { Text } from "./text.js";

/** メール通知パスワード (利用者停止・解除), the seeds' words, then English. */
export const MC = {
  send: { ja: "メール通知パスワードを送信", en: "Send a mailed password" },
  lead: { ja: "利用者のサービス停止、停止解除には、メール通知パスワードが必要です。「メール通知パスワードを送信」ボタンを押すと、ご登録のメールアドレス（{email}）にお送りします。有効期限は送信から{minutes}分で、1回限り有効です。", en: "Suspending or resuming a user needs a mailed password. Send a mailed password sends one to your registered address ({email}); it is good for {minutes} minutes, once." },
  delay: { ja: "プロバイダーの事情によりメールが遅延する場合があります。", en: "Your mail provider may delay the mail." },
  sent: { ja: "メール通知パスワードを送信しました。メールに記載のパスワードを入力し、{minutes}分以内に「実行」ボタンを押してください。", en: "A mailed password has been sent. Enter it and press Execute within {minutes} minutes." },
  field: { ja: "メール通知パスワード", en: "Mailed password" },
  fieldHint: { ja: "メールでお知らせした6桁の数字", en: "The six digits from the mail" },
} satisfies Record<string, Text>;
