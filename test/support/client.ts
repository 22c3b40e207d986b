import { request } from "node:https";
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import * as x509 from "../../src/ca/x509.js";
import type { Harness } from "./harness.js";

/** Where a client connects: a harness, or an `inkan` process started on its own (support/fresh-start.ts). */
export type Endpoint = Pick<Harness, "https" | "serverCaFile">;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface Identity {
  keyPem: string;
  certPem: string;
  serial: string;
}

export interface KeyAndCsr {
  keyPem: string;
  csrB64: string;
}

/** A fresh key and a CSR for it, as a browser or the issuing app would make them. */
export async function newKeyAndCsr(opts: { kind?: "p256" | "rsa2048"; challengePassword?: string } = {}): Promise<KeyAndCsr> {
  const alg = opts.kind === "rsa2048" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } : { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: "CN=whatever",
    keys: keys as any,
    signingAlgorithm: alg,
    attributes: opts.challengePassword ? [new x509.ChallengePasswordAttribute(opts.challengePassword)] : [],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, csrB64: Buffer.from(csr.rawData).toString("base64") };
}

export interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTPS request over a new TLS connection (no agent, no session reuse), presenting the given
 * client certificate if any: each call is a fresh handshake, as a new browser session would be.
 */
export function https(h: Endpoint, o: { method?: string; path: string; identity?: Identity; body?: string | object; headers?: Record<string, string>; origin?: string; localAddress?: string; noOrigin?: boolean }): Promise<Answer> {
  const url = new URL((o.origin ?? h.https) + o.path);
  const body = typeof o.body === "object" ? JSON.stringify(o.body) : o.body;
  const method = o.method ?? (body === undefined ? "GET" : "POST");
  // the Host a browser sends, and on a change of the portal or staff console its Origin, as every
  // browser does (src/web/origin-check.ts refuses such a change without one); noOrigin: a bare client
  const browserChange = method !== "GET" && method !== "HEAD" && !o.noOrigin && !/^\/(?:\.well-known\/est|api|ocsp)\//.test(url.pathname);
  const headers: Record<string, string> = { host: url.host, ...(browserChange ? { origin: url.origin } : {}), ...(typeof o.body === "object" ? { "content-type": "application/json" } : {}), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        servername: "localhost",
        port: Number(url.port),
        localAddress: o.localAddress,
        path: url.pathname + url.search,
        method,
        headers,
        ca: readFileSync(h.serverCaFile),
        key: o.identity?.keyPem,
        cert: o.identity?.certPem,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        // an answer cut off mid-body fails the request here, instead of leaving it pending forever
        res.on("error", reject);
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The certificate in an EST certs-only answer, as PEM, with its serial. */
export function certFromEst(b64: string): { certPem: string; serial: string } {
  const certs = new x509.X509Certificates();
  certs.import(Buffer.from(b64, "base64"));
  const c = certs[0]!;
  return { certPem: c.toString("pem"), serial: c.serialNumber };
}

export async function estEnroll(h: Endpoint, bank: string, loginId: string, password: string, kc: KeyAndCsr, otp?: string, origin?: string): Promise<Answer & { identity?: Identity }> {
  const r = await https(h, {
    origin,
    path: `/.well-known/est/${bank}/simpleenroll`,
    body: kc.csrB64,
    headers: { "content-type": "application/pkcs10", authorization: "Basic " + Buffer.from(`${loginId}:${password}`).toString("base64"), ...(otp ? { "x-inkan-otp": otp } : {}) },
  });
  return r.status === 200 ? { ...r, identity: { keyPem: kc.keyPem, ...certFromEst(r.text) } } : r;
}

export async function estReenroll(h: Endpoint, bank: string, current: Identity, loginId: string, password: string, kc: KeyAndCsr, otp?: string, origin?: string): Promise<Answer & { identity?: Identity }> {
  const r = await https(h, {
    origin,
    path: `/.well-known/est/${bank}/simplereenroll`,
    identity: current,
    body: kc.csrB64,
    headers: { "content-type": "application/pkcs10", authorization: "Basic " + Buffer.from(`${loginId}:${password}`).toString("base64"), ...(otp ? { "x-inkan-otp": otp } : {}) },
  });
  return r.status === 200 ? { ...r, identity: { keyPem: kc.keyPem, ...certFromEst(r.text) } } : r;
}

/** A logged-in API session: the cookie and CSRF token, bound to the identity it began with. */
export interface Session {
  cookie: string;
  csrf: string;
  identity?: Identity;
  login: any;
}

export async function apiLogin(h: Endpoint, bank: string, identity: Identity | undefined, password: string, loginId?: string): Promise<Answer & { session?: Session }> {
  const r = await https(h, { path: `/api/${bank}/login`, identity, body: { password, ...(loginId ? { loginId } : {}) } });
  if (r.status !== 200) return r;
  const cookie = String(r.headers["set-cookie"]).split(";")[0]!;
  return { ...r, session: { cookie, csrf: r.json.csrf, identity, login: r.json } };
}

export function api(h: Endpoint, s: Session, path: string, body?: object, over: { identity?: Identity | null; csrf?: string } = {}): Promise<Answer> {
  const identity = over.identity === null ? undefined : (over.identity ?? s.identity);
  return https(h, { path, identity, body, headers: { cookie: s.cookie, ...(body ? { "x-csrf-token": over.csrf ?? s.csrf } : {}) } });
}
