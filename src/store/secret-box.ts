import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

/**
 * TOTP secrets at rest (issue 13): AES-256-GCM under a key that is not in the database. The store is
 * handed the key (the runtime opens it from the data directory's key store, src/ca/totp-key.ts);
 * nothing here reads a file. A stored value is `enc1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`,
 * the associated data binding it to its bank, user row and column, so a database writer cannot move a
 * secret they know (their own) onto someone else's row or from one column to the other, nor write a
 * clear one: each fails to open.
 */
export class SecretBox {
  /** the first 16 hex digits of HMAC(key, "inkan-totp-key-id"): names the key without showing it */
  readonly keyId: string;

  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error("the TOTP secret key must be 32 bytes");
    this.keyId = createHmac("sha256", key).update("inkan-totp-key-id").digest("hex").slice(0, 16);
  }

  seal(clear: string, bankId: string, userId: number, column: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(aad(bankId, userId, column));
    const body = Buffer.concat([iv, c.update(clear, "utf8"), c.final(), c.getAuthTag()]);
    return `enc1:${this.keyId}:${body.toString("base64url")}`;
  }

  open(stored: string, bankId: string, userId: number, column: string): string {
    const m = /^enc1:([0-9a-f]{16}):([A-Za-z0-9_-]+)$/.exec(stored);
    if (!m) throw new SecretUnreadable(bankId, userId, "not sealed");
    if (m[1] !== this.keyId) throw new SecretUnreadable(bankId, userId, `sealed under key ${m[1]}, this node has ${this.keyId}`);
    const body = Buffer.from(m[2]!, "base64url");
    if (body.length < 12 + 16) throw new SecretUnreadable(bankId, userId, "too short");
    try {
      const d = createDecipheriv("aes-256-gcm", this.key, body.subarray(0, 12));
      d.setAAD(aad(bankId, userId, column));
      d.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]).toString("utf8");
    } catch {
      throw new SecretUnreadable(bankId, userId, "does not open (another row's, or altered)");
    }
  }

  /** Whether a stored value is sealed already (the migration leaves those alone). */
  static isSealed(stored: string): boolean {
    return stored.startsWith("enc1:");
  }
}

const aad = (bankId: string, userId: number, column: string) => Buffer.from(`inkan-totp\n${bankId}\n${userId}\n${column}`, "utf8");

/** A stored TOTP secret that this key cannot open: never taken as a clear secret. The message names the row only. */
export class SecretUnreadable extends Error {
  constructor(bankId: string, userId: number, why: string) {
    super(`the one-time-password secret of user ${userId} of bank ${bankId} cannot be read: ${why}`);
  }
}
