/**
 * Every refusal below web/ is a DomainError with a code; web/ maps the code once to an HTTP status
 * and to the ja/en message (i18n/). Params fill the message; they never carry secrets.
 */
export const ERROR_CODES = [
  "bank_not_found",
  "auth_required",
  "auth_failed",
  "user_suspended",
  "user_locked",
  "contract_suspended",
  "contract_not_certificate",
  "csr_missing",
  "csr_malformed",
  "csr_signature_invalid",
  "key_type_not_allowed",
  "rsa_key_too_small",
  "rsa_key_too_large",
  "curve_not_allowed",
  "key_reused",
  "csr_forbidden_extension",
  "certificate_already_valid",
  "acquisition_grace_expired",
  "certificate_not_found",
  "certificate_already_revoked",
  "revocation_reason_invalid",
  "user_not_found",
  "contract_not_found",
  "login_id_taken",
  "login_id_invalid",
  "password_invalid",
  "user_limit_reached",
  "master_exists",
  "user_name_invalid",
  "email_invalid",
  "user_role_invalid",
  "body_too_large",
  "unsupported_media_type",
  "not_found",
  "concurrent_request",
  "not_permitted",
  "master_revocation_by_paper",
  "renewal_not_open",
  "certificate_expired_renew",
  "renewal_needs_current_certificate",
  "renewal_same_key",
  "otp_required",
  "otp_invalid",
  "otp_replayed",
  "otp_enrol_first",
  "otp_enrolment_required",
  "otp_enrolment_not_started",
  "otp_not_registered",
  "confirm_password_failed",
  "confirm_locked",
  "mail_code_failed",
  "mail_code_no_address",
  "mail_code_too_soon",
  "mail_not_sent",
  "certificate_refused",
  "session_invalid",
  "csrf_invalid",
  "cross_site_refused",
  "password_change_required",
  "contract_code_invalid",
  "contract_code_taken",
  "contract_name_invalid",
  "paper_reference_required",
  "staff_id_invalid",
  "staff_name_invalid",
  "staff_exists",
  "staff_not_found",
  "too_many_attempts",
  "issuer_expiring",
  "ca_generation_unknown",
  "ca_generation_no_successor",
  "ca_root_not_moved",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorParams = Record<string, string | number>;

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  constructor(code: ErrorCode, params: ErrorParams = {}, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = "DomainError";
    this.code = code;
    this.params = params;
  }
}

/**
 * A write that would have made a second row under a key that must be unique — most often two
 * requests racing for the same login ID, contract code, staff ID or key. store/ raises it in place
 * of the database driver's error (SQLite and PostgreSQL name it differently); lifecycle/ says what
 * it means for the operation (login_id_taken, a repeated request, …). Not a refusal by itself.
 */
export class UniqueConflict extends Error {
  constructor(detail: string) {
    super(`unique key conflict: ${detail}`);
    this.name = "UniqueConflict";
  }
}

export function isUniqueConflict(e: unknown): e is UniqueConflict {
  return e instanceof UniqueConflict;
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
