import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The key that seals TOTP secrets in the database (src/store/secret-box.ts): 32 random bytes in the
 * data directory's key store, <dataDir>/ca/totp-secrets.key, beside the CA keys and wrapped like them
 * under the CA passphrase (scrypt → AES-256-GCM). Never in the database: a copy of the database alone
 * yields no secret. Every node of an installation needs this same file, as it needs the CA keys.
 */
export const totpKeyFile = (dataDir: string) => join(dataDir, "ca", "totp-secrets.key");

interface Wrapped {
  v: 1;
  salt: string;
  iv: string;
  key: string;
  tag: string;
}

const kek = (passphrase: string, salt: Buffer) => scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });

/** Opens the TOTP secret key, making it on first use (an installation older than it gets it at its next start). */
export function openTotpKey(dataDir: string, passphrase: string): Uint8Array {
  const file = totpKeyFile(dataDir);
  if (!existsSync(file)) {
    const key = randomBytes(32);
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", kek(passphrase, salt), iv);
    const wrapped = Buffer.concat([c.update(key), c.final()]);
    const w: Wrapped = { v: 1, salt: salt.toString("base64"), iv: iv.toString("base64"), key: wrapped.toString("base64"), tag: c.getAuthTag().toString("base64") };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // wx: two processes starting at once never overwrite each other's key; the loser reads the winner's
    try {
      writeFileSync(file, JSON.stringify(w) + "\n", { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  try {
    const w = JSON.parse(readFileSync(file, "utf8")) as Wrapped;
    const d = createDecipheriv("aes-256-gcm", kek(passphrase, Buffer.from(w.salt, "base64")), Buffer.from(w.iv, "base64"));
    d.setAuthTag(Buffer.from(w.tag, "base64"));
    return new Uint8Array(Buffer.concat([d.update(Buffer.from(w.key, "base64")), d.final()]));
  } catch (e) {
    throw new Error(`cannot open the TOTP secret key ${file}: wrong passphrase or damaged file (${(e as Error).message.split("\n")[0]})`);
  }
}
