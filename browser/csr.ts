// tsyringe inside @peculiar/x509 needs the Reflect metadata API before the library loads
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

/** The key types the portal asks for in `data-key`. */
export type KeyType = "RSA-2048" | "P-256";

export function isKeyType(v: string | undefined): v is KeyType {
  return v === "RSA-2048" || v === "P-256";
}

function algorithms(type: KeyType): { keyGen: RsaHashedKeyGenParams | EcKeyGenParams; signing: Algorithm | EcdsaParams } {
  if (type === "RSA-2048") {
    return {
      keyGen: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      signing: { name: "RSASSA-PKCS1-v1_5" },
    };
  }
  return { keyGen: { name: "ECDSA", namedCurve: "P-256" }, signing: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams };
}

export interface KeyAndRequest {
  keys: CryptoKeyPair;
  /** PKCS#10, PEM */
  csrPem: string;
  /** the public key as SubjectPublicKeyInfo DER, to recognise the certificate made for it */
  spki: ArrayBuffer;
}

/**
 * Makes a new key pair with WebCrypto and a PKCS#10 request signed by it. The private key is
 * extractable because it goes into the PKCS#12 file; it lives only in this page's memory.
 * The subject is `CN=<file name>`: the server writes the certificate's subject itself.
 */
export async function makeKeyAndRequest(type: KeyType, commonName: string, crypto: Crypto = globalThis.crypto): Promise<KeyAndRequest> {
  const alg = algorithms(type);
  const keys = (await crypto.subtle.generateKey(alg.keyGen, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: [{ CN: [commonName] }], keys, signingAlgorithm: alg.signing },
    crypto,
  );
  const spki = await crypto.subtle.exportKey("spki", keys.publicKey);
  return { keys, csrPem: csr.toString("pem"), spki };
}

export interface ReceivedCertificate {
  der: ArrayBuffer;
  commonName: string;
  spki: ArrayBuffer;
  /** subject = issuer: a root */
  selfIssued: boolean;
}

export function parseCertificate(pem: string): ReceivedCertificate {
  const cert = new x509.X509Certificate(pem);
  return { der: cert.rawData, commonName: cert.subjectName.getField("CN")[0] ?? "", spki: cert.publicKey.rawData, selfIssued: cert.subject === cert.issuer };
}

export function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
