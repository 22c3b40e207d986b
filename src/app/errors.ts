import type { ErrorCode } from "../domain/errors.js";
import type { MessageKey, Params } from "./messages.js";

/** The exit codes of inkan-app; docs/issuing-app.md's table is this one. */
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
 * Server error codes (src/domain/errors.ts) to the app's exit code and hint, one row per outcome.
 * Partial on purpose: a code added on the server later falls back on its HTTP status instead of
 * failing the build.
 */
const OUTCOMES: Array<{ exit: ExitCode; hint?: MessageKey; codes: ErrorCode[] }> = [
  { exit: EXIT.unknownBank, hint: "hint_unknown_bank", codes: ["bank_not_found"] },
  { exit: EXIT.login, hint: "hint_login", codes: ["auth_required", "auth_failed", "user_not_found"] },
  { exit: EXIT.login, hint: "hint_locked", codes: ["user_suspended", "user_locked"] },
  { exit: EXIT.login, hint: "hint_contract", codes: ["contract_suspended", "contract_not_certificate"] },
  { exit: EXIT.otp, hint: "hint_otp", codes: ["otp_required", "otp_invalid", "otp_replayed"] },
  { exit: EXIT.otp, hint: "hint_otp_enrol", codes: ["otp_enrol_first"] },
  { exit: EXIT.certificate, hint: "hint_expired", codes: ["certificate_expired_renew"] },
  // its hint depends on the cause (BY_CAUSE)
  { exit: EXIT.certificate, codes: ["certificate_refused"] },
  { exit: EXIT.certificate, hint: "hint_superseded", codes: ["renewal_needs_current_certificate"] },
  { exit: EXIT.refused, hint: "hint_already_valid", codes: ["certificate_already_valid"] },
  { exit: EXIT.refused, hint: "hint_not_open", codes: ["renewal_not_open"] },
  { exit: EXIT.refused, hint: "hint_grace", codes: ["acquisition_grace_expired"] },
  { exit: EXIT.refused, hint: "hint_retry", codes: ["key_reused", "renewal_same_key", "concurrent_request", "curve_not_allowed"] },
  { exit: EXIT.refused, hint: "hint_bank_support", codes: ["not_permitted"] },
  { exit: EXIT.refused, codes: ["key_type_not_allowed", "rsa_key_too_small", "rsa_key_too_large"] },
  {
    exit: EXIT.protocol,
    hint: "hint_protocol",
    codes: ["csr_missing", "csr_malformed", "csr_signature_invalid", "csr_forbidden_extension", "body_too_large", "unsupported_media_type", "not_found"],
  },
  { exit: EXIT.unreachable, hint: "hint_later", codes: ["internal_error"] },
];
const BY_CODE = new Map<string, { exit: ExitCode; hint?: MessageKey }>(OUTCOMES.flatMap((o) => o.codes.map((c) => [c, { exit: o.exit, hint: o.hint }] as const)));

/** An unknown code: by the HTTP status. */
function byStatus(status: number): { exit: ExitCode; hint: MessageKey } {
  if (status >= 500) return { exit: EXIT.unreachable, hint: "hint_later" };
  if (status === 401) return { exit: EXIT.login, hint: "hint_login" };
  return { exit: EXIT.refused, hint: "hint_bank_support" };
}

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
  const { exit, hint: codeHint } = BY_CODE.get(code) ?? byStatus(status);
  const hint = code === "certificate_refused" && cause ? (BY_CAUSE[cause] ?? codeHint) : codeHint;
  return new ServerRefusal(status, code, message, cause, exit, hint);
}
