import type { FastifyReply, FastifyRequest } from "fastify";
import { DomainError, type ErrorCode, type ErrorParams } from "../domain/errors.js";
import { bilingual } from "../i18n/index.js";

/** The one table from error code to HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  bank_not_found: 404,
  auth_required: 401,
  auth_failed: 401,
  user_suspended: 403,
  user_locked: 403,
  contract_suspended: 403,
  contract_not_certificate: 403,
  csr_missing: 400,
  csr_malformed: 400,
  csr_signature_invalid: 400,
  key_type_not_allowed: 400,
  rsa_key_too_small: 400,
  rsa_key_too_large: 400,
  curve_not_allowed: 400,
  key_reused: 409,
  csr_forbidden_extension: 400,
  certificate_already_valid: 409,
  acquisition_grace_expired: 403,
  certificate_not_found: 404,
  certificate_already_revoked: 409,
  revocation_reason_invalid: 400,
  user_not_found: 404,
  contract_not_found: 404,
  login_id_taken: 409,
  login_id_invalid: 400,
  password_invalid: 400,
  user_limit_reached: 409,
  master_exists: 409,
  user_name_invalid: 400,
  email_invalid: 400,
  user_role_invalid: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  concurrent_request: 409,
  not_permitted: 403,
  master_revocation_by_paper: 403,
  renewal_not_open: 403,
  certificate_expired_renew: 403,
  renewal_needs_current_certificate: 401,
  renewal_same_key: 400,
  otp_required: 401,
  otp_invalid: 401,
  otp_replayed: 401,
  confirm_password_failed: 401,
  confirm_locked: 403,
  certificate_refused: 403,
  session_invalid: 401,
  csrf_invalid: 403,
  password_change_required: 403,
  contract_code_invalid: 400,
  contract_code_taken: 409,
  contract_name_invalid: 400,
  paper_reference_required: 400,
  staff_id_invalid: 400,
  staff_name_invalid: 400,
  staff_exists: 409,
  staff_not_found: 404,
  internal_error: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/**
 * Answers with the message in Japanese then English: JSON for API clients, plain text (one line
 * each) for everyone else, curl included.
 */
export function sendError(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, params: ErrorParams = {}): FastifyReply {
  const msg = bilingual(code, params);
  reply.code(STATUS[code]);
  if (code === "auth_required" || code === "auth_failed") reply.header("www-authenticate", 'Basic realm="inkan", charset="UTF-8"');
  reply.header("cache-control", "no-store");
  if (req.url.startsWith("/api/") || (req.headers.accept ?? "").includes("application/json")) return reply.send({ error: code, message: msg, ...(params.cause ? { cause: params.cause } : {}) });
  return reply.type("text/plain; charset=utf-8").send(`${msg.ja}\n${msg.en}\n`);
}

/** Fastify's own errors (body size, media type, bad JSON) mapped onto our codes. */
export const errorHandler = (bodyLimit: number) => (err: Error & { code?: string; statusCode?: number }, req: FastifyRequest, reply: FastifyReply) => {
  if (err instanceof DomainError) return sendError(req, reply, err.code, err.params);
  if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendError(req, reply, "body_too_large", { limit: bodyLimit });
  if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return sendError(req, reply, "unsupported_media_type", { type: String(req.headers["content-type"] ?? "none").slice(0, 60) });
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return sendError(req, reply, err.statusCode === 404 ? "not_found" : "csr_malformed", { reason: "request" });
  }
  req.log.error({ err }, "unhandled error");
  return sendError(req, reply, "internal_error", { requestId: String(req.id) });
};
