import { randomBytes } from "node:crypto";
import pkcs11js from "pkcs11js";
import { ONLINE_TOKEN_STORE, type KeyStore, type TokenStoreKind } from "./key-store.js";
import { P256_PARAMS, Pkcs11Signer } from "./pkcs11-signer.js";
import { Pkcs11Token, type Pkcs11TokenConfig } from "./pkcs11-token.js";
import type { KeyKind, Signer } from "./signer.js";

type AttributeName = { [K in keyof typeof pkcs11js]: K extends `CKA_${string}` ? K : never }[keyof typeof pkcs11js];

/** A PKCS#11 template from attribute names and values, read as the table it is. */
function attributes(o: Partial<Record<AttributeName, boolean | number | string | Buffer>>): pkcs11js.Template {
  return Object.entries(o).map(([name, value]) => ({ type: pkcs11js[name as AttributeName] as number, value }));
}

/**
 * Keys made and held on a PKCS#11 token. The label is `<bank>/<name>`, so banks may share a token,
 * and the key reference is `pkcs11:<label>` (`rootpkcs11:<label>` on a root's own token).
 */
export class Pkcs11KeyStore implements KeyStore {
  private token: Pkcs11Token | undefined;
  private readonly prefix: string;

  constructor(
    private readonly config: Pkcs11TokenConfig,
    private readonly kind: TokenStoreKind = ONLINE_TOKEN_STORE,
  ) {
    this.prefix = `${kind.scheme}:`;
  }

  async create(bankId: string, name: string, kind: KeyKind): Promise<{ signer: Signer; keyRef: string }> {
    const token = this.connect();
    const label = `${bankId}/${name}`;
    if (token.find([{ type: pkcs11js.CKA_LABEL, value: label }], 1).length) throw new Error(`refusing to overwrite an existing CA key on the token: ${label}`);
    const rsa = kind.startsWith("RSA");
    // CKA_ID pairs the two halves for tools (pkcs11-tool, OpenSSL's pkcs11 provider) that match by ID
    const common = { CKA_TOKEN: true, CKA_LABEL: label, CKA_ID: randomBytes(16) };
    const publicTemplate = attributes({
      ...common,
      CKA_CLASS: pkcs11js.CKO_PUBLIC_KEY,
      CKA_PRIVATE: false,
      CKA_VERIFY: true,
      CKA_ENCRYPT: false,
      CKA_WRAP: false,
      ...(rsa ? { CKA_MODULUS_BITS: Number(kind.slice(4)), CKA_PUBLIC_EXPONENT: Buffer.from([1, 0, 1]) } : { CKA_EC_PARAMS: P256_PARAMS }),
    });
    // signing only: a CA key that can also decrypt, unwrap or derive is one more way to misuse it
    const privateTemplate = attributes({
      ...common,
      CKA_CLASS: pkcs11js.CKO_PRIVATE_KEY,
      CKA_PRIVATE: true,
      CKA_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
      CKA_SIGN: true,
      CKA_DECRYPT: false,
      CKA_UNWRAP: false,
      CKA_DERIVE: false,
    });
    const mechanism = { mechanism: rsa ? pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN };
    const pair = await token.withSession((s) => token.module.C_GenerateKeyPairAsync(s, mechanism, publicTemplate, privateTemplate));
    return { signer: Pkcs11Signer.load(token, pair.privateKey, pair.publicKey, label), keyRef: this.prefix + label };
  }

  async open(keyRef: string): Promise<Signer> {
    if (!keyRef.startsWith(this.prefix)) throw new Error(`not a key of this PKCS#11 store (${this.kind.scheme}): ${keyRef}`);
    const label = keyRef.slice(this.prefix.length);
    const token = this.connect();
    const half = (cls: number) => {
      const found = token.find([
        { type: pkcs11js.CKA_CLASS, value: cls },
        { type: pkcs11js.CKA_LABEL, value: label },
      ]);
      if (found.length !== 1) throw new Error(found.length ? `more than one ${cls === pkcs11js.CKO_PRIVATE_KEY ? "private" : "public"} key labelled "${label}" on the token` : `no ${cls === pkcs11js.CKO_PRIVATE_KEY ? "private" : "public"} key labelled "${label}" on the token (wrong token, or not logged in?)`);
      return found[0]!;
    };
    return Pkcs11Signer.load(token, half(pkcs11js.CKO_PRIVATE_KEY), half(pkcs11js.CKO_PUBLIC_KEY), label);
  }

  // logged in on first use, so a wrong PIN or a missing token fails the operation that needed it
  private connect(): Pkcs11Token {
    this.token ??= Pkcs11Token.open(this.config, this.kind.pinFrom);
    return this.token;
  }
}
