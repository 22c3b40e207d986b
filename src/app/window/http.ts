import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { pageHeaderSet } from "../../shared/page-headers.js";

/**
 * The window's own web server, for the one browser of the person at this PC:
 *  - on 127.0.0.1 only, on a port the system picks (listen 0);
 *  - the first address carries a one-time token, exchanged once for an HttpOnly SameSite=Strict
 *    cookie, then the browser is sent to a clean address (the token in history opens nothing);
 *  - a request whose Host is not 127.0.0.1:<port> is refused (DNS rebinding: a site whose name
 *    resolves to 127.0.0.1 still sends its own name), and so is a POST whose Origin is not ours;
 *  - no script at all, and a CSP that says so; nothing cached.
 */

export interface WindowRequest {
  method: "GET" | "POST";
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  cookie(name: string): string | undefined;
}

export type WindowResponse = { status?: number; html: string; setCookie?: string[] } | { redirect: string; setCookie?: string[] };

export interface WindowServer {
  origin: string;
  /** the address the browser is opened on: with the token, good once */
  startUrl: string;
  /** resolves when close() was called and the listener has stopped */
  closed: Promise<void>;
  close(): void;
}

export const WINDOW_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const FORM_LIMIT = 64 * 1024;

export interface WindowHandlers {
  handle(req: WindowRequest): Promise<WindowResponse>;
  /** a page for a refused request (no session, wrong Host, foreign Origin), in both languages */
  refused(): string;
  css: string;
}

export async function startWindowServer(h: WindowHandlers): Promise<WindowServer> {
  let token: string | undefined = randomBytes(32).toString("base64url");
  const session = randomBytes(32).toString("base64url");
  let origin = "";
  let host = "";
  let cookieName = "";
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));

  const server = createServer((req, res) => {
    serveOne(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  });

  async function serveOne(req: IncomingMessage, res: ServerResponse) {
    if (req.headers.host !== host) return send(res, 403, "text/html; charset=utf-8", h.refused());
    const url = new URL(req.url ?? "/", origin);
    const cookies = parseCookies(req.headers.cookie);
    if (req.method === "GET" && url.pathname === "/start") {
      const given = url.searchParams.get("token") ?? "";
      if (token === undefined || !same(given, token)) return send(res, 403, "text/html; charset=utf-8", h.refused());
      token = undefined;
      return redirect(res, "/", [`${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`]);
    }
    if (req.method === "GET" && url.pathname === "/window.css") return send(res, 200, "text/css; charset=utf-8", h.css);
    if (!same(cookies.get(cookieName) ?? "", session)) return send(res, 403, "text/html; charset=utf-8", h.refused());
    if (req.method !== "GET" && req.method !== "POST") return send(res, 405, "text/plain; charset=utf-8", "method not allowed");
    if (req.method === "POST" && req.headers.origin !== origin) return send(res, 403, "text/html; charset=utf-8", h.refused());
    const form = req.method === "POST" ? new URLSearchParams(await body(req)) : new URLSearchParams();
    const out = await h.handle({ method: req.method, path: url.pathname, query: url.searchParams, form, cookie: (n) => cookies.get(n) });
    if ("redirect" in out) return redirect(res, out.redirect, out.setCookie);
    return send(res, out.status ?? 200, "text/html; charset=utf-8", out.html, out.setCookie);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
  // one cookie name per window: cookies do not tell ports apart, two windows must not share one
  cookieName = `inkan_app_${port}`;
  return {
    origin,
    startUrl: `${origin}/start?token=${token}`,
    closed,
    close() {
      server.close(() => resolveClosed());
      server.closeAllConnections();
    },
  };
}

function headers(res: ServerResponse, setCookie?: string[]) {
  for (const [name, value] of Object.entries(pageHeaderSet(WINDOW_CSP, "loopback"))) res.setHeader(name, value);
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("cross-origin-resource-policy", "same-origin");
  if (setCookie?.length) res.setHeader("set-cookie", setCookie);
}

function send(res: ServerResponse, status: number, type: string, body: string, setCookie?: string[]) {
  headers(res, setCookie);
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, setCookie?: string[]) {
  headers(res, setCookie);
  res.writeHead(303, { location, "content-length": 0 });
  res.end();
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) m.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return m;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > FORM_LIMIT) {
        req.destroy();
        reject(new Error("form too large"));
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
