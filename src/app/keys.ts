import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "./x509.js";

/** The key types the app makes: RSA-2048 by default (what every bank accepts), ECDSA P-256 by option. */
export type KeyKind = "rsa2048" | "p256";
export const KEY_KINDS: KeyKind[] = ["rsa2048", "p256"];

export interface NewKey {
  /** unencrypted PKCS#8 DER; the caller encrypts it before it touches the disk */
  pkcs8: Uint8Array;
  /** the PKCS#10 request, DER */
  csr: Uint8Array;
}

function algorithm(kind: KeyKind) {
  return kind === "rsa2048"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
}

/**
 * A fresh key pair made here, on the user's machine (the server never sees the private key), and a
 * CSR for it. The subject is only a label: the bank's profile decides the certificate's subject.
 * No challengePassword: the one-time password travels in a header, so that the same CSR can be
 * sent again when an interrupted request is resumed.
 */
export async function newKeyAndCsr(kind: KeyKind, label: string): Promise<NewKey> {
  const alg = algorithm(kind);
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [label.replace(/[^A-Za-z0-9 ._-]/g, "_").slice(0, 64) || "inkan-app"] }],
    keys,
    signingAlgorithm: alg,
  });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { pkcs8, csr: new Uint8Array(csr.rawData) };
}

/** The SubjectPublicKeyInfo DER of an encrypted PKCS#8 PEM key (throws on a wrong passphrase). */
export function publicKeyOf(encryptedPem: string, passphrase: string): Buffer {
  const priv = createPrivateKey({ key: encryptedPem, format: "pem", passphrase });
  return createPublicKey(priv).export({ type: "spki", format: "der" });
}

/** The unencrypted PKCS#8 DER of an encrypted PEM key, for a PKCS#12 export. */
export function decryptKey(encryptedPem: string, passphrase: string): Uint8Array {
  const priv = createPrivateKey({ key: encryptedPem, format: "pem", passphrase });
  return new Uint8Array(priv.export({ type: "pkcs8", format: "der" }));
}

export function keyKindOf(encryptedPem: string, passphrase: string): string {
  const priv = createPrivateKey({ key: encryptedPem, format: "pem", passphrase });
  return priv.asymmetricKeyType === "ec" ? "ECDSA P-256" : `RSA-${priv.asymmetricKeyDetails?.modulusLength ?? "?"}`;
}
