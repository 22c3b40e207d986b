import type { FastifyInstance } from "fastify";
import { DomainError } from "../domain/errors.js";
import type { CaStatus } from "../ca/ca-views.js";
import type { Metrics } from "./metrics.js";

export const OCSP_REQUEST = "application/ocsp-request";
export const OCSP_RESPONSE = "application/ocsp-response";
/** RFC 6960 A.1 allows GET answers to be cached; POST ones are not. */
export const OCSP_CACHE = { GET: "public, max-age=60", POST: "no-store" } as const;

/** A body and the headers that go with it, for the Fastify routes and the plain-HTTP fast path alike. */
export interface StatusFile {
  headers: Record<string, string>;
  body: Buffer;
}

/** A view, not a copy: a CRL can be megabytes and is sent again and again. */
const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);

/** GET /crl/<bank>-<caId>.crl */
export function crlFile(ca: CaStatus, file: string): StatusFile | undefined {
  const m = /^([a-z0-9-]+)-(\d+)\.crl$/.exec(file);
  const crl = m ? ca.crl(m[1]!, Number(m[2])) : undefined;
  if (!crl) return undefined;
  const maxAge = Math.max(0, Math.min(300, Math.floor((crl.nextUpdate - Date.now()) / 1000)));
  return {
    headers: { "content-type": "application/pkix-crl", "cache-control": `public, max-age=${maxAge}`, etag: `"${crl.number}"`, "last-modified": new Date(crl.thisUpdate).toUTCString() },
    body: view(crl.der),
  };
}

/** GET /ca/<bank>-<caId>.crt: the issuing CA certificate (caIssuers). */
export function caFile(ca: CaStatus, file: string): StatusFile | undefined {
  const m = /^([a-z0-9-]+)-(\d+)\.crt$/.exec(file);
  const der = m ? ca.caCertificate(m[1]!, Number(m[2])) : undefined;
  if (!der) return undefined;
  return { headers: { "content-type": "application/pkix-cert", "cache-control": "public, max-age=86400" }, body: view(der) };
}

/** RFC 6960 A.1: the path after /ocsp/<bank>/ is the url-encoded base64 of the DER request. */
export function ocspGetRequest(raw: string): Buffer {
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // leave as is: the base64 check below refuses it
  }
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw.replace(/-/g, "+").replace(/_/g, "/"), "base64") : Buffer.alloc(0);
}

/**
 * What relying parties fetch over plain HTTP (no TLS, so no chicken-and-egg): CRLs at the CDP URL,
 * OCSP at the AIA URL (GET and POST), and the issuing CA certificate at caIssuers. On the plain
 * HTTP listener the usual requests are answered before they reach Fastify (status-fast-path.ts);
 * these routes serve the rest, and the HTTPS listener.
 */
export function statusRoutes(app: FastifyInstance, deps: { ca: CaStatus; metrics: Metrics }) {
  const { ca, metrics } = deps;
  app.addContentTypeParser(OCSP_REQUEST, { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.get<{ Params: { file: string } }>("/crl/:file", async (req, reply) => {
    const f = crlFile(ca, req.params.file);
    if (!f) throw new DomainError("not_found");
    return reply.headers(f.headers).send(f.body);
  });

  app.get<{ Params: { file: string } }>("/ca/:file", async (req, reply) => {
    const f = caFile(ca, req.params.file);
    if (!f) throw new DomainError("not_found");
    return reply.headers(f.headers).send(f.body);
  });

  const answer = async (bank: string, request: Uint8Array) => {
    const der = await ca.ocsp(bank, request);
    if (!der) throw new DomainError("bank_not_found", { bank: bank.slice(0, 40) });
    metrics.ocsp.inc({ bank });
    return view(der);
  };

  app.post<{ Params: { bank: string }; Body: Buffer }>("/ocsp/:bank", async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return reply.header("content-type", OCSP_RESPONSE).header("cache-control", OCSP_CACHE.POST).send(await answer(req.params.bank, body));
  });

  app.get<{ Params: { bank: string; "*": string } }>("/ocsp/:bank/*", async (req, reply) => {
    const der = ocspGetRequest(req.params["*"]);
    return reply.header("content-type", OCSP_RESPONSE).header("cache-control", OCSP_CACHE.GET).send(await answer(req.params.bank, der));
  });
}
