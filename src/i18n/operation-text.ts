import type { Text } from "./text.js";

/**
 * The names of the operation groups people search the history and the audit log by (the groups'
 * actions are in audit/history.ts and lifecycle/staff-console.ts).
 */
export const OPERATION_LABELS = {
  login: { ja: "ログイン", en: "Login" },
  acquire: { ja: "電子証明書取得", en: "Certificate acquisition" },
  renew: { ja: "電子証明書更新", en: "Certificate renewal" },
  activate: { ja: "電子証明書利用開始", en: "Certificate activation" },
  revoke: { ja: "証明書失効", en: "Certificate revocation" },
  reset: { ja: "再発行・初期化", en: "Certificate reset" },
  suspend: { ja: "利用者停止・解除", en: "Suspension and resumption" },
  password: { ja: "パスワード変更", en: "Password change" },
  contract: { ja: "ご契約の登録・変更（お取引店）", en: "Contract registration (bank)" },
  users: { ja: "利用者情報の管理", en: "User management" },
} satisfies Record<string, Text>;

/** Operations of the bank's own people, searchable in the staff console beside the customers' ones. */
export const STAFF_OPERATION_LABELS = {
  contracts: { ja: "契約の開設・変更", en: "Contracts" },
  staff: { ja: "行員の登録・停止", en: "Staff" },
  paper: { ja: "書面による手続き", en: "Paper forms" },
  crl: { ja: "CRL更新", en: "CRL rebuild" },
} satisfies Record<string, Text>;

/** The result of an operation in words, for the screen and the CSV. */
export const RESULT_LABELS: Record<string, Text> = {
  ok: { ja: "正常", en: "OK" },
  refused: { ja: "拒否", en: "Refused" },
  error: { ja: "エラー", en: "Error" },
};

/** Who did it, when it was not a customer user (whose login ID is shown instead). */
export const HISTORY_ACTOR_LABELS = {
  bank: { ja: "金融機関", en: "bank" },
  system: { ja: "システム", en: "system" },
} satisfies Record<string, Text>;

/** The columns of 操作履歴照会's CSV, in order (the CSV is in Japanese). */
export const HISTORY_CSV_COLUMNS = {
  at: { ja: "日時", en: "Date and time" },
  actor: { ja: "操作者", en: "Operator" },
  operation: { ja: "操作", en: "Operation" },
  target: { ja: "対象者", en: "Target user" },
  result: { ja: "結果", en: "Result" },
  address: { ja: "接続元", en: "Address" },
  certSerial: { ja: "証明書シリアル番号", en: "Certificate serial number" },
} satisfies Record<string, Text>;
