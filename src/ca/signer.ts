import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { createHash } from "node:crypto";

export type KeyKind = "RSA-2048" | "RSA-3072" | "RSA-4096" | "ECDSA-P256";

/**
 * Whatever holds a CA key signs through this: an encrypted key file or a PKCS#11 token. The key
 * itself never leaves the implementation; callers get signatures in X.509 (DER) form.
 */
export interface Signer {
  readonly kind: KeyKind;
  /** DER SubjectPublicKeyInfo of the key */
  readonly spki: Uint8Array;
  /** the signature algorithm this signer produces, as written into certificates, CRLs, OCSP */
  readonly algorithm: AlgorithmIdentifier;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

const SHA256_RSA = "1.2.840.113549.1.1.11";
const ECDSA_SHA256 = "1.2.840.10045.4.3.2";
const NULL_PARAMS = new Uint8Array([0x05, 0x00]).buffer;

export function signatureAlgorithm(kind: KeyKind): AlgorithmIdentifier {
  return kind.startsWith("RSA")
    ? new AlgorithmIdentifier({ algorithm: SHA256_RSA, parameters: NULL_PARAMS })
    : new AlgorithmIdentifier({ algorithm: ECDSA_SHA256 });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  return new Uint8Array(createHash("sha1").update(new Uint8Array(spki.subjectPublicKey)).digest());
}

/** SHA-256 over the whole SubjectPublicKeyInfo: the fingerprint that refuses a reused key. */
export function spkiFingerprint(spkiDer: Uint8Array): string {
  return createHash("sha256").update(spkiDer).digest("hex");
}
