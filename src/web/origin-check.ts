import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * Who may send a state-changing request (issue 13: login CSRF and cross-site forms).
 *
 * - `browser`: the portal's pages and the staff console. Only browsers use them, and every browser
 *   we support sends Origin (and Sec-Fetch-Site) on a POST, so a request that carries neither is
 *   refused too: fail closed, as a bank would.
 * - `client`: the JSON API. Apps and scripts send no Origin; when one is sent it must be ours.
 *   Without one the API still needs its X-CSRF-Token header on every change (a header no other site
 *   can set without a CORS preflight, which we never grant), and a login without Origin cannot be a
 *   browser's cross-site form.
 * - `none`: EST (Basic credentials and a client certificate, an application/pkcs10 body no form can
 *   send) and OCSP (reads only). Not checked at all: their clients are not browsers.
 */
export type Surface = "browser" | "client" | "none";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Sec-Fetch-Site values that mean "this page of ours" (none: typed or bookmarked by the person). */
const SAME = new Set(["same-origin", "none"]);

/**
 * Whether a request may change anything: undefined when it may, else why not (for the log). Our
 * origin is https:// and the Host the browser sent (a proxy must pass Host on unchanged, as
 * docs/nginx.conf does): a page of another site cannot send our Host with its own Origin.
 */
export function crossSiteRefusal(req: { method: string; headers: Record<string, string | string[] | undefined> }, surface: Surface): string | undefined {
  if (surface === "none" || !UNSAFE.has(req.method)) return undefined;
  const origin = req.headers.origin;
  const site = req.headers["sec-fetch-site"];
  const host = req.headers.host;
  // "null": the browser hides the origin (a page with a no-referrer policy, a sandboxed frame, a
  // redirect across origins): it proves nothing either way, so Sec-Fetch-Site must speak
  const opaque = origin === "null";
  if (origin !== undefined && !opaque) {
    if (typeof origin !== "string" || typeof host !== "string" || origin.toLowerCase() !== `https://${host}`.toLowerCase()) return "foreign origin";
  }
  if (site !== undefined && (typeof site !== "string" || !SAME.has(site))) return `sec-fetch-site ${String(site).slice(0, 20)}`;
  if (opaque && site === undefined) return "opaque origin";
  if (surface === "browser" && origin === undefined && site === undefined) return "no origin";
  return undefined;
}

/**
 * The one check of every state-changing request on a listener (an onRequest hook: before the body is
 * read, before throttling, before any route). `surfaceOf` says what a path is; `refuse` answers in
 * the listener's own way (a page in ja/en, or JSON for the API), always 403.
 */
export function checkOrigin(app: FastifyInstance, surfaceOf: (path: string) => Surface, refuse: (req: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>): void {
  app.addHook("onRequest", async (req, reply) => {
    const why = crossSiteRefusal(req, surfaceOf(req.url.split("?")[0]!));
    if (why === undefined) return;
    req.log.warn({ address: req.ip, origin: String(req.headers.origin ?? "-").slice(0, 100), why }, "cross-site request refused");
    return refuse(req, reply);
  });
}

/** The main listener's paths: EST and OCSP are not checked, the API is a client surface, the rest the portal. */
export function mainSurface(path: string): Surface {
  if (path.startsWith("/.well-known/est/") || path.startsWith("/ocsp/")) return "none";
  if (path.startsWith("/api/")) return "client";
  return "browser";
}
