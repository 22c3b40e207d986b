import { writePkcs12, type Hash, type Pkcs12Crypto } from "../src/shared/pkcs12.js";

/**
 * The page's PKCS#12: the one writer (src/shared/pkcs12.ts, the same the issuing app and the
 * bank's CLI use) over WebCrypto. The modern flavour only: WebCrypto has no 3DES.
 */

const subtle = () => globalThis.crypto.subtle;
const NAME: Record<Hash, string> = { sha1: "SHA-1", sha256: "SHA-256" };
const bytes = (b: ArrayBuffer) => new Uint8Array(b);
// WebCrypto's types want an ArrayBuffer-backed view
const view = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>;

const webPkcs12Crypto: Pkcs12Crypto = {
  random: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
  async digestIterated(hash, data, times) {
    let a = view(data);
    for (let r = 0; r < times; r++) a = bytes(await subtle().digest(NAME[hash], a));
    return a;
  },
  async hmac(hash, key, data) {
    const k = await subtle().importKey("raw", view(key), { name: "HMAC", hash: NAME[hash] }, false, ["sign"]);
    return bytes(await subtle().sign("HMAC", k, view(data)));
  },
  async pbes2(plain, password, salt, iv, iterations) {
    const base = await subtle().importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
    const key = await subtle().deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: view(salt), iterations }, base, { name: "AES-CBC", length: 256 }, false, ["encrypt"]);
    return bytes(await subtle().encrypt({ name: "AES-CBC", iv: view(iv) }, key, view(plain)));
  },
};

export interface PagePkcs12Input {
  /** the private key, extractable */
  privateKey: CryptoKey;
  /** the end-entity certificate, DER */
  certificate: ArrayBuffer;
  /** CA certificates, DER, each with the name shown when imported (its CN) */
  chain: Array<{ der: ArrayBuffer; name: string }>;
  /** shown by Windows, Keychain and NSS as the certificate's name: its CN */
  friendlyName: string;
  password: string;
  iterations?: number;
}

export async function buildPkcs12(o: PagePkcs12Input): Promise<Uint8Array<ArrayBuffer>> {
  const pkcs8 = bytes(await subtle().exportKey("pkcs8", o.privateKey));
  const p12 = await writePkcs12(webPkcs12Crypto, {
    pkcs8,
    cert: bytes(o.certificate),
    chain: o.chain.map((c) => ({ der: bytes(c.der), name: c.name })),
    friendlyName: o.friendlyName,
    password: o.password,
    iterations: o.iterations,
  });
  return view(p12);
}
