import type { ErrorCode } from "../domain/errors.js";
import type { MessageKey, Params } from "./messages.js";

/** The exit codes of inkan-app; the README's table is this one. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  unreachable: 3,
  protocol: 4,
  unknownBank: 5,
  login: 6,
  otp: 7,
  certificate: 8,
  refused: 9,
  store: 10,
  tool: 11,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the app explains: what happened (key) and what to do (hint), and its exit code. */
export class AppError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Params,
    readonly exit: ExitCode,
    readonly hint?: MessageKey,
    readonly hintParams: Params = {},
  ) {
    super(key);
    this.name = "AppError";
  }
}

/**
 * The server said no. Its message arrives in Japanese and English (JSON with Accept:
 * application/json); the app adds what to do in its own terms.
 */
export class ServerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message2: { ja: string; en: string },
    readonly cause2: string | undefined,
    readonly exit: ExitCode,
    readonly hint: MessageKey | undefined,
  ) {
    super(`${code}: ${message2.en}`);
    this.name = "ServerRefusal";
  }
}

/**
 * Server error codes (src/domain/errors.ts) to the app's exit code and hint. Partial on purpose:
 * a code added on the server later falls back on its HTTP status instead of failing the build.
 */
const BY_CODE: Partial<Record<ErrorCode, { exit: ExitCode; hint?: MessageKey }>> = {
  bank_not_found: { exit: EXIT.unknownBank, hint: "hint_unknown_bank" },
  auth_required: { exit: EXIT.login, hint: "hint_login" },
  auth_failed: { exit: EXIT.login, hint: "hint_login" },
  user_not_found: { exit: EXIT.login, hint: "hint_login" },
  user_suspended: { exit: EXIT.login },
  user_locked: { exit: EXIT.login },
  contract_suspended: { exit: EXIT.login },
  contract_not_certificate: { exit: EXIT.login, hint: "hint_contract" },
  otp_required: { exit: EXIT.otp, hint: "hint_otp" },
  otp_invalid: { exit: EXIT.otp, hint: "hint_otp" },
  otp_replayed: { exit: EXIT.otp, hint: "hint_otp" },
  certificate_expired_renew: { exit: EXIT.certificate, hint: "hint_expired" },
  certificate_refused: { exit: EXIT.certificate },
  renewal_needs_current_certificate: { exit: EXIT.certificate, hint: "hint_superseded" },
  certificate_already_valid: { exit: EXIT.refused, hint: "hint_already_valid" },
  renewal_not_open: { exit: EXIT.refused, hint: "hint_not_open" },
  acquisition_grace_expired: { exit: EXIT.refused },
  key_reused: { exit: EXIT.refused, hint: "hint_retry" },
  renewal_same_key: { exit: EXIT.refused, hint: "hint_retry" },
  concurrent_request: { exit: EXIT.refused, hint: "hint_retry" },
  not_permitted: { exit: EXIT.refused, hint: "hint_bank_support" },
  key_type_not_allowed: { exit: EXIT.refused },
  rsa_key_too_small: { exit: EXIT.refused },
  rsa_key_too_large: { exit: EXIT.refused },
  curve_not_allowed: { exit: EXIT.refused, hint: "hint_retry" },
  csr_missing: { exit: EXIT.protocol, hint: "hint_protocol" },
  csr_malformed: { exit: EXIT.protocol, hint: "hint_protocol" },
  csr_signature_invalid: { exit: EXIT.protocol, hint: "hint_protocol" },
  csr_forbidden_extension: { exit: EXIT.protocol, hint: "hint_protocol" },
  body_too_large: { exit: EXIT.protocol, hint: "hint_protocol" },
  unsupported_media_type: { exit: EXIT.protocol, hint: "hint_protocol" },
  not_found: { exit: EXIT.protocol, hint: "hint_protocol" },
  internal_error: { exit: EXIT.unreachable, hint: "hint_later" },
};

/** The certificate_refused causes (src/i18n/refusals.ts) to what the app suggests. */
const BY_CAUSE: Record<string, MessageKey> = {
  expired: "hint_expired",
  revoked: "hint_revoked",
  superseded: "hint_superseded",
  unknown: "hint_revoked",
  foreign: "hint_unknown_bank",
};

export function refusalFrom(status: number, body: { error?: unknown; message?: unknown; cause?: unknown }): ServerRefusal {
  const code = typeof body.error === "string" ? body.error : "unknown";
  const m = body.message as { ja?: unknown; en?: unknown } | undefined;
  const message = { ja: typeof m?.ja === "string" ? m.ja : `HTTP ${status}`, en: typeof m?.en === "string" ? m.en : `HTTP ${status}` };
  const cause = typeof body.cause === "string" ? body.cause : undefined;
  const known = BY_CODE[code as ErrorCode];
  let exit: ExitCode;
  let hint: MessageKey | undefined;
  if (known) {
    exit = known.exit;
    hint = known.hint;
  } else if (status >= 500) {
    exit = EXIT.unreachable;
    hint = "hint_later";
  } else if (status === 401) {
    exit = EXIT.login;
    hint = "hint_login";
  } else {
    exit = EXIT.refused;
    hint = "hint_bank_support";
  }
  if (code === "certificate_refused" && cause) hint = BY_CAUSE[cause] ?? hint;
  if (code === "user_locked" || code === "user_suspended") hint = "hint_locked";
  if (code === "contract_suspended") hint = "hint_contract";
  if (code === "acquisition_grace_expired") hint = "hint_grace";
  return new ServerRefusal(status, code, message, cause, exit, hint);
}
