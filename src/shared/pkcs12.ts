import { bmpString, concat, explicit, implicitPrimitive, int, nul, octets, oid, seq, set, utf16be } from "./der-writer.js";

/**
 * The one PKCS#12 (RFC 7292) and encrypted PKCS#8 (RFC 5958, PBES2 of RFC 8018) writer, used by the
 * issuing app (export, install), the bank's CLI (`inkan staff add`) and the portal's page
 * (browser/issue.ts). The layout is written here; the cryptography comes from the caller
 * (`Pkcs12Crypto`): node:crypto in Node (pkcs12-node.ts), WebCrypto in the page
 * (browser/pkcs12-webcrypto.ts), so the two cannot drift apart.
 *
 * Two flavours:
 * - modern (default): what OpenSSL 3 writes by default — certificates in an EncryptedData and the
 *   key in a PKCS8ShroudedKeyBag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), MAC HMAC-SHA256.
 *   OpenSSL 3, NSS (Chromium and Firefox on Linux), macOS and Windows 10 1709+ import it.
 * - legacy: pbeWithSHAAnd3-KeyTripleDES-CBC for both, MAC HMAC-SHA1, 2048 iterations — what
 *   Windows 7/8 and old Windows Server import. No RC2 (OpenSSL 3 reads this file without its
 *   legacy provider). WebCrypto has no 3DES: only Node offers it.
 *
 * localKeyId = SHA-1 of the certificate, as OpenSSL makes it: Windows and NSS pair key and
 * certificate by it. Passwords are used as UTF-8 for PBKDF2 and as BMPString for the PKCS#12 KDF,
 * as OpenSSL does. pkijs was the suggested library; it is not used because it cannot write the
 * 3DES flavour, and one small writer for both keeps the two flavours identical in layout.
 */

export type Hash = "sha1" | "sha256";

/** What the writer needs of a platform's cryptography. */
export interface Pkcs12Crypto {
  random(n: number): Uint8Array;
  /** hash applied `times` times: H(H(…H(data))) */
  digestIterated(hash: Hash, data: Uint8Array, times: number): Promise<Uint8Array>;
  hmac(hash: Hash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** PBKDF2-HMAC-SHA256 with the password's UTF-8 bytes, then AES-256-CBC (PKCS#7 padding) */
  pbes2(plain: Uint8Array, password: string, salt: Uint8Array, iv: Uint8Array, iterations: number): Promise<Uint8Array>;
  /** 3DES-EDE-CBC with PKCS#7 padding; absent where the platform has none (WebCrypto) */
  desEde3Cbc?(plain: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array;
}

const OID = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSHA256: "1.2.840.113549.2.9",
  aes256cbc: "2.16.840.1.101.3.4.1.42",
  pbeSha3DesCbc: "1.2.840.113549.1.12.1.3",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
};

/** PBKDF2 iterations for keys kept in the app's store */
export const STORE_ITERATIONS = 200_000;
/** PBKDF2 and MAC iterations of a modern PKCS#12 file */
export const P12_ITERATIONS = 100_000;
/** what Windows itself writes and old Windows expects */
export const LEGACY_ITERATIONS = 2048;

interface Encrypted {
  algorithm: Uint8Array;
  ciphertext: Uint8Array;
}

async function pbes2Encrypt(c: Pkcs12Crypto, plain: Uint8Array, password: string, iterations: number): Promise<Encrypted> {
  const salt = c.random(16);
  const iv = c.random(16);
  const ciphertext = await c.pbes2(plain, password, salt, iv, iterations);
  const algorithm = seq(
    oid(OID.pbes2),
    seq(seq(oid(OID.pbkdf2), seq(octets(salt), int(iterations), seq(oid(OID.hmacWithSHA256), nul()))), seq(oid(OID.aes256cbc), octets(iv))),
  );
  return { algorithm, ciphertext };
}

/** RFC 7292 appendix B.2: the PKCS#12 key derivation (id 1 key, 2 IV, 3 MAC key). */
export async function pkcs12Kdf(c: Pkcs12Crypto, hash: Hash, password: string, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Promise<Uint8Array> {
  const u = hash === "sha1" ? 20 : 32;
  const v = 64;
  const stretch = (src: Uint8Array) => {
    const out = new Uint8Array(src.length === 0 ? 0 : v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = new Uint8Array(v).fill(id);
  const I = concat([stretch(salt), stretch(utf16be(password, true))]);
  const blocks: Uint8Array[] = [];
  const count = Math.ceil(n / u);
  for (let i = 1; i <= count; i++) {
    const A = await c.digestIterated(hash, concat([D, I]), iterations);
    blocks.push(A);
    if (i < count) {
      const B = new Uint8Array(v);
      for (let k = 0; k < v; k++) B[k] = A[k % u]!;
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const s = I[j + k]! + B[k]! + carry;
          I[j + k] = s & 0xff;
          carry = s >> 8;
        }
      }
    }
  }
  return concat(blocks).subarray(0, n);
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C) */
async function pbe3DesEncrypt(c: Pkcs12Crypto, plain: Uint8Array, password: string, iterations: number): Promise<Encrypted> {
  if (!c.desEde3Cbc) throw new Error("the legacy PKCS#12 flavour needs 3DES, which this platform lacks");
  const salt = c.random(8);
  const key = await pkcs12Kdf(c, "sha1", password, salt, 1, iterations, 24);
  const iv = await pkcs12Kdf(c, "sha1", password, salt, 2, iterations, 8);
  return { algorithm: seq(oid(OID.pbeSha3DesCbc), seq(octets(salt), int(iterations))), ciphertext: c.desEde3Cbc(plain, key, iv) };
}

const encryptedPrivateKeyInfo = (e: Encrypted) => seq(e.algorithm, octets(e.ciphertext));

/** An unencrypted PKCS#8 key as EncryptedPrivateKeyInfo DER (PBES2), readable by OpenSSL and Node. */
export async function encryptPkcs8(c: Pkcs12Crypto, pkcs8: Uint8Array, passphrase: string, iterations = STORE_ITERATIONS): Promise<Uint8Array> {
  return encryptedPrivateKeyInfo(await pbes2Encrypt(c, pkcs8, passphrase, iterations));
}

export interface Pkcs12Input {
  /** unencrypted PKCS#8 DER of the private key */
  pkcs8: Uint8Array;
  /** the end-entity certificate, DER */
  cert: Uint8Array;
  /** CA certificates, DER, each with the name shown when imported */
  chain: Array<{ der: Uint8Array; name: string }>;
  /** shown by Windows, Keychain and NSS as the certificate's name */
  friendlyName: string;
  password: string;
  legacy?: boolean;
  iterations?: number;
}

export async function writePkcs12(c: Pkcs12Crypto, o: Pkcs12Input): Promise<Uint8Array> {
  if (o.password.length === 0) throw new Error("a PKCS#12 password is required");
  const legacy = o.legacy ?? false;
  const iterations = o.iterations ?? (legacy ? LEGACY_ITERATIONS : P12_ITERATIONS);
  const encrypt = (plain: Uint8Array) => (legacy ? pbe3DesEncrypt(c, plain, o.password, iterations) : pbes2Encrypt(c, plain, o.password, iterations));
  const localKeyId = await c.digestIterated("sha1", o.cert, 1);
  const attrs = (name: string, withKeyId: boolean) =>
    set(seq(oid(OID.friendlyName), set(bmpString(name))), ...(withKeyId ? [seq(oid(OID.localKeyId), set(octets(localKeyId)))] : []));
  const certBag = (der: Uint8Array, name: string, withKeyId: boolean) =>
    seq(oid(OID.certBag), explicit(0, seq(oid(OID.x509Certificate), explicit(0, octets(der)))), attrs(name, withKeyId));

  const certContents = seq(certBag(o.cert, o.friendlyName, true), ...o.chain.map((x) => certBag(x.der, x.name, false)));
  const certsEnc = await encrypt(certContents);
  const certsInfo = seq(oid(OID.encryptedData), explicit(0, seq(int(0), seq(oid(OID.data), certsEnc.algorithm, implicitPrimitive(0, certsEnc.ciphertext)))));

  const keyBag = seq(oid(OID.shroudedKeyBag), explicit(0, encryptedPrivateKeyInfo(await encrypt(o.pkcs8))), attrs(o.friendlyName, true));
  const keyInfo = seq(oid(OID.data), explicit(0, octets(seq(keyBag))));

  const authSafe = seq(certsInfo, keyInfo);
  const macHash: Hash = legacy ? "sha1" : "sha256";
  const macSalt = c.random(legacy ? 8 : 16);
  const macKey = await pkcs12Kdf(c, macHash, o.password, macSalt, 3, iterations, legacy ? 20 : 32);
  const mac = await c.hmac(macHash, macKey, authSafe);
  const macData = seq(seq(seq(oid(legacy ? OID.sha1 : OID.sha256), nul()), octets(mac)), octets(macSalt), int(iterations));
  return seq(int(3), seq(oid(OID.data), explicit(0, octets(authSafe))), macData);
}
