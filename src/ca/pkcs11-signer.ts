import { createHash, createPublicKey } from "node:crypto";
import pkcs11js from "pkcs11js";
import { seq, uint } from "./der-writer.js";
import { signatureAlgorithm, type KeyKind, type Signer } from "./signer.js";
import type { Pkcs11Token } from "./pkcs11-token.js";

/** DER of the named-curve OID of P-256, as CKA_EC_PARAMS holds it */
export const P256_PARAMS = Buffer.from("06082a8648ce3d030107", "hex");

/** A CA key on a PKCS#11 token: the token signs, and the private key never leaves it. */
export class Pkcs11Signer implements Signer {
  readonly algorithm;

  private constructor(
    private readonly token: Pkcs11Token,
    private readonly privateKey: Buffer,
    readonly kind: KeyKind,
    readonly spki: Uint8Array,
    private readonly signatureBytes: number,
  ) {
    this.algorithm = signatureAlgorithm(kind);
  }

  /**
   * Reads a key pair's public half from the token. Refuses a private key the token would let out,
   * so that a key imported carelessly is not taken for a hardware-held one.
   */
  static load(token: Pkcs11Token, privateKey: Buffer, publicKey: Buffer, label: string): Pkcs11Signer {
    const flag = (t: number) => token.attribute(privateKey, t)[0] === 1;
    if (!flag(pkcs11js.CKA_SENSITIVE) || flag(pkcs11js.CKA_EXTRACTABLE)) {
      throw new Error(`the PKCS#11 key "${label}" can be extracted from the token; a CA key must be sensitive and non-extractable`);
    }
    const kt = token.attribute(publicKey, pkcs11js.CKA_KEY_TYPE);
    const keyType = kt.readUIntLE(0, Math.min(kt.length, 6));
    if (keyType === pkcs11js.CKK_RSA) {
      const n = stripZeros(token.attribute(publicKey, pkcs11js.CKA_MODULUS));
      const e = stripZeros(token.attribute(publicKey, pkcs11js.CKA_PUBLIC_EXPONENT));
      const bits = n.length * 8;
      if (bits !== 2048 && bits !== 3072 && bits !== 4096) throw new Error(`the PKCS#11 key "${label}" is RSA-${bits}, which Inkan does not use for a CA`);
      const spki = createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: e.toString("base64url") }, format: "jwk" }).export({ type: "spki", format: "der" });
      return new Pkcs11Signer(token, privateKey, `RSA-${bits}` as KeyKind, new Uint8Array(spki), n.length);
    }
    if (keyType === pkcs11js.CKK_EC) {
      if (!token.attribute(publicKey, pkcs11js.CKA_EC_PARAMS).equals(P256_PARAMS)) throw new Error(`the PKCS#11 key "${label}" is on a curve other than P-256`);
      const point = uncompressedPoint(token.attribute(publicKey, pkcs11js.CKA_EC_POINT));
      const jwk = { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") };
      const spki = createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" });
      return new Pkcs11Signer(token, privateKey, "ECDSA-P256", new Uint8Array(spki), 64);
    }
    throw new Error(`the PKCS#11 key "${label}" is neither RSA nor EC`);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const rsa = this.kind.startsWith("RSA");
    // plain CKM_ECDSA over our own digest: more tokens offer it than CKM_ECDSA_SHA256
    const mechanism = { mechanism: rsa ? pkcs11js.CKM_SHA256_RSA_PKCS : pkcs11js.CKM_ECDSA };
    const input = rsa ? Buffer.from(data) : createHash("sha256").update(data).digest();
    const sig = await this.token.withSession(async (s) => {
      this.token.module.C_SignInit(s, mechanism, this.privateKey);
      return this.token.module.C_SignAsync(s, input, Buffer.alloc(this.signatureBytes));
    });
    if (rsa) return new Uint8Array(sig);
    // PKCS#11 gives ECDSA as r||s; X.509 wants SEQUENCE { r INTEGER, s INTEGER }
    if (sig.length !== 64) throw new Error(`unexpected ECDSA signature length ${sig.length} from the token`);
    return seq(uint(sig.subarray(0, 32)), uint(sig.subarray(32)));
  }
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** CKA_EC_POINT is DER OCTET STRING by the standard, but some tokens give the bare point. */
function uncompressedPoint(v: Buffer): Buffer {
  if (v.length === 65 && v[0] === 0x04) return v;
  if (v.length === 67 && v[0] === 0x04 && v[1] === 65 && v[2] === 0x04) return v.subarray(2);
  throw new Error("the token's EC public key is not an uncompressed P-256 point");
}
