/**
 * The headers every page of ours carries, whoever serves it — the portal, the staff console, the
 * issuing app's window: its CSP, never framed or sniffed, a Referer to ourselves only (not
 * no-referrer, under which a browser sends our own forms `Origin: null` and the origin check
 * refuses them), never cached. HSTS only where the page came over HTTPS (the app's window is plain
 * HTTP on 127.0.0.1).
 */
export function pageHeaderSet(csp: string, transport: "https" | "loopback"): Record<string, string> {
  return {
    "content-security-policy": csp,
    ...(transport === "https" ? { "strict-transport-security": "max-age=31536000" } : {}),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
  };
}
