import { createHash, createPublicKey, randomBytes, verify } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, Extension, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { BasicOCSPResponse, CertID, OCSPRequest, OCSPResponse, Request, TBSRequest, id_pkix_ocsp_basic, id_pkix_ocsp_nonce, id_kp_OCSPSigning } from "@peculiar/asn1-ocsp";
import * as x509 from "./x509.js";
import { send } from "./est-client.js";
import { AppError, EXIT } from "./errors.js";
import { SIGNATURE_HASH } from "../domain/signature-algorithms.js";

/**
 * Certificate status from the bank's OCSP responder (RFC 6960), at the URL in the certificate's
 * AIA. The answer's signature is checked: signed by the issuing CA itself or by a responder
 * certificate the issuing CA signed for OCSPSigning; the nonce must come back.
 */

export type OcspStatus = { status: "good" } | { status: "revoked"; reason: number | undefined; at: Date } | { status: "unknown" };

/** CRLReason superseded (RFC 5280): what the server publishes for a renewed certificate */
export const REASON_SUPERSEDED = 4;

export function ocspUrl(cert: x509.X509Certificate): string | undefined {
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  return aia?.ocsp.find((g) => g.type === "url")?.value;
}

const SHA1 = "1.3.14.3.2.26";

function certId(cert: x509.X509Certificate, issuer: x509.X509Certificate): CertID {
  const issuerAsn = AsnConvert.parse(issuer.rawData, Certificate);
  const name = AsnConvert.serialize(issuerAsn.tbsCertificate.subject);
  const keyBits = issuerAsn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
  const serial = AsnConvert.parse(cert.rawData, Certificate).tbsCertificate.serialNumber;
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(createHash("sha1").update(new Uint8Array(name)).digest()),
    issuerKeyHash: new OctetString(createHash("sha1").update(new Uint8Array(keyBits)).digest()),
    serialNumber: serial,
  });
}

const HASH_OF_SIG = SIGNATURE_HASH;

function keyOf(c: Certificate) {
  return createPublicKey({ key: Buffer.from(AsnConvert.serialize(c.tbsCertificate.subjectPublicKeyInfo as SubjectPublicKeyInfo)), format: "der", type: "spki" });
}

function signedBy(signed: { tbs: ArrayBuffer; alg: string; sig: ArrayBuffer }, signer: Certificate): boolean {
  const hash = HASH_OF_SIG[signed.alg];
  if (!hash) return false;
  try {
    return verify(hash, Buffer.from(signed.tbs), keyOf(signer), Buffer.from(signed.sig));
  } catch {
    return false;
  }
}

const bad = (detail: string) => new AppError("err_protocol", { detail: `OCSP: ${detail}` }, EXIT.protocol, "hint_protocol");

/** Asks the status of several certificates of one issuer in one request. */
export async function ocspStatus(url: string, certs: x509.X509Certificate[], issuer: x509.X509Certificate, timeoutMs: number): Promise<OcspStatus[]> {
  const ids = certs.map((c) => certId(c, issuer));
  const nonce = new Uint8Array(AsnConvert.serialize(new OctetString(randomBytes(16))));
  const req = new OCSPRequest({
    tbsRequest: new TBSRequest({
      requestList: ids.map((id) => new Request({ reqCert: id })),
      requestExtensions: [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(nonce) })],
    }),
  });
  const a = await send(new URL(url), { method: "POST", headers: { "content-type": "application/ocsp-request", accept: "application/ocsp-response" }, body: new Uint8Array(AsnConvert.serialize(req)), timeoutMs });
  if (a.status !== 200) throw bad(`HTTP ${a.status}`);
  let basic: BasicOCSPResponse;
  try {
    const resp = AsnConvert.parse(a.body, OCSPResponse);
    if (resp.responseStatus !== 0) throw new Error(`responseStatus ${resp.responseStatus}`);
    if (!resp.responseBytes || resp.responseBytes.responseType !== id_pkix_ocsp_basic) throw new Error("not a basic response");
    basic = AsnConvert.parse(resp.responseBytes.response.buffer, BasicOCSPResponse);
  } catch (e) {
    throw bad((e as Error).message);
  }

  // who signed: the issuing CA, or a delegated responder the issuing CA made for OCSP signing
  const issuerAsn = AsnConvert.parse(issuer.rawData, Certificate);
  const signed = { tbs: basic.tbsResponseDataRaw!, alg: basic.signatureAlgorithm.algorithm, sig: basic.signature };
  let trusted = signedBy(signed, issuerAsn);
  for (const c of basic.certs ?? []) {
    if (trusted) break;
    const responder = new x509.X509Certificate(AsnConvert.serialize(c));
    const eku = responder.getExtension(x509.ExtendedKeyUsageExtension);
    const forOcsp = eku?.usages.map(String).includes(id_kp_OCSPSigning) ?? false;
    const issuedByCa = signedBy({ tbs: AsnConvert.serialize(c.tbsCertificate), alg: c.signatureAlgorithm.algorithm, sig: c.signatureValue }, issuerAsn);
    trusted = forOcsp && issuedByCa && signedBy(signed, c);
  }
  if (!trusted) throw bad("the answer is not signed by the bank's CA or its OCSP responder");
  const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  if (!echoed || !Buffer.from(echoed.extnValue.buffer).equals(Buffer.from(nonce))) throw bad("the nonce did not come back");

  return ids.map((id) => {
    const want = Buffer.from(id.serialNumber);
    const single = basic.tbsResponseData.responses.find((r) => Buffer.from(r.certID.serialNumber).equals(want));
    if (!single) return { status: "unknown" } as const;
    const s = single.certStatus;
    if (s.revoked) return { status: "revoked", reason: s.revoked.revocationReason?.reason as number | undefined, at: s.revoked.revocationTime } as const;
    if (s.good !== undefined) return { status: "good" } as const;
    return { status: "unknown" } as const;
  });
}
