import type { FastifyReply } from "fastify";
import { pageHeaderSet } from "../../shared/page-headers.js";

/**
 * The page policy: nothing inline (no script, no style attribute), scripts and styles from our own
 * origin only, never framed, forms post only to us.
 */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers(pageHeaderSet(PAGE_CSP, "https"));
}
