import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, homedir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { AppError, EXIT } from "./errors.js";

/**
 * NSS (Chromium and Firefox on Linux) through the tools of libnss3-tools: pk12util imports a
 * PKCS#12 made for the occasion (random password, a private temporary directory, removed after),
 * certutil sets the trust of the bank's root.
 *
 * Trust "T,,": the root is trusted to issue client certificates, which is what it is for. Not "C":
 * a bank's client-certificate root has no business vouching for web servers in the user's browser.
 */

export function defaultNssDir(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || homedir(), ".pki", "nssdb");
}

interface ToolResult {
  status: number;
  out: string;
}

function tool(cmd: string, args: string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    p.stdout.on("data", (c: Buffer) => chunks.push(c));
    p.stderr.on("data", (c: Buffer) => chunks.push(c));
    p.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") reject(new AppError("err_tool_missing", { tool: cmd }, EXIT.tool, "hint_tool_missing"));
      else reject(new AppError("err_tool_failed", { tool: cmd, detail: e.message }, EXIT.tool, "hint_nss_password"));
    });
    p.on("close", (code) => resolve({ status: code ?? -1, out: Buffer.concat(chunks).toString("utf8").trim() }));
  });
}

async function must(cmd: string, args: string[]): Promise<string> {
  const r = await tool(cmd, args);
  if (r.status !== 0) throw new AppError("err_tool_failed", { tool: cmd, detail: r.out.split("\n").slice(-3).join(" ") || `exit ${r.status}` }, EXIT.tool, "hint_nss_password");
  return r.out;
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
    const pwDir = mkdtempSync(join(tmpdir(), "inkan-app-"));
    try {
      const pwFile = join(pwDir, "pw");
      writeFileSync(pwFile, o.dbPassword + "\n", { mode: 0o600 });
      await must("certutil", ["-N", "-d", db, ...(o.dbPassword ? ["-f", pwFile] : ["--empty-password"])]);
    } finally {
      rmSync(pwDir, { recursive: true, force: true });
    }
    created = true;
  }
  const work = mkdtempSync(join(tmpdir(), "inkan-app-"));
  try {
    const password = randomBytes(18).toString("base64url");
    const file = join(work, "cert.p12");
    writeFileSync(file, await o.p12(password), { mode: 0o600 });
    const pwFile = join(work, "pw");
    writeFileSync(pwFile, password + "\n", { mode: 0o600 });
    const dbPwFile = join(work, "dbpw");
    writeFileSync(dbPwFile, o.dbPassword + "\n", { mode: 0o600 });
    await must("pk12util", ["-i", file, "-d", db, "-w", pwFile, ...(o.dbPassword ? ["-k", dbPwFile] : ["-K", ""])]);
    await must("certutil", ["-M", "-n", o.rootName, "-t", "T,,", "-d", db, ...(o.dbPassword ? ["-f", dbPwFile] : [])]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { created };
}
