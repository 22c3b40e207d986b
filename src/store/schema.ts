import type { ColumnType, Generated } from "kysely";

/** Times are epoch milliseconds (bigint in PostgreSQL, integer in SQLite): one type on both. */
export interface BankTable {
  id: string;
  name_ja: string;
  name_en: string;
  organization: string;
  ca_name: string;
  audit_seq: number;
  audit_head: string;
  created_at: number;
}

export interface ContractTable {
  id: Generated<number>;
  bank_id: string;
  code: string;
  name: string;
  login_method: string;
  status: string;
  next_user_index: number;
  created_at: number;
}

export interface UserTable {
  id: Generated<number>;
  bank_id: string;
  contract_id: number;
  login_id: string;
  user_no: string;
  name: string;
  email: string;
  role: string;
  password_hash: string;
  confirm_hash: string;
  totp_secret: string | null;
  /** an enrolment's secret, shown but not yet confirmed by a code (issue 11) */
  totp_pending: string | null;
  status: string;
  must_change_password: number;
  failed_logins: number;
  failed_confirms: number;
  totp_last_step: ColumnType<number, number | undefined, number>;
  certs_reset_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  id_hash: string;
  bank_id: string;
  user_id: number;
  cert_serial: string | null;
  csrf: string;
  created_at: number;
  last_seen: number;
  purpose: Generated<string>;
}

export interface SubmissionTable {
  token: string;
  bank_id: string;
  /** who submitted: "user:<id>" or "staff:<row id>"; a result is shown to its owner only */
  owner: string;
  action: string;
  result: string | null;
  created_at: number;
}

export interface CaTable {
  id: Generated<number>;
  bank_id: string;
  kind: string;
  subject: string;
  cert_der: Uint8Array;
  key_ref: string;
  not_after: number;
  current: number;
  crl_number: number;
  status_revision: number;
  created_at: number;
  /** the CA that signed this one (null: a root) */
  parent_id: number | null;
  /** an issuing CA's generation (G1, G2, …) */
  generation: Generated<number>;
  /** when the root revoked this issuing CA (compromise drill) */
  revoked_at: number | null;
  revocation_reason: number | null;
}

export interface CertificateTable {
  serial: string;
  bank_id: string;
  ca_id: number;
  contract_id: number;
  user_id: number;
  state: string;
  subject: string;
  not_before: number;
  not_after: number;
  spki_sha256: string;
  tbs_der: Uint8Array;
  der: Uint8Array | null;
  request_id: number;
  replaces_serial: string | null;
  revoked_at: number | null;
  revocation_reason: number | null;
  created_at: number;
  updated_at: number;
}

export interface RequestTable {
  id: Generated<number>;
  bank_id: string;
  user_id: number;
  kind: string;
  csr_sha256: string;
  csr_der: Uint8Array;
  created_at: number;
}

export interface RevocationTable {
  serial: string;
  bank_id: string;
  ca_id: number;
  reason: number;
  revoked_at: number;
  not_after: number;
  actor: string;
  reference: string | null;
}

export interface CrlTable {
  ca_id: number;
  number: number;
  this_update: number;
  next_update: number;
  /** the CA's status revision this CRL reflects */
  status_revision: number;
  der: Uint8Array;
}

export interface AuditTable {
  id: Generated<number>;
  bank_id: string;
  seq: number;
  at: number;
  actor_kind: string;
  actor_id: string;
  address: string | null;
  cert_serial: string | null;
  action: string;
  contract_id: number | null;
  target_user_id: number | null;
  result: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface NoticeTable {
  id: Generated<number>;
  bank_id: string;
  /** expiry_warning | expired | issued | revoked */
  kind: string;
  cert_serial: string;
  /** the policy offset (P30D) for warnings, "" otherwise */
  offset_key: string;
  /** whose certificate */
  user_id: number;
  recipient_user_id: number;
  due_at: number;
  /** queued | sending | sent | cancelled */
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  sent_at: number | null;
  read_at: number | null;
  created_at: number;
}

export interface NoticeCursorTable {
  bank_id: string;
  kind: string;
  offset_key: string;
  planned_until: number;
}

export interface Database {
  banks: BankTable;
  contracts: ContractTable;
  users: UserTable;
  cas: CaTable;
  certificates: CertificateTable;
  requests: RequestTable;
  revocations: RevocationTable;
  crls: CrlTable;
  audit_events: AuditTable;
  sessions: SessionTable;
  submissions: SubmissionTable;
  notices: NoticeTable;
  notice_cursors: NoticeCursorTable;
  mail_codes: MailCodeTable;
}

/** メール通知パスワード: a keyed hash of the mailed code, good once and until expires_at. */
export interface MailCodeTable {
  id: string;
  bank_id: string;
  user_id: number;
  /** what the code confirms: "<operation>:<target login ID>" */
  purpose: string;
  code_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}
