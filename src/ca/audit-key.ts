import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileSigner } from "./file-signer.js";

/**
 * The key that signs audit checkpoints (issue 13): an ECDSA P-256 key in an encrypted file under
 * <dataDir>/audit/, never in the database, so a database writer cannot forge a checkpoint. Its
 * public half sits beside it for whoever verifies (`inkan audit verify` needs no passphrase).
 */
export interface AuditSigner {
  /** the first 16 hex digits of SHA-256 over the public key (SPKI) */
  readonly keyId: string;
  sign(payload: string): Promise<string>;
}

export const auditKeyFiles = (dataDir: string) => ({ key: join(dataDir, "audit", "audit-key.pem"), pub: join(dataDir, "audit", "audit-key.pub.pem") });

const keyIdOf = (spkiDer: Uint8Array) => createHash("sha256").update(spkiDer).digest("hex").slice(0, 16);

/** Opens the audit key, making it on first use. */
export function openAuditSigner(dataDir: string, passphrase: string): AuditSigner {
  const files = auditKeyFiles(dataDir);
  const signer = existsSync(files.key) ? FileSigner.load(files.key, passphrase) : FileSigner.generate("ECDSA-P256", files.key, passphrase);
  const pubPem = createPublicKey({ key: Buffer.from(signer.spki), format: "der", type: "spki" }).export({ type: "spki", format: "pem" }) as string;
  if (!existsSync(files.pub)) writeFileSync(files.pub, pubPem, { mode: 0o644 });
  const keyId = keyIdOf(signer.spki);
  return { keyId, sign: async (payload) => Buffer.from(await signer.sign(new TextEncoder().encode(payload))).toString("base64") };
}

/** The public key that checks checkpoints, or undefined when its file is missing. */
export function auditVerifier(dataDir: string): { keyId: string; verify(payload: string, signature: string): boolean } | undefined {
  const { pub } = auditKeyFiles(dataDir);
  if (!existsSync(pub)) return undefined;
  const key = createPublicKey(readFileSync(pub));
  const keyId = keyIdOf(new Uint8Array(key.export({ type: "spki", format: "der" })));
  return {
    keyId,
    verify: (payload, signature) => {
      try {
        return nodeVerify("sha256", Buffer.from(payload), key, Buffer.from(signature, "base64"));
      } catch {
        return false;
      }
    },
  };
}
