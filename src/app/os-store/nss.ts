import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { mustRun, withPrivateDir, type ToolHints } from "./tool.js";

/**
 * NSS (Chromium and Firefox on Linux) through the tools of libnss3-tools: pk12util imports a
 * PKCS#12 made for the occasion (random password, a private temporary directory, removed after),
 * certutil sets the trust of the bank's root.
 *
 * Trust "T,,": the root is trusted to issue client certificates, which is what it is for. Not "C":
 * a bank's client-certificate root has no business vouching for web servers in the user's browser.
 */

const HINTS: ToolHints = { missing: "hint_tool_missing", failed: "hint_nss_password" };

export function defaultNssDir(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || homedir(), ".pki", "nssdb");
}

export interface NssImport {
  dir: string;
  p12: (password: string) => Promise<Uint8Array>;
  /** the nickname the root gets (its friendlyName in the PKCS#12) */
  rootName: string;
  dbPassword: string;
}

/** Imports into the database at `dir` (created when missing); returns true if it was created. */
export async function installIntoNss(o: NssImport): Promise<{ created: boolean }> {
  const db = `sql:${o.dir}`;
  let created = false;
  if (!existsSync(join(o.dir, "cert9.db"))) {
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    await withPrivateDir(async (write) => {
      const pwFile = write("pw", o.dbPassword + "\n");
      await mustRun("certutil", ["-N", "-d", db, ...(o.dbPassword ? ["-f", pwFile] : ["--empty-password"])], HINTS);
    });
    created = true;
  }
  await withPrivateDir(async (write) => {
    const password = randomBytes(18).toString("base64url");
    const file = write("cert.p12", await o.p12(password));
    const pwFile = write("pw", password + "\n");
    const dbPwFile = write("dbpw", o.dbPassword + "\n");
    await mustRun("pk12util", ["-i", file, "-d", db, "-w", pwFile, ...(o.dbPassword ? ["-k", dbPwFile] : ["-K", ""])], HINTS);
    await mustRun("certutil", ["-M", "-n", o.rootName, "-t", "T,,", "-d", db, ...(o.dbPassword ? ["-f", dbPwFile] : [])], HINTS);
  });
  return { created };
}

/**
 * The certificate and its key out of the database (`certutil -F`). The nickname is the CN, which
 * carries the issuance time and so names one certificate. The bank's CAs stay: the next
 * certificate needs them.
 */
export async function removeFromNss(dir: string, nickname: string, dbPassword: string): Promise<void> {
  await withPrivateDir(async (write) => {
    const pwFile = write("dbpw", dbPassword + "\n");
    await mustRun("certutil", ["-F", "-n", nickname, "-d", `sql:${dir}`, ...(dbPassword ? ["-f", pwFile] : [])], HINTS);
  });
}
