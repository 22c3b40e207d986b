/**
 * The letters the bank hands a customer on paper (初期パスワード通知書), Japanese first, English
 * second; the staff console prints both on one sheet, whatever the staff member's language.
 */
export const LETTER = {
  initialTitle: { ja: "初期パスワードのお知らせ", en: "Your initial passwords" },
  issuedOn: { ja: "発行日：{date}", en: "Issued: {date}" },
  addressee: { ja: "{contract} 様", en: "To {contract}" },
  greeting: {
    ja: "このたびは、{bank}の法人向けインターネットサービスにお申し込みいただき、ありがとうございます。ご利用開始に必要な情報をお知らせします。",
    en: "Thank you for applying for {bank}'s business internet service. Here is what you need to start.",
  },
  contractCode: { ja: "ご契約番号", en: "Contract code" },
  contractName: { ja: "ご契約名", en: "Contract name" },
  userName: { ja: "利用者名", en: "User name" },
  loginId: { ja: "ログインID", en: "Login ID" },
  userNo: { ja: "利用者番号", en: "User number" },
  userKind: { ja: "利用者区分", en: "User type" },
  kindMaster: { ja: "マスターユーザ", en: "Master user" },
  kindAdmin: { ja: "管理者ユーザ", en: "Administrator" },
  kindGeneral: { ja: "一般ユーザ", en: "General user" },
  initialPassword: { ja: "初期ログインパスワード", en: "Initial login password" },
  initialConfirmPassword: { ja: "初期確認用パスワード", en: "Initial confirmation password" },
  portalUrl: { ja: "ご利用開始のURL", en: "Where to start" },
  stepsHeading: { ja: "はじめてのご利用の手順", en: "The first steps" },
  stepCertificate: {
    ja: "上記URLのログイン画面で「電子証明書発行」を選び、ログインIDと初期ログインパスワードで電子証明書を取得してください。",
    en: "On the login screen at the address above, choose Certificate issuance and acquire your certificate with the login ID and the initial login password.",
  },
  stepPasswordLogin: {
    ja: "上記URLのログイン画面で、ログインIDと初期ログインパスワードを入力してログインしてください。",
    en: "On the login screen at the address above, log in with the login ID and the initial login password.",
  },
  stepChangePassword: {
    ja: "初回ログイン時に、ログインパスワードを変更してください（初期ログインパスワードは変更するまでの仮のものです）。",
    en: "At the first login, change the login password (the initial one only serves until then).",
  },
  stepOtp: {
    ja: "続けて、ワンタイムパスワード（スマートフォンの認証アプリ）を登録してください。",
    en: "Then register the one-time password (an authenticator app on your smartphone).",
  },
  confirmNote: {
    ja: "確認用パスワードは、利用者の登録・削除や電子証明書の失効などの操作を確定するときに入力します。",
    en: "The confirmation password is asked for when you confirm operations such as registering or deleting users and revoking certificates.",
  },
  keepNote: {
    ja: "このお知らせは他人に見せず、パスワードの変更後は細断して破棄してください。当行の行員がお客様のパスワードをお尋ねすることはありません。",
    en: "Show this letter to no one and shred it once you have changed the password. The bank's staff will never ask you for your passwords.",
  },

  tokenTitle: { ja: "ワンタイムパスワード登録のお知らせ", en: "Your one-time password token" },
  tokenGreeting: {
    ja: "{bank}は、お客様のワンタイムパスワード（トークン）を登録しました。スマートフォンの認証アプリ（Google Authenticator など）に、次のQRコードまたは登録キーを登録してください。",
    en: "{bank} has registered a one-time password token for you. Add it to the authenticator app on your smartphone (Google Authenticator or the like) with the QR code or the key below.",
  },
  tokenKey: { ja: "登録キー", en: "Key" },
  tokenQr: { ja: "ワンタイムパスワード登録用QRコード", en: "QR code for one-time password registration" },
  tokenStepScan: {
    ja: "認証アプリで「QRコードをスキャン」を選び、このQRコードを読み取ってください。読み取れない場合は、登録キーを入力してください（時間ベース）。",
    en: "In the authenticator app, choose to scan a QR code and scan this one. If it cannot be read, type the key instead (time-based).",
  },
  tokenStepUse: {
    ja: "電子証明書の取得・更新などの際に、認証アプリに表示される6桁の数字を入力してください。",
    en: "When you acquire or renew a certificate and the like, enter the six digits the app shows.",
  },
  tokenKeep: {
    ja: "このお知らせは他人に見せず、登録後は細断して破棄してください。当行の行員がワンタイムパスワードや登録キーをお尋ねすることはありません。",
    en: "Show this letter to no one and shred it once the token is registered. The bank's staff will never ask you for one-time passwords or the key.",
  },
} satisfies Record<string, { ja: string; en: string }>;
