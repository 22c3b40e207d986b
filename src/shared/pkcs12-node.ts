import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { encryptPkcs8, writePkcs12, STORE_ITERATIONS, type Pkcs12Crypto, type Pkcs12Input } from "./pkcs12.js";

export { LEGACY_ITERATIONS, P12_ITERATIONS, STORE_ITERATIONS, type Pkcs12Input } from "./pkcs12.js";

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** node:crypto for the PKCS#12 writer: synchronous underneath, so the KDF's loop costs no event-loop turns. */
export const nodePkcs12Crypto: Pkcs12Crypto = {
  random: (n) => u8(randomBytes(n)),
  async digestIterated(hash, data, times) {
    let a = createHash(hash).update(data).digest();
    for (let r = 1; r < times; r++) a = createHash(hash).update(a).digest();
    return u8(a);
  },
  hmac: async (hash, key, data) => u8(createHmac(hash, key).update(data).digest()),
  async pbes2(plain, password, salt, iv, iterations) {
    const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
    const c = createCipheriv("aes-256-cbc", key, iv);
    return u8(Buffer.concat([c.update(plain), c.final()]));
  },
  desEde3Cbc(plain, key, iv) {
    const c = createCipheriv("des-ede3-cbc", key, iv);
    return u8(Buffer.concat([c.update(plain), c.final()]));
  },
};

export function buildPkcs12(o: Pkcs12Input): Promise<Uint8Array> {
  return writePkcs12(nodePkcs12Crypto, o);
}

/** An unencrypted PKCS#8 key as EncryptedPrivateKeyInfo PEM (PBES2), readable by OpenSSL and Node. */
export async function encryptPkcs8Pem(pkcs8: Uint8Array, passphrase: string, iterations = STORE_ITERATIONS): Promise<string> {
  const der = await encryptPkcs8(nodePkcs12Crypto, pkcs8, passphrase, iterations);
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${b64}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}
