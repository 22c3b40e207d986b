import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { buildName, buildTbs, randomSerial, signTbs, toPem } from "./certificate-builder.js";
import { rootExtensions, serverExtensions } from "./profiles.js";
import { FileSigner } from "./file-signer.js";
import type { Clock } from "../domain/clock.js";

export interface ServerTls {
  key: string;
  cert: string;
  passphrase: string;
  caFile: string;
  caPem: string;
}

const DAY = 86_400_000;

/**
 * The HTTPS server's own certificate, from a local server CA made at init (not a bank CA: the
 * banks' CAs sign users only). Reissued when it nears its end or the configured names change.
 * `until` stretches both to a given end: a test whose browser runs on a clock years ahead
 * (libfaketime) needs a server certificate that is still valid there, not one it must ignore.
 */
export async function ensureServerTls(dataDir: string, names: string[], passphrase: string, clock: Clock, o: { until?: Date } = {}): Promise<ServerTls> {
  const dir = join(dataDir, "tls");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeyFile = join(dir, "server-ca.key.pem");
  const caFile = join(dir, "server-ca.pem");
  const keyFile = join(dir, "server.key.pem");
  const certFile = join(dir, "server.pem");
  const now = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);

  let caSigner: FileSigner;
  let caDer: Uint8Array;
  if (!existsSync(caKeyFile) || !existsSync(caFile)) {
    caSigner = FileSigner.generate("ECDSA-P256", caKeyFile, passphrase);
    const name = buildName([
      { type: "O", value: "Inkan" },
      { type: "CN", value: "Inkan Local Server CA" },
    ]);
    caDer = await signTbs(buildTbs({ serial: randomSerial(), issuer: name, subject: name, notBefore: now, notAfter: new Date(Math.max(now.getTime() + 3650 * DAY, o.until?.getTime() ?? 0)), subjectSpki: caSigner.spki, issuerSpki: caSigner.spki, signer: caSigner, extensions: rootExtensions() }), caSigner);
    writeFileSync(caFile, toPem(caDer));
  } else {
    caSigner = FileSigner.load(caKeyFile, passphrase);
    caDer = new Uint8Array(new X509Certificate(readFileSync(caFile)).raw);
  }

  const current = existsSync(certFile) && existsSync(keyFile) ? new X509Certificate(readFileSync(certFile)) : undefined;
  const wanted = [...names].sort().join(",");
  const has = current?.subjectAltName?.split(", ").map((s) => s.replace(/^(DNS|IP Address):/, "")).sort().join(",");
  if (!current || has !== wanted || new Date(current.validTo).getTime() - now.getTime() < 30 * DAY) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const issuer = buildName([
      { type: "O", value: "Inkan" },
      { type: "CN", value: "Inkan Local Server CA" },
    ]);
    const subject = buildName([
      { type: "O", value: "Inkan" },
      { type: "CN", value: names[0] ?? "localhost" },
    ]);
    const der = await signTbs(buildTbs({ serial: randomSerial(), issuer, subject, notBefore: now, notAfter: o.until ?? new Date(now.getTime() + 397 * DAY), subjectSpki: spki, issuerSpki: caSigner.spki, signer: caSigner, extensions: serverExtensions(names) }), caSigner);
    writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase }), { mode: 0o600 });
    writeFileSync(certFile, toPem(der) + toPem(caDer));
  }
  createPrivateKey({ key: readFileSync(keyFile), passphrase }); // fails early on a wrong passphrase
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), passphrase, caFile, caPem: readFileSync(caFile, "utf8") };
}

