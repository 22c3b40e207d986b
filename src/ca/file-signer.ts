import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { signatureAlgorithm, type KeyKind, type Signer } from "./signer.js";

/** A CA key in an encrypted PKCS#8 PEM file (AES-256-CBC, scrypt-free PBES2 that OpenSSL reads). */
export class FileSigner implements Signer {
  readonly algorithm;
  readonly spki: Uint8Array;
  private constructor(
    readonly kind: KeyKind,
    private readonly key: KeyObject,
  ) {
    this.algorithm = signatureAlgorithm(kind);
    this.spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  }

  static generate(kind: KeyKind, file: string, passphrase: string): FileSigner {
    if (existsSync(file)) throw new Error(`refusing to overwrite an existing CA key: ${file}`);
    const { privateKey } = kind.startsWith("RSA")
      ? generateKeyPairSync("rsa", { modulusLength: Number(kind.slice(4)) })
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase });
    writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
    return new FileSigner(kind, privateKey);
  }

  static load(file: string, passphrase: string): FileSigner {
    const key = readKey(file, passphrase);
    const d = key.asymmetricKeyDetails ?? {};
    const kind: KeyKind = key.asymmetricKeyType === "rsa" ? (`RSA-${d.modulusLength}` as KeyKind) : "ECDSA-P256";
    return new FileSigner(kind, key);
  }

  /**
   * Writes the key of one file into another under another passphrase, flushed to the disk (file
   * and directory) before it returns, and read back from there. A file already there with the same
   * key is taken as it is (a move interrupted after writing it); one with another key is refused.
   */
  static rewrap(from: string, fromPassphrase: string, to: string, toPassphrase: string): FileSigner {
    const key = readKey(from, fromPassphrase);
    const spki = (k: KeyObject) => createPublicKey(k).export({ type: "spki", format: "der" });
    if (existsSync(to)) {
      if (!spki(readKey(to, toPassphrase)).equals(spki(key))) throw new Error(`refusing to overwrite another CA key: ${to}`);
    } else {
      mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
      const fd = openSync(to, "wx", 0o600);
      try {
        writeSync(fd, key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: toPassphrase }) as string);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      syncDir(dirname(to));
    }
    return FileSigner.load(to, toPassphrase);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    // node:crypto gives ECDSA signatures DER-encoded, as X.509 wants them
    return new Uint8Array(nodeSign("sha256", data, this.key));
  }
}

function readKey(file: string, passphrase: string): KeyObject {
  try {
    return createPrivateKey({ key: readFileSync(file), format: "pem", passphrase });
  } catch (e) {
    throw new Error(`cannot open CA key ${file}: wrong passphrase or damaged file (${(e as Error).message.split("\n")[0]})`);
  }
}

/** A directory's entries (a file made or removed) on the disk. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
