import type { FastifyReply, FastifyRequest } from "fastify";
import { DomainError, type ErrorCode, type ErrorParams } from "../domain/errors.js";
import { bilingual } from "../i18n/index.js";

/**
 * How a code is answered: its HTTP status, and whether a screen that has a form shows it on that
 * form (the person can correct what they sent) or hands it on to the surface's own page — the login
 * screen for an ended session, the refusal screen for a refused certificate, an error page for a
 * forged or broken request.
 */
interface ErrorAnswer {
  status: number;
  onForm: boolean;
}
const form = (status: number): ErrorAnswer => ({ status, onForm: true });
const page = (status: number): ErrorAnswer => ({ status, onForm: false });

/** The one error table: code → status and where it is shown. */
const ERRORS: Record<ErrorCode, ErrorAnswer> = {
  bank_not_found: page(404),
  auth_required: form(401),
  auth_failed: form(401),
  user_suspended: form(403),
  user_locked: form(403),
  contract_suspended: form(403),
  contract_not_certificate: form(403),
  csr_missing: form(400),
  csr_malformed: form(400),
  csr_signature_invalid: form(400),
  key_type_not_allowed: form(400),
  rsa_key_too_small: form(400),
  rsa_key_too_large: form(400),
  curve_not_allowed: form(400),
  key_reused: form(409),
  csr_forbidden_extension: form(400),
  certificate_already_valid: form(409),
  acquisition_grace_expired: form(403),
  certificate_not_found: form(404),
  certificate_already_revoked: form(409),
  revocation_reason_invalid: form(400),
  user_not_found: form(404),
  contract_not_found: form(404),
  login_id_taken: form(409),
  login_id_invalid: form(400),
  password_invalid: form(400),
  user_limit_reached: form(409),
  master_exists: form(409),
  user_name_invalid: form(400),
  email_invalid: form(400),
  user_role_invalid: form(400),
  body_too_large: form(413),
  unsupported_media_type: form(415),
  not_found: form(404),
  concurrent_request: form(409),
  issuer_expiring: form(503),
  ca_generation_unknown: page(404),
  ca_generation_no_successor: page(409),
  ca_root_not_moved: page(409),
  not_permitted: form(403),
  master_revocation_by_paper: form(403),
  renewal_not_open: form(403),
  certificate_expired_renew: form(403),
  renewal_needs_current_certificate: form(401),
  renewal_same_key: form(400),
  otp_required: form(401),
  otp_invalid: form(401),
  otp_replayed: form(401),
  otp_enrol_first: form(403),
  otp_enrolment_required: page(403),
  otp_enrolment_not_started: form(409),
  otp_not_registered: form(409),
  confirm_password_failed: form(401),
  confirm_locked: form(403),
  mail_code_failed: form(401),
  mail_code_no_address: form(409),
  mail_code_too_soon: form(429),
  mail_not_sent: form(503),
  certificate_refused: page(403),
  session_invalid: page(401),
  csrf_invalid: page(403),
  cross_site_refused: page(403),
  password_change_required: page(403),
  contract_code_invalid: form(400),
  contract_code_taken: form(409),
  contract_name_invalid: form(400),
  paper_reference_required: form(400),
  staff_id_invalid: form(400),
  staff_name_invalid: form(400),
  staff_exists: form(409),
  staff_not_found: form(404),
  too_many_attempts: page(429),
  internal_error: page(500),
};

export function statusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}

/** A 429 says when to come back: Retry-After, from the refusal's own seconds. */
export function retryAfter(reply: FastifyReply, code: ErrorCode, params: ErrorParams): void {
  if (statusOf(code) === 429 && typeof params.seconds === "number") reply.header("retry-after", String(params.seconds));
}

/** Whether `e` is a refusal the screen's own form should show (see ErrorAnswer). */
export function shownOnForm(e: unknown): e is DomainError {
  return e instanceof DomainError && ERRORS[e.code].onForm;
}

/**
 * Answers with the message in Japanese then English: JSON for API clients, plain text (one line
 * each) for everyone else, curl included.
 */
export function sendError(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, params: ErrorParams = {}): FastifyReply {
  const msg = bilingual(code, params);
  reply.code(statusOf(code));
  retryAfter(reply, code, params);
  if (code === "auth_required" || code === "auth_failed") reply.header("www-authenticate", 'Basic realm="inkan", charset="UTF-8"');
  reply.header("cache-control", "no-store");
  if (req.url.startsWith("/api/") || (req.headers.accept ?? "").includes("application/json")) return reply.send({ error: code, message: msg, ...(params.cause ? { cause: params.cause } : {}) });
  return reply.type("text/plain; charset=utf-8").send(`${msg.ja}\n${msg.en}\n`);
}

export interface MappedError {
  code: ErrorCode;
  params: ErrorParams;
}

/**
 * The one mapper of every listener (the portal and API, the staff console, a portal page's own
 * catch): what lifecycle/ refused keeps its code; Fastify's own errors (body size, media type, a
 * body that does not parse) become ours; anything else is logged and answered as internal_error,
 * with only the request's ID shown.
 */
export function mapError(err: unknown, req: FastifyRequest, bodyLimit?: number): MappedError {
  if (err instanceof DomainError) return { code: err.code, params: err.params };
  const e = (err ?? {}) as { code?: string; statusCode?: number };
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { code: "body_too_large", params: { limit: bodyLimit ?? "-" } };
  if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return { code: "unsupported_media_type", params: { type: String(req.headers["content-type"] ?? "none").slice(0, 60) } };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return { code: e.statusCode === 404 ? "not_found" : "csr_malformed", params: { reason: "request" } };
  req.log.error({ err }, "unhandled error");
  return { code: "internal_error", params: { requestId: String(req.id) } };
}

/** The main listener's handler: the mapped code as JSON or plain text (see sendError). */
export const errorHandler = (bodyLimit: number) => (err: Error, req: FastifyRequest, reply: FastifyReply) => {
  const m = mapError(err, req, bodyLimit);
  return sendError(req, reply, m.code, m.params);
};
