import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Our cookies' names. `__Host-`: the browser keeps such a cookie only if it came over HTTPS with
 * Path=/ and no Domain, so no other host (a sibling subdomain, a plain-HTTP answer) can plant or
 * overwrite it. The acquisition grant is limited to /<bank>/certificate (it must not reach the rest
 * of the portal), which `__Host-` forbids; it is `__Secure-` (HTTPS only, no Domain set by us) and
 * the grant is bound in the database to its own purpose, so a planted one opens nothing.
 */
export const SESSION_COOKIE = "__Host-inkan_session";
export const GRANT_COOKIE = "__Secure-inkan_grant";
export const LANG_COOKIE = "__Host-inkan_lang";
/** The staff console's session (its form token rotates with it): on the staff origin only. */
export const STAFF_SESSION_COOKIE = "__Host-inkan_staff";

/**
 * One cookie's value. A cookie we cannot decode (bad percent-encoding, say) is treated as absent:
 * the browser keeps whatever it was sent, and no page should fail because of it.
 */
export function cookieValue(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if ((eq < 0 ? part : part.slice(0, eq)).trim() !== name) continue;
    if (eq < 0) return "";
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Every cookie of ours: HTTPS only, never read by scripts, never sent from another site, never a Domain. */
export function setCookie(reply: FastifyReply, name: string, value: string, opts: { maxAge?: number; path?: string } = {}) {
  const path = opts.path ?? "/";
  // a __Host- cookie with another path would be dropped by the browser without a word
  if (name.startsWith("__Host-") && path !== "/") throw new Error(`${name} must have Path=/`);
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${path}`, "HttpOnly", "Secure", "SameSite=Strict"];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  const prev = reply.getHeader("set-cookie");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header("set-cookie", [...list, parts.join("; ")]);
}
