import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { bmpString, explicit, implicitPrimitive, int, nul, octets, oid, seq, set } from "./der.js";

/**
 * PKCS#12 (RFC 7292) and encrypted PKCS#8 (RFC 5958, PBES2 of RFC 8018), written with node:crypto.
 *
 * Two PKCS#12 flavours:
 * - modern (default): what OpenSSL 3 writes by default — certificates in an EncryptedData and the
 *   key in a PKCS8ShroudedKeyBag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), MAC HMAC-SHA256.
 *   OpenSSL 3, NSS (Chromium and Firefox on Linux), macOS and Windows 10 1709+ import it.
 * - legacy: pbeWithSHAAnd3-KeyTripleDES-CBC for both, MAC HMAC-SHA1, 2048 iterations — what
 *   Windows 7/8 and old Windows Server import. No RC2 (OpenSSL 3 reads this file without its
 *   legacy provider).
 *
 * pkijs was the suggested library; it is not used because it cannot write the 3DES flavour, and
 * one small writer for both keeps the two flavours identical in layout.
 */

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

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

interface Encrypted {
  algorithm: Uint8Array;
  ciphertext: Uint8Array;
}

/** PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC; the password is used as its UTF-8 bytes (as OpenSSL does). */
function pbes2Encrypt(plain: Uint8Array, password: string, iterations: number): Encrypted {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const c = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  const algorithm = seq(
    oid(OID.pbes2),
    seq(seq(oid(OID.pbkdf2), seq(octets(u8(salt)), int(iterations), seq(oid(OID.hmacWithSHA256), nul()))), seq(oid(OID.aes256cbc), octets(u8(iv)))),
  );
  return { algorithm, ciphertext: u8(ciphertext) };
}

/** PKCS#12 password form: BMPString (UTF-16BE) with a terminating NUL. */
function bmpPassword(password: string): Buffer {
  const b = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** RFC 7292 appendix B.2: the PKCS#12 key derivation (id 1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(hash: "sha1" | "sha256", password: string, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Buffer {
  const u = hash === "sha1" ? 20 : 32;
  const v = 64;
  const stretch = (src: Uint8Array) => {
    const out = Buffer.alloc(src.length === 0 ? 0 : v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([stretch(salt), stretch(bmpPassword(password))]);
  const blocks: Buffer[] = [];
  const c = Math.ceil(n / u);
  for (let i = 1; i <= c; i++) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    blocks.push(A);
    if (i < c) {
      const B = Buffer.alloc(v);
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
  return Buffer.concat(blocks).subarray(0, n);
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C) */
function pbe3DesEncrypt(plain: Uint8Array, password: string, iterations: number): Encrypted {
  const salt = u8(randomBytes(8));
  const key = pkcs12Kdf("sha1", password, salt, 1, iterations, 24);
  const iv = pkcs12Kdf("sha1", password, salt, 2, iterations, 8);
  const c = createCipheriv("des-ede3-cbc", key, iv);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  return { algorithm: seq(oid(OID.pbeSha3DesCbc), seq(octets(salt), int(iterations))), ciphertext: u8(ciphertext) };
}

const encryptedPrivateKeyInfo = (e: Encrypted) => seq(e.algorithm, octets(e.ciphertext));

/** An unencrypted PKCS#8 key as EncryptedPrivateKeyInfo PEM (PBES2), readable by OpenSSL and Node. */
export function encryptPkcs8Pem(pkcs8: Uint8Array, passphrase: string, iterations = STORE_ITERATIONS): string {
  const der = encryptedPrivateKeyInfo(pbes2Encrypt(pkcs8, passphrase, iterations));
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${b64}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}

export interface Pkcs12Input {
  /** unencrypted PKCS#8 DER of the private key */
  pkcs8: Uint8Array;
  /** the end-entity certificate, DER */
  cert: Uint8Array;
  /** issuing CA and root, DER, each with the name shown when imported */
  chain: Array<{ der: Uint8Array; name: string }>;
  /** shown by Windows, Keychain and NSS as the certificate's name */
  friendlyName: string;
  password: string;
  legacy?: boolean;
  iterations?: number;
}

export function buildPkcs12(o: Pkcs12Input): Uint8Array {
  if (o.password.length === 0) throw new Error("a PKCS#12 password is required");
  const legacy = o.legacy ?? false;
  const iterations = o.iterations ?? (legacy ? LEGACY_ITERATIONS : P12_ITERATIONS);
  const encrypt = (plain: Uint8Array) => (legacy ? pbe3DesEncrypt(plain, o.password, iterations) : pbes2Encrypt(plain, o.password, iterations));
  // localKeyId ties the key to its certificate: the SHA-1 of the certificate, as OpenSSL makes it
  const localKeyId = u8(createHash("sha1").update(o.cert).digest());
  const attrs = (name: string, withKeyId: boolean) =>
    set(seq(oid(OID.friendlyName), set(bmpString(name))), ...(withKeyId ? [seq(oid(OID.localKeyId), set(octets(localKeyId)))] : []));
  const certBag = (der: Uint8Array, name: string, withKeyId: boolean) =>
    seq(oid(OID.certBag), explicit(0, seq(oid(OID.x509Certificate), explicit(0, octets(der)))), attrs(name, withKeyId));

  const certContents = seq(certBag(o.cert, o.friendlyName, true), ...o.chain.map((c) => certBag(c.der, c.name, false)));
  const certsEnc = encrypt(certContents);
  const certsInfo = seq(oid(OID.encryptedData), explicit(0, seq(int(0), seq(oid(OID.data), certsEnc.algorithm, implicitPrimitive(0, certsEnc.ciphertext)))));

  const keyBag = seq(oid(OID.shroudedKeyBag), explicit(0, encryptedPrivateKeyInfo(encrypt(o.pkcs8))), attrs(o.friendlyName, true));
  const keyInfo = seq(oid(OID.data), explicit(0, octets(seq(keyBag))));

  const authSafe = seq(certsInfo, keyInfo);
  const macHash = legacy ? "sha1" : "sha256";
  const macSalt = u8(randomBytes(legacy ? 8 : 16));
  const macKey = pkcs12Kdf(macHash, o.password, macSalt, 3, iterations, legacy ? 20 : 32);
  const mac = u8(createHmac(macHash, macKey).update(authSafe).digest());
  const macData = seq(seq(seq(oid(legacy ? OID.sha1 : OID.sha256), nul()), octets(mac)), octets(macSalt), int(iterations));
  return seq(int(3), seq(oid(OID.data), explicit(0, octets(authSafe))), macData);
}

