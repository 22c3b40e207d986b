import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { run, type Harness } from "./harness.js";
import type { Identity } from "./client.js";

export interface StaffMember {
  /** the PKCS#12 the real `inkan staff add` wrote, and its passphrase (for Chromium) */
  p12: { path: string; pfx: Buffer; passphrase: string };
  /** its key and certificate, read back by OpenSSL (for node's own TLS client) */
  identity: Identity;
}

/** A staff member made as a bank makes one: `inkan staff add`, the passphrase given by environment. */
export async function addStaffMember(h: Harness, o: { bank: string; id: string; role: "operator" | "auditor"; passphrase: string; name?: string }): Promise<StaffMember> {
  const path = join(h.dataDir, `${o.id}.p12`);
  const env = `INKAN_STAFF_P12_${o.id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
  process.env[env] = o.passphrase;
  const r = await h.cli(["staff", "add", o.bank, o.id, "--name", o.name ?? `行員 ${o.id}`, "--role", o.role, "--out", path, "--passphrase-env", env]);
  assert.equal(r.status, 0, r.stderr);
  const certPem = (await run("openssl", ["pkcs12", "-in", path, "-passin", `pass:${o.passphrase}`, "-clcerts", "-nokeys"])).stdout;
  const keyPem = (await run("openssl", ["pkcs12", "-in", path, "-passin", `pass:${o.passphrase}`, "-nocerts", "-nodes"])).stdout;
  const serial = (await run("openssl", ["x509", "-noout", "-serial"], certPem)).stdout.trim().replace(/^serial=/, "").toLowerCase();
  return { p12: { path, pfx: readFileSync(path), passphrase: o.passphrase }, identity: { certPem, keyPem, serial } };
}
