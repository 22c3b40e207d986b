import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import * as x509 from "./x509.js";
import { createHash, randomBytes } from "node:crypto";
import { bitString, seq, tlv, time, uint } from "./der-writer.js";
import { bytesOf, certificateParts, readTlv, spkiKeyBits } from "./der-reader.js";
import type { Signer } from "./signer.js";

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

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyId(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha1").update(spkiKeyBits(spki)).digest());
}

const SKI_OID = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x0e); // 2.5.29.14
const AKI_OID = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x23); // 2.5.29.35

/** The subjectKeyIdentifier extension, DER (not critical, so no BOOLEAN: DER leaves defaults out). */
export function skiExtension(subjectSpki: Uint8Array): Uint8Array {
  return seq(SKI_OID, tlv(0x04, tlv(0x04, keyId(subjectSpki))));
}

/** The authorityKeyIdentifier extension with the keyIdentifier only, DER. */
export function akiExtension(issuerSpki: Uint8Array): Uint8Array {
  return seq(AKI_OID, tlv(0x04, seq(tlv(0x80, keyId(issuerSpki)))));
}

const VERSION_3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);

/** The fields of a TBSCertificate, each already DER; extensions are whole Extension elements. */
export interface TbsDer {
  serial: Uint8Array;
  signatureAlgorithm: Uint8Array;
  issuer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subject: Uint8Array;
  subjectSpki: Uint8Array;
  extensions: Uint8Array[];
}

/** A v3 TBSCertificate (RFC 5280 4.1) from its parts. */
export function writeTbs(p: TbsDer): Uint8Array {
  return seq(
    VERSION_3,
    uint(p.serial),
    p.signatureAlgorithm,
    p.issuer,
    seq(time(p.notBefore), time(p.notAfter)),
    p.subject,
    p.subjectSpki,
    tlv(0xa3, seq(...p.extensions)),
  );
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
  return writeTbs({
    serial: p.serial,
    signatureAlgorithm: new Uint8Array(AsnConvert.serialize(p.signer.algorithm)),
    issuer: new Uint8Array(AsnConvert.serialize(p.issuer)),
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    subject: new Uint8Array(AsnConvert.serialize(p.subject)),
    subjectSpki: p.subjectSpki,
    extensions: [...p.extensions.map((e) => new Uint8Array(e.rawData)), skiExtension(p.subjectSpki), akiExtension(p.issuerSpki)],
  });
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } around bytes already signed. */
export function assembleCertificate(tbsDer: Uint8Array, signatureAlgorithm: Uint8Array, signature: Uint8Array): Uint8Array {
  return seq(tbsDer, signatureAlgorithm, bitString(signature));
}

/** Signs a stored TBS and returns the whole certificate, DER, carrying the TBS exactly as signed. */
export async function signTbs(tbsDer: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const signature = await signer.sign(tbsDer);
  return assembleCertificate(tbsDer, new Uint8Array(AsnConvert.serialize(signer.algorithm)), signature);
}

export function certificateSpki(certDer: Uint8Array): Uint8Array {
  return bytesOf(certDer, certificateParts(certDer).spki).slice();
}

export function certificateSubject(certDer: Uint8Array): asn.Name {
  return AsnConvert.parse(certDer, asn.Certificate).tbsCertificate.subject;
}

export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** PrintableString's alphabet, exactly as @peculiar/x509 tests it when it chooses a string type. */
const PRINTABLE = /^[A-Za-z0-9 '()+,-./:=?]*$/;
const CN_OID = Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03);

/**
 * A subject of fixed leading RDNs and a CN that changes per certificate, encoded the way
 * buildName() and nameToString() would have it but without building the name object each time.
 * A CN that @peculiar/x509 would rewrite (quotes, backslashes) or escape in its text form goes
 * through buildName() itself, so both paths always agree.
 */
export class SubjectTemplate {
  private readonly prefixDer: Uint8Array;
  private readonly prefixText: string;

  constructor(private readonly fixed: NameAttr[]) {
    const name = buildName(fixed);
    const der = new Uint8Array(AsnConvert.serialize(name));
    // the RDNs alone, without the SEQUENCE header around them
    this.prefixDer = der.subarray(readTlv(der, 0).contentStart);
    this.prefixText = nameToString(name);
  }

  withCommonName(cn: string): { der: Uint8Array; text: string } {
    if (/[,+"\\<>;\r\n\t]|^[ #]| $/.test(cn)) {
      const name = buildName([...this.fixed, { type: "CN", value: cn }]);
      return { der: new Uint8Array(AsnConvert.serialize(name)), text: nameToString(name) };
    }
    const value = PRINTABLE.test(cn) ? tlv(0x13, Buffer.from(cn, "latin1")) : tlv(0x0c, Buffer.from(cn, "utf8"));
    return { der: seq(this.prefixDer, tlv(0x31, seq(CN_OID, value))), text: this.fixed.length ? `${this.prefixText}, CN=${cn}` : `CN=${cn}` };
  }
}
