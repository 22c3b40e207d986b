import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./harness.js";

export interface MadeCsr {
  dir: string;
  keyFile: string;
  /** DER */
  der: Buffer;
  /** base64 DER, the EST body */
  b64: string;
}

/** Makes a key and a CSR with the real openssl command, as a user following the README would. */
export async function opensslCsr(kind: "rsa2048" | "rsa1024" | "p256" | "p384" | "ed25519", extra: string[] = []): Promise<MadeCsr> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-csr-"));
  const keyFile = join(dir, "key.pem");
  const genArgs: Record<string, string[]> = {
    rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    rsa1024: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    ed25519: ["-algorithm", "ED25519"],
  };
  await run("openssl", ["genpkey", ...genArgs[kind]!, "-out", keyFile]);
  const csrFile = join(dir, "req.der");
  await run("openssl", ["req", "-new", "-key", keyFile, "-subj", "/CN=anything I like/O=Evil Corp", "-outform", "DER", "-out", csrFile, ...extra]);
  const der = readFileSync(csrFile);
  return { dir, keyFile, der, b64: der.toString("base64") };
}

/** A new CSR over an existing key: what a client reusing its old key would send. */
export async function csrFromKey(keyFile: string): Promise<MadeCsr> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-csr-"));
  const r = await run("openssl", ["req", "-new", "-key", keyFile, "-subj", "/CN=again", "-outform", "DER"]);
  return { dir, keyFile, der: r.raw, b64: r.raw.toString("base64") };
}

export function writeTemp(dir: string, name: string, data: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}
