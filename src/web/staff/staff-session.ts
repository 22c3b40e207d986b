import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { STAFF_SESSION_COOKIE, cookieValue, setCookie } from "../views/cookies.js";
import { staffSessionOpen } from "../../domain/staff-session.js";

/**
 * The staff console's session: what its form token rotates with. The certificate still identifies
 * the staff member on every request; the session only says "these pages were handed out together".
 *
 * The cookie is `<nonce>.<started ms>.<mac>`, the MAC (HMAC-SHA256 under the console's key, which
 * every node derives alike) binding nonce, start and the certificate's serial: no row to share
 * between nodes, nothing another certificate can reuse. The form token is HMAC(key, serial, nonce):
 * new with every session, so a token seen once is dead when its session ends
 * (STAFF_SESSION_MAX_MS, src/domain/staff-session.ts), when the browser drops the cookie, or when
 * another certificate is presented.
 */
export interface StaffSession {
  csrf: string;
}

const mac = (key: Uint8Array, ...parts: string[]) => createHmac("sha256", key).update(parts.join("\n")).digest("base64url");

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The session the request's cookie carries for this certificate, if it is ours, this serial's, and open. */
function carried(req: FastifyRequest, key: Uint8Array, serial: string, now: Date): string | undefined {
  const parts = (cookieValue(req, STAFF_SESSION_COOKIE) ?? "").split(".");
  if (parts.length !== 3) return undefined;
  const [nonce, started, tag] = parts as [string, string, string];
  if (!/^[A-Za-z0-9_-]{32}$/.test(nonce) || !/^\d{1,15}$/.test(started)) return undefined;
  if (!same(tag, mac(key, "inkan-staff-session", serial, nonce, started))) return undefined;
  return staffSessionOpen(Number(started), now) ? nonce : undefined;
}

/**
 * The staff session of this request: the one its cookie carries, else a new one (its cookie set on
 * the answer). A form posted without its session's cookie therefore meets a new session, whose
 * token it cannot carry, and is refused.
 */
export function staffSession(req: FastifyRequest, reply: FastifyReply, key: Uint8Array, serial: string, now: Date): StaffSession {
  let nonce = carried(req, key, serial, now);
  if (!nonce) {
    nonce = randomBytes(24).toString("base64url");
    const started = String(now.getTime());
    setCookie(reply, STAFF_SESSION_COOKIE, `${nonce}.${started}.${mac(key, "inkan-staff-session", serial, nonce, started)}`);
  }
  return { csrf: staffFormToken(key, serial, nonce) };
}

/** The form token of one session of one certificate. */
export function staffFormToken(key: Uint8Array, serial: string, nonce: string): string {
  return mac(key, "inkan-staff-csrf", serial, nonce);
}

/** Whether a form's token is this session's. */
export function staffTokenMatches(sent: unknown, session: StaffSession): boolean {
  return typeof sent === "string" && same(sent, session.csrf);
}
