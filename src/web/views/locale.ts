import type { FastifyRequest } from "fastify";
import type { Locale } from "../../i18n/messages.js";
import { LANG_COOKIE, cookieValue } from "./cookies.js";

export { LANG_COOKIE };

/**
 * Japanese unless the person chose English with the toggle (a cookie) or, before choosing, their
 * browser asks for English ahead of Japanese.
 */
export function localeOf(req: FastifyRequest): Locale {
  const chosen = cookieValue(req, LANG_COOKIE);
  if (chosen === "en" || chosen === "ja") return chosen;
  for (const part of String(req.headers["accept-language"] ?? "").split(",")) {
    const tag = part.trim().toLowerCase();
    if (tag.startsWith("ja")) return "ja";
    if (tag.startsWith("en")) return "en";
  }
  return "ja";
}
