import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.js";
import { certsOnly, csrAttributes } from "../ca/est-encoding.js";
import type { CaStatus } from "../ca/ca-views.js";
import type { Lifecycle } from "../lifecycle/lifecycle.js";
import type { Metrics } from "./metrics.js";
import { presentedCertificate } from "./client-cert.js";

const PKCS7 = "application/pkcs7-mime; smime-type=certs-only";

/** base64 with line breaks every 64 characters, as EST (RFC 7030 4.1.3) sends it */
const b64 = (der: Uint8Array) => Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n") + "\n";

function basicAuth(req: FastifyRequest): { loginId: string; password: string } {
  const h = req.headers.authorization ?? "";
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) throw new DomainError("auth_required");
  const text = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = text.indexOf(":");
  if (i < 1) throw new DomainError("auth_required");
  return { loginId: text.slice(0, i), password: text.slice(i + 1) };
}

/** EST (RFC 7030) under /.well-known/est/<bank>/. */
export function estRoutes(app: FastifyInstance, deps: { lifecycle: Lifecycle; ca: CaStatus; metrics: Metrics }) {
  // its own scope: every body is read as text and the handler decides on the media type, so a
  // wrong type gets a 415 that says so instead of a JSON parser's complaint
  app.register(async (scope) => est(scope, deps));
}

function est(app: FastifyInstance, deps: { lifecycle: Lifecycle; ca: CaStatus; metrics: Metrics }) {
  const { lifecycle, ca, metrics } = deps;
  const bankCa = (bank: string) => {
    const b = ca.chain(bank);
    if (!b || !lifecycle.banks.has(bank)) throw new DomainError("bank_not_found", { bank: bank.slice(0, 40) });
    return b;
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.get<{ Params: { bank: string } }>("/.well-known/est/:bank/cacerts", async (req, reply) => {
    const b = bankCa(req.params.bank);
    return reply.header("content-type", PKCS7).header("content-transfer-encoding", "base64").send(b64(certsOnly(b)));
  });

  app.get<{ Params: { bank: string } }>("/.well-known/est/:bank/csrattrs", async (req, reply) => {
    bankCa(req.params.bank);
    // a request made with a new (pending) certificate confirms it: the old one is superseded now
    // (the answer is the same either way; x-inkan-certificate tells a client whether it took)
    const presented = presentedCertificate(req);
    if (presented) {
      const verdict = await lifecycle.useCertificate(req.params.bank, presented, { address: req.ip }, "certificate.confirm").then(
        (h) => `${h.cert.state}`,
        (e) => {
          if (!(e instanceof DomainError)) throw e;
          return `refused; cause=${String(e.params.cause ?? e.code)}`;
        },
      );
      reply.header("x-inkan-certificate", verdict);
    }
    const policy = lifecycle.bank(req.params.bank).policy;
    return reply
      .header("content-type", "application/csrattrs")
      .header("content-transfer-encoding", "base64")
      .send(b64(csrAttributes({ otp: lifecycle.oneTimePasswordInUse(req.params.bank), ecCurves: policy.keys.ecCurves })));
  });

  const enrollment = (req: FastifyRequest<{ Params: { bank: string }; Body: string }>) => {
    const bank = req.params.bank;
    bankCa(bank);
    const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/pkcs10" && type !== "application/x-pem-file") throw new DomainError("unsupported_media_type", { type: type.slice(0, 60) || "none" });
    const { loginId, password } = basicAuth(req);
    if (typeof req.body !== "string") throw new DomainError("csr_missing");
    const otp = typeof req.headers["x-inkan-otp"] === "string" ? req.headers["x-inkan-otp"] : undefined;
    return { bank, loginId, password, otp, csr: req.body };
  };
  const send = (reply: FastifyReply, der: Uint8Array) =>
    reply.header("content-type", PKCS7).header("content-transfer-encoding", "base64").header("cache-control", "no-store").send(b64(certsOnly([der])));

  // RFC 7030 4.2.2: renewal over mutual TLS with the current certificate, plus password and OTP
  app.post<{ Params: { bank: string }; Body: string }>("/.well-known/est/:bank/simplereenroll", async (req, reply) => {
    const e = enrollment(req);
    try {
      const issued = await lifecycle.renew(e.bank, { presented: presentedCertificate(req), loginId: e.loginId, password: e.password, otp: e.otp, csrBody: e.csr }, { address: req.ip });
      metrics.issued.inc({ bank: e.bank });
      req.log.info({ bank: e.bank, serial: issued.serial, repeated: issued.repeated }, "certificate renewed");
      return send(reply, issued.der);
    } catch (err) {
      if (err instanceof DomainError) metrics.refused.inc({ bank: e.bank, reason: err.code });
      throw err;
    }
  });

  app.post<{ Params: { bank: string }; Body: string }>("/.well-known/est/:bank/simpleenroll", async (req, reply) => {
    const { bank, loginId, password, otp, csr } = enrollment(req);
    try {
      const issued = await lifecycle.enrollWithPassword(bank, { loginId, password, csrBody: csr, otp }, { address: req.ip });
      metrics.issued.inc({ bank });
      req.log.info({ bank, serial: issued.serial, repeated: issued.repeated }, "certificate issued");
      return send(reply, issued.der);
    } catch (e) {
      if (e instanceof DomainError) metrics.refused.inc({ bank, reason: e.code });
      throw e;
    }
  });
}
