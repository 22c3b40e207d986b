import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import * as x509 from "./x509.js";
import { randomBytes } from "node:crypto";
import { keyIdentifier, type Signer } from "./signer.js";

export interface NameAttr {
  type: "C" | "O" | "OU" | "CN";
  value: string;
}

const NAME_OIDS = { C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3" } as const;

/** One attribute per RDN, in the given order (most significant first). */
export function buildName(attrs: NameAttr[]): asn.Name {
  const json = attrs.map((a) => ({ [NAME_OIDS[a.type]]: [a.value] }));
  return AsnConvert.parse(new x509.Name(json).toArrayBuffer(), asn.Name);
}

export function nameToString(name: asn.Name): string {
  return new x509.Name(AsnConvert.serialize(name)).toString();
}

/**
 * 16 random bytes, positive. The top bit is cleared so that DER needs no sign byte, and the first
 * byte is kept non-zero so the value always shows as 32 hex digits and stays minimally encoded.
 */
export function randomSerial(): Uint8Array {
  const b = new Uint8Array(randomBytes(16));
  b[0] = b[0]! & 0x7f || 0x01;
  return b;
}

export const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function ext(e: x509.Extension): asn.Extension {
  return AsnConvert.parse(e.rawData, asn.Extension);
}

export interface TbsParams {
  serial: Uint8Array;
  issuer: asn.Name;
  subject: asn.Name;
  notBefore: Date;
  notAfter: Date;
  subjectSpki: Uint8Array;
  issuerSpki: Uint8Array;
  signer: Pick<Signer, "algorithm">;
  extensions: x509.Extension[];
}

/** The to-be-signed certificate, DER. SKI and AKI are added from the two keys. */
export function buildTbs(p: TbsParams): Uint8Array {
  const extensions = [
    ...p.extensions,
    new x509.Extension("2.5.29.14", false, AsnConvert.serialize(new asn.SubjectKeyIdentifier(keyIdentifier(p.subjectSpki)))),
    new x509.Extension(
      "2.5.29.35",
      false,
      AsnConvert.serialize(new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(keyIdentifier(p.issuerSpki)) })),
    ),
  ];
  const tbs = new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: p.serial.slice().buffer,
    signature: p.signer.algorithm,
    issuer: p.issuer,
    validity: new asn.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: AsnConvert.parse(p.subjectSpki, asn.SubjectPublicKeyInfo),
    extensions: new asn.Extensions(extensions.map(ext)),
  });
  return new Uint8Array(AsnConvert.serialize(tbs));
}

/** Signs a stored TBS and returns the whole certificate, DER. */
export async function signTbs(tbsDer: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const signature = await signer.sign(tbsDer);
  const cert = new asn.Certificate({
    tbsCertificate: AsnConvert.parse(tbsDer, asn.TBSCertificate),
    signatureAlgorithm: signer.algorithm,
    signatureValue: signature.slice().buffer,
  });
  return new Uint8Array(AsnConvert.serialize(cert));
}

export function certificateSpki(certDer: Uint8Array): Uint8Array {
  const cert = AsnConvert.parse(certDer, asn.Certificate);
  return new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
}

export function certificateSubject(certDer: Uint8Array): asn.Name {
  return AsnConvert.parse(certDer, asn.Certificate).tbsCertificate.subject;
}

export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
