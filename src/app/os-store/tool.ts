import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError, EXIT } from "../errors.js";
import type { MessageKey } from "../messages.js";

/**
 * The platforms' own tools (pk12util and certutil, powershell.exe, security), run without a shell:
 * the arguments go to the program as they are, so nothing in them is ever interpreted. What to do
 * when one is missing or fails depends on the platform: each caller names its two hints.
 */

export interface ToolHints {
  missing: MessageKey;
  failed: MessageKey;
}

export interface ToolRun {
  /** added to the app's own environment (secrets go here, never into the arguments) */
  env?: Record<string, string>;
}

/** Runs `cmd`; its stdout, or an AppError (exit code 11) with the tool's last words. */
export function mustRun(cmd: string, args: string[], hints: ToolHints, o: ToolRun = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...o.env }, windowsHide: true });
    const out: Buffer[] = [];
    const all: Buffer[] = [];
    p.stdout.on("data", (c: Buffer) => (out.push(c), all.push(c)));
    p.stderr.on("data", (c: Buffer) => all.push(c));
    p.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") reject(new AppError("err_tool_missing", { tool: cmd }, EXIT.tool, hints.missing));
      else reject(new AppError("err_tool_failed", { tool: cmd, detail: e.message }, EXIT.tool, hints.failed));
    });
    p.on("close", (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8").trim());
      const said = Buffer.concat(all).toString("utf8").trim().split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      reject(new AppError("err_tool_failed", { tool: cmd, detail: said.slice(-3).join(" ") || `exit ${code}` }, EXIT.tool, hints.failed));
    });
  });
}

/**
 * A private directory (mkdtemp: 0700, a name no one else can guess) for the files a tool is
 * handed — the PKCS#12 made for the occasion, password files — removed afterwards, also when the
 * tool fails. Files are written 0600.
 */
export async function withPrivateDir<T>(use: (write: (name: string, data: Uint8Array | string) => string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-app-"));
  try {
    return await use((name, data) => {
      const file = join(dir, name);
      writeFileSync(file, data, { mode: 0o600 });
      return file;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
