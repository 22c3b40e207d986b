import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import * as x509 from "./x509.js";
import { AppError, EXIT, refusalFrom } from "./errors.js";

/**
 * EST (RFC 7030) as the issuing app speaks it: cacerts, csrattrs, simpleenroll (HTTP Basic),
 * simplereenroll (mutual TLS with the current certificate plus HTTP Basic). The one-time password
 * rides in X-Inkan-OTP. Errors are asked for as JSON so that the app gets the error code.
 */

export interface Target {
  /** https://host:port — the server's base URL */
  server: string;
  bank: string;
  /** PEM of the CA that verifies the server's TLS certificate; undefined: the system's CAs */
  serverCaPem?: string;
  timeoutMs: number;
}

export interface ClientIdentity {
  certPem: string;
  /** encrypted PKCS#8 PEM; OpenSSL decrypts it with the passphrase inside the TLS handshake */
  keyPem: string;
  passphrase: string;
}

interface Answer {
  status: number;
  type: string;
  body: Buffer;
}

const TLS_TRUST_ERRORS = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

/** Network failures become the app's explained errors: unreachable (3) or not trusted (4). */
function networkError(e: NodeJS.ErrnoException, server: string, timeoutMs: number): AppError {
  const code = e.code ?? "";
  if (code === "INKAN_TIMEOUT") return new AppError("err_timeout", { server, seconds: Math.round(timeoutMs / 1000) }, EXIT.unreachable, "hint_unreachable");
  if (TLS_TRUST_ERRORS.has(code)) return new AppError("err_untrusted", { server, reason: code }, EXIT.protocol, "hint_untrusted");
  if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || /ssl|tls/i.test(e.message)) {
    return new AppError("err_protocol", { detail: `${code || "TLS"}: ${e.message.split("\n")[0]}` }, EXIT.protocol, "hint_protocol");
  }
  const errors = (e as unknown as { errors?: NodeJS.ErrnoException[] }).errors;
  const reason = code || errors?.map((x) => x.code).filter(Boolean).join(", ") || e.message;
  return new AppError("err_unreachable", { server, reason }, EXIT.unreachable, "hint_unreachable");
}

export function send(
  url: URL,
  o: { method: "GET" | "POST"; headers?: Record<string, string>; body?: Uint8Array | string; serverCaPem?: string; identity?: ClientIdentity; timeoutMs: number },
): Promise<Answer> {
  const isHttps = url.protocol === "https:";
  const server = url.origin;
  return new Promise((resolve, reject) => {
    const req = (isHttps ? httpsRequest : httpRequest)(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname + url.search,
        method: o.method,
        headers: { accept: "application/json, */*;q=0.5", "user-agent": "inkan-app", ...o.headers },
        agent: false,
        ...(isHttps
          ? {
              ...(o.serverCaPem ? { ca: o.serverCaPem } : {}),
              ...(o.identity ? { cert: o.identity.certPem, key: o.identity.keyPem, passphrase: o.identity.passphrase } : {}),
            }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }));
        res.on("error", (e) => reject(networkError(e, server, o.timeoutMs)));
      },
    );
    req.setTimeout(o.timeoutMs, () => req.destroy(Object.assign(new Error("timeout"), { code: "INKAN_TIMEOUT" })));
    req.on("error", (e) => reject(e instanceof AppError ? e : networkError(e, server, o.timeoutMs)));
    req.end(o.body === undefined ? undefined : Buffer.from(o.body));
  });
}

function estUrl(t: Target, op: string): URL {
  const base = t.server.replace(/\/+$/, "");
  return new URL(`${base}/.well-known/est/${encodeURIComponent(t.bank)}/${op}`);
}

/** A non-200 answer: the server's refusal if it speaks our JSON, else a protocol error. */
function failure(a: Answer): Error {
  if (a.type.includes("application/json")) {
    try {
      const body = JSON.parse(a.body.toString("utf8"));
      if (body && typeof body === "object" && typeof body.error === "string") return refusalFrom(a.status, body);
    } catch {
      // fall through
    }
  }
  if (a.status >= 500) return new AppError("err_server_failure", { status: a.status, message: a.body.toString("utf8").slice(0, 200).trim() }, EXIT.unreachable, "hint_later");
  return new AppError("err_protocol", { detail: `HTTP ${a.status}` }, EXIT.protocol, "hint_protocol");
}

function certsOnly(a: Answer, what: string): x509.X509Certificate[] {
  if (a.status !== 200) throw failure(a);
  try {
    const der = Buffer.from(a.body.toString("ascii").replace(/\s+/g, ""), "base64");
    const certs = new x509.X509Certificates();
    certs.import(new Uint8Array(der));
    if (certs.length === 0) throw new Error("no certificate");
    return [...certs];
  } catch (e) {
    throw new AppError("err_protocol", { detail: `${what}: ${(e as Error).message}` }, EXIT.protocol, "hint_protocol");
  }
}

const basic = (loginId: string, password: string) => "Basic " + Buffer.from(`${loginId}:${password}`, "utf8").toString("base64");

export class EstClient {
  constructor(readonly target: Target) {}

  /** The bank's issuing CA and root (RFC 7030 4.1). */
  async cacerts(): Promise<x509.X509Certificate[]> {
    const a = await send(estUrl(this.target, "cacerts"), { method: "GET", serverCaPem: this.target.serverCaPem, timeoutMs: this.target.timeoutMs });
    return certsOnly(a, "cacerts");
  }

  /**
   * RFC 7030 4.5: what the CSR should carry. A challengePassword in the list means the bank asks
   * for a one-time password. Made with a client certificate, the request also activates that
   * certificate if it is pending (the server's rule), which is how a renewal is confirmed.
   */
  async csrattrs(identity?: ClientIdentity): Promise<{ otp: boolean }> {
    const a = await send(estUrl(this.target, "csrattrs"), { method: "GET", serverCaPem: this.target.serverCaPem, identity, timeoutMs: this.target.timeoutMs });
    if (a.status !== 200) throw failure(a);
    try {
      const der = Buffer.from(a.body.toString("ascii").replace(/\s+/g, ""), "base64");
      return { otp: topLevelOids(der).includes("1.2.840.113549.1.9.7") };
    } catch (e) {
      throw new AppError("err_protocol", { detail: `csrattrs: ${(e as Error).message}` }, EXIT.protocol, "hint_protocol");
    }
  }

  async simpleenroll(loginId: string, password: string, otp: string | undefined, csrDer: Uint8Array): Promise<x509.X509Certificate> {
    const a = await send(estUrl(this.target, "simpleenroll"), {
      method: "POST",
      serverCaPem: this.target.serverCaPem,
      timeoutMs: this.target.timeoutMs,
      headers: { "content-type": "application/pkcs10", authorization: basic(loginId, password), ...(otp ? { "x-inkan-otp": otp } : {}) },
      body: Buffer.from(csrDer).toString("base64"),
    });
    return certsOnly(a, "simpleenroll")[0]!;
  }

  async simplereenroll(current: ClientIdentity, loginId: string, password: string, otp: string | undefined, csrDer: Uint8Array): Promise<x509.X509Certificate> {
    const a = await send(estUrl(this.target, "simplereenroll"), {
      method: "POST",
      serverCaPem: this.target.serverCaPem,
      identity: current,
      timeoutMs: this.target.timeoutMs,
      headers: { "content-type": "application/pkcs10", authorization: basic(loginId, password), ...(otp ? { "x-inkan-otp": otp } : {}) },
      body: Buffer.from(csrDer).toString("base64"),
    });
    return certsOnly(a, "simplereenroll")[0]!;
  }
}

/** The OBJECT IDENTIFIERs directly inside a DER SEQUENCE (CsrAttrs' bare OIDs). */
function topLevelOids(der: Buffer): string[] {
  const header = (at: number) => {
    const tag = der[at]!;
    let len = der[at + 1]!;
    let off = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[off + i]!;
      off += n;
    }
    if (off + len > der.length) throw new Error("truncated DER");
    return { tag, off, len };
  };
  const outer = header(0);
  if (outer.tag !== 0x30) throw new Error("not a SEQUENCE");
  const oids: string[] = [];
  for (let at = outer.off; at < outer.off + outer.len; ) {
    const h = header(at);
    if (h.tag === 0x06) oids.push(decodeOid(der.subarray(h.off, h.off + h.len)));
    at = h.off + h.len;
  }
  return oids;
}

function decodeOid(b: Buffer): string {
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (const byte of b.subarray(1)) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}
