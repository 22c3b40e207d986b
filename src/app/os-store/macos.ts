import { homedir } from "node:os";
import { join } from "node:path";
import { AppError } from "../errors.js";
import { mustRun, withPrivateDir, type ToolHints } from "./tool.js";

/**
 * macOS: the login keychain, where Safari, Chrome and Edge look for client certificates, through
 * `security import … -x`: -x marks the imported key not extractable, so Keychain Access cannot
 * export it and it never leaves this Mac.
 *
 * `security import` takes the PKCS#12 password only with -P (the command line) or from a dialog.
 * The password is a throwaway: random, for a file that lives in a private 0700 directory for the
 * seconds of the import and protects nothing afterwards — so the command line is acceptable here.
 * No -T / -A: the first browser that uses the key asks the user once to allow it, as macOS does
 * for every imported identity.
 */

const HINTS: ToolHints = { missing: "hint_security_missing", failed: "hint_security_failed" };

export function loginKeychain(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || homedir(), "Library", "Keychains", "login.keychain-db");
}

export async function installIntoKeychain(keychain: string, p12: (password: string) => Promise<Uint8Array>, password: string): Promise<void> {
  await withPrivateDir(async (write) => {
    const file = write("cert.p12", await p12(password));
    try {
      await mustRun("security", ["import", file, "-k", keychain, "-f", "pkcs12", "-x", "-P", password], HINTS);
    } catch (e) {
      // installed before (the window, then `install`): what is wanted is there
      if (!(e instanceof AppError && /already exists/i.test(String(e.params.detail)))) throw e;
    }
  });
}

/** The certificate and its key out of the keychain, by SHA-1 (`security delete-identity -Z`). */
export async function removeFromKeychain(keychain: string, sha1: string): Promise<void> {
  await mustRun("security", ["delete-identity", "-Z", sha1, keychain], HINTS);
}
