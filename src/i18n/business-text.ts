import type { Text } from "./text.js";

/** 業務選択 (BSSK001), 企業管理 — 企業情報の照会, 自身の情報の変更・照会: the seeds' words, then English. */
export const B = {
  businessTitle: { ja: "業務選択", en: "Choose a service" },
  businessLead: { ja: "ご利用になる業務を選択してください。", en: "Choose what you want to do." },
  companyAdmin: { ja: "企業管理", en: "Company administration" },
  companyAdminHint: { ja: "企業情報の照会などを行うことができます。", en: "View the company's details and more." },
  userAdmin: { ja: "利用者管理", en: "User management" },
  userAdminHint: { ja: "利用者情報の照会などを行うことができます。", en: "View and manage the users' details." },
  history: { ja: "操作履歴照会", en: "Operation history" },
  historyHint: { ja: "ご自身または他の利用者が行った操作の履歴照会を行うことができます。", en: "View the history of operations by yourself or other users." },
  selfInfo: { ja: "自身の情報の変更・照会", en: "Your own details" },
  selfInfoHint: { ja: "ログインユーザ自身の情報の照会、変更ができます。", en: "View and change your own details." },

  contractTitle: { ja: "企業情報の照会", en: "Company details" },
  contractLead: { ja: "ご契約の内容です。変更はお取引店でのお手続きとなります。", en: "Your contract as registered. Changes are made by the bank on a paper form." },
  contractCode: { ja: "企業コード", en: "Company code" },
  contractName: { ja: "企業名", en: "Company name" },
  loginMethod: { ja: "ログイン方式", en: "Login method" },
  methodCertificate: { ja: "電子証明書方式", en: "Client certificate" },
  methodPassword: { ja: "ID・パスワード方式", en: "Login ID and password" },
  usersCount: { ja: "登録利用者数", en: "Registered users" },
  usersOfLimit: { ja: "{users}人（上限 {limit}人）", en: "{users} (limit {limit})" },

  selfTitle: { ja: "自身の情報の変更・照会", en: "Your own details" },
  selfLead: { ja: "ご自身の情報です。利用者名とメールアドレスは、変更内容と確認用パスワードを入力して「実行」ボタンを押すと変更できます。", en: "Your details as registered. To change your name or e-mail address, enter them with your confirmation password and press Execute." },
  selfChangeHeading: { ja: "自身の情報の変更", en: "Change your details" },
  selfDoneTitle: { ja: "自身の情報の変更結果", en: "Your own details: result" },
  selfDone: { ja: "自身の情報を変更しました。", en: "Your details have been changed." },
  certSerialLabel: { ja: "証明書シリアル番号", en: "Certificate serial number" },
  menuSelf: { ja: "自身の情報", en: "My details" },
} satisfies Record<string, Text>;
