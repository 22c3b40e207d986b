import type { FastifyReply } from "fastify";

/**
 * The page policy: nothing inline (no script, no style attribute), scripts and styles from our own
 * origin only, never framed, forms post only to us.
 */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("content-security-policy", PAGE_CSP)
    .header("strict-transport-security", "max-age=31536000")
    .header("x-content-type-options", "nosniff")
    .header("x-frame-options", "DENY")
    // a Referer to ourselves only; not no-referrer, under which a browser sends our own forms Origin: null
    .header("referrer-policy", "same-origin")
    .header("cache-control", "no-store");
}
