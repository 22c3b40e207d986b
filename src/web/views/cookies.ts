import type { FastifyReply, FastifyRequest } from "fastify";

/** The login session (portal and API alike) and 証明書取得認証's grant. */
export const SESSION_COOKIE = "inkan_session";
export const GRANT_COOKIE = "inkan_grant";

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

/** Every cookie of ours: HTTPS only, never read by scripts, never sent from another site. */
export function setCookie(reply: FastifyReply, name: string, value: string, opts: { maxAge?: number; path?: string } = {}) {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${opts.path ?? "/"}`, "HttpOnly", "Secure", "SameSite=Strict"];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  const prev = reply.getHeader("set-cookie");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header("set-cookie", [...list, parts.join("; ")]);
}
