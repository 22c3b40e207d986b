import type { FastifyReply, FastifyRequest } from "fastify";

export function cookieValue(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
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
