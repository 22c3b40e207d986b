import { mustRun, withPrivateDir, type ToolHints } from "./tool.js";

/**
 * Windows: the current user's personal store (Cert:\CurrentUser\My, 個人), where Edge and Chrome
 * look for client certificates, through Windows PowerShell's Import-PfxCertificate.
 *
 * Without -Exportable the key is imported as not exportable: the certificate manager greys out
 * "export the private key" and no program can take the key to another PC. The PFX password goes
 * to PowerShell in an environment variable, not on its command line: a command line is what
 * process lists, process-creation auditing (event 4688) and endpoint-protection logs record.
 * certutil -importPFX … NoExport would do the same import but takes the password only with -p
 * (the command line) or from an interactive prompt. The script is a constant, so nothing in a
 * file name or a password is ever parsed as PowerShell.
 */

export const WINDOWS_STORE = "Cert:\\CurrentUser\\My";
export const POWERSHELL = "powershell.exe";

const HINTS: ToolHints = { missing: "hint_powershell_missing", failed: "hint_powershell_failed" };

/** UTF-8 output, so that a Japanese Windows' error text reaches the app unmangled. */
const PROLOGUE = "$ErrorActionPreference = 'Stop'; [Console]::OutputEncoding = [System.Text.Encoding]::UTF8; ";

export const IMPORT_SCRIPT =
  PROLOGUE +
  "$password = ConvertTo-SecureString -String $env:INKAN_APP_PFX_PASSWORD -AsPlainText -Force; " +
  `Import-PfxCertificate -FilePath $env:INKAN_APP_PFX_FILE -CertStoreLocation '${WINDOWS_STORE}' -Password $password | Out-Null`;

export const REMOVE_SCRIPT =
  PROLOGUE +
  `$path = '${WINDOWS_STORE}\\' + $env:INKAN_APP_THUMBPRINT; ` +
  "if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -DeleteKey }";

const powershell = (script: string, env: Record<string, string>) => mustRun(POWERSHELL, ["-NoProfile", "-NonInteractive", "-Command", script], HINTS, { env });

export async function installIntoWindows(p12: (password: string) => Promise<Uint8Array>, password: string): Promise<void> {
  await withPrivateDir(async (write) => {
    const file = write("cert.p12", await p12(password));
    await powershell(IMPORT_SCRIPT, { INKAN_APP_PFX_FILE: file, INKAN_APP_PFX_PASSWORD: password });
  });
}

/** The certificate and its key (-DeleteKey) out of the personal store, by thumbprint (SHA-1, upper-case hex). */
export async function removeFromWindows(thumbprint: string): Promise<void> {
  await powershell(REMOVE_SCRIPT, { INKAN_APP_THUMBPRINT: thumbprint });
}
