import type { FastifyInstance } from "fastify";
import { DomainError } from "../domain/errors.js";
import type { CertificateAuthority } from "../ca/authority.js";
import type { Metrics } from "./metrics.js";

const OCSP_RESPONSE = "application/ocsp-response";

/**
 * What relying parties fetch over plain HTTP (no TLS, so no chicken-and-egg): CRLs at the CDP URL,
 * OCSP at the AIA URL (GET and POST), and the issuing CA certificate at caIssuers.
 */
export function statusRoutes(app: FastifyInstance, deps: { ca: CertificateAuthority; metrics: Metrics }) {
  const { ca, metrics } = deps;
  app.addContentTypeParser("application/ocsp-request", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.get<{ Params: { file: string } }>("/crl/:file", async (req, reply) => {
    const m = /^([a-z0-9-]+)-(\d+)\.crl$/.exec(req.params.file);
    const crl = m ? ca.crl(m[1]!, Number(m[2])) : undefined;
    if (!crl) throw new DomainError("not_found");
    const maxAge = Math.max(0, Math.min(300, Math.floor((crl.nextUpdate - Date.now()) / 1000)));
    return reply
      .header("content-type", "application/pkix-crl")
      .header("cache-control", `public, max-age=${maxAge}`)
      .header("etag", `"${crl.number}"`)
      .header("last-modified", new Date().toUTCString())
      .send(Buffer.from(crl.der));
  });

  app.get<{ Params: { file: string } }>("/ca/:file", async (req, reply) => {
    const m = /^([a-z0-9-]+)-(\d+)\.crt$/.exec(req.params.file);
    const b = m ? ca.bank(m[1]!) : undefined;
    if (!b || b.issuing.id !== Number(m![2])) throw new DomainError("not_found");
    return reply.header("content-type", "application/pkix-cert").header("cache-control", "public, max-age=86400").send(Buffer.from(b.issuing.der));
  });

  const answer = async (bank: string, request: Uint8Array) => {
    const der = await ca.ocsp(bank, request);
    if (!der) throw new DomainError("bank_not_found", { bank: bank.slice(0, 40) });
    metrics.ocsp.inc({ bank });
    return Buffer.from(der);
  };

  app.post<{ Params: { bank: string }; Body: Buffer }>("/ocsp/:bank", async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return reply.header("content-type", OCSP_RESPONSE).header("cache-control", "no-store").send(await answer(req.params.bank, body));
  });

  // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER request}
  app.get<{ Params: { bank: string; "*": string } }>("/ocsp/:bank/*", async (req, reply) => {
    let raw = req.params["*"];
    try {
      raw = decodeURIComponent(raw);
    } catch {
      // leave as is: the base64 check below refuses it
    }
    const der = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw.replace(/-/g, "+").replace(/_/g, "/"), "base64") : Buffer.alloc(0);
    return reply.header("content-type", OCSP_RESPONSE).header("cache-control", "public, max-age=60").send(await answer(req.params.bank, der));
  });
}
