import { createHash, randomBytes } from "node:crypto";
import { resolve as resolvePath } from "node:path";
import { decryptKey } from "../keys.js";
import { buildPkcs12, LEGACY_ITERATIONS } from "../../shared/pkcs12-node.js";
import { parsePem, rootIn } from "../format.js";
import { chainForP12, type Ctx } from "../context.js";
import type { InstalledIn, StoredCert } from "../certificate-store.js";
import type { Messages } from "../messages.js";
import * as x509 from "../x509.js";
import { defaultNssDir, installIntoNss, removeFromNss } from "./nss.js";
import { installIntoWindows, removeFromWindows, WINDOWS_STORE } from "./windows.js";
import { installIntoKeychain, loginKeychain, removeFromKeychain } from "./macos.js";

/**
 * The certificate into the operating system's own store, where the browsers look for it, with a key
 * that stays there: Linux NSS (~/.pki/nssdb), Windows the current user's personal store, macOS the
 * login keychain. What goes in: the certificate, its key and the bank's issuing CA. On Windows and
 * macOS never the root: adding a root makes Windows ask "install this certification authority?",
 * which company IT may forbid, and client authentication needs no trusted root on the client. NSS
 * keeps today's root with "T,," trust (no prompt on Linux; NSS itself verifies with it).
 *
 * Which platform: process.platform, or INKAN_APP_PLATFORM=linux|win32|darwin — a test hook, so
 * that the Windows and macOS paths run here against stand-in tools.
 */

export type SystemStore = InstalledIn["store"];
export type Platform = "linux" | "win32" | "darwin";

export interface Installed extends InstalledIn {
  /** NSS: the database was created by this install */
  created?: boolean;
  /** NSS: the nickname of the root trusted "T,," */
  root?: string;
}

export function platformOf(env: NodeJS.ProcessEnv): Platform {
  const p = env.INKAN_APP_PLATFORM || process.platform;
  return p === "win32" || p === "darwin" ? p : "linux";
}

/** SHA-1 of the certificate, upper-case hex: Windows' thumbprint, the keychain's -Z hash. */
export function thumbprint(cert: StoredCert): string {
  return createHash("sha1").update(new Uint8Array(new x509.X509Certificate(cert.certPem).rawData)).digest("hex").toUpperCase();
}

export interface InstallOptions {
  /** into this NSS database instead of the platform's store (`install --nss DIR`) */
  nssDir?: string;
}

/**
 * Installs `cert` (its key decrypted with the store passphrase) and records where, so that
 * `delete` can take it out again. Throws an AppError (exit 11) when the platform's tool is
 * missing or fails, with what to do.
 */
export async function installIntoSystemStore(ctx: Ctx, cert: StoredCert, passphrase: string, o: InstallOptions = {}): Promise<Installed> {
  const env = ctx.io.env;
  const pkcs8 = decryptKey(cert.keyPem, passphrase);
  const der = new Uint8Array(new x509.X509Certificate(cert.certPem).rawData);
  const chain = parsePem(cert.chainPem);
  const root = rootIn(chain);
  const p12For = (withRoot: boolean) => (password: string) =>
    buildPkcs12({
      pkcs8,
      cert: der,
      chain: chainForP12(cert).filter((_, i) => withRoot || chain[i] !== root),
      friendlyName: cert.meta.cn,
      password,
      // a throwaway file under a random password, gone within seconds: 3DES and SHA-1 cost nothing
      // here and are what every Windows and `security import` read (macOS has refused OpenSSL 3's
      // AES/SHA-256 layout); NSS reads either, and keeps today's layout
      ...(withRoot ? { iterations: LEGACY_ITERATIONS } : { legacy: true }),
    });
  const platform = platformOf(env);
  let installed: Installed;
  if (o.nssDir !== undefined || platform === "linux") {
    const dir = resolvePath(o.nssDir ?? defaultNssDir(env));
    const rootName = root ? (root.subjectName.getField("CN")[0] ?? root.subject) : "root";
    const { created } = await installIntoNss({ dir, rootName, dbPassword: env.INKAN_APP_NSS_PASSWORD ?? "", p12: p12For(true) });
    installed = { store: "nss", where: dir, created, root: rootName };
  } else if (platform === "win32") {
    await installIntoWindows(p12For(false), randomBytes(18).toString("base64url"));
    installed = { store: "windows", where: WINDOWS_STORE };
  } else {
    const keychain = loginKeychain(env);
    await installIntoKeychain(keychain, p12For(false), randomBytes(18).toString("base64url"));
    installed = { store: "macos", where: keychain };
  }
  const record = { store: installed.store, where: installed.where };
  const others = (cert.meta.installedIn ?? []).filter((i) => i.store !== record.store || i.where !== record.where);
  ctx.store.updateMeta(cert.meta.serial, { installedIn: [...others, record] });
  return installed;
}

/**
 * Takes `cert` and its key out of every OS store it was installed into by this app. Failures are
 * returned, not thrown: deleting an old certificate from the app must not hang on the OS store,
 * and the caller says how to remove it by hand.
 */
export async function removeFromSystemStores(ctx: Ctx, cert: StoredCert): Promise<{ removed: InstalledIn[]; failed: Array<InstalledIn & { error: unknown }> }> {
  const removed: InstalledIn[] = [];
  const failed: Array<InstalledIn & { error: unknown }> = [];
  for (const i of cert.meta.installedIn ?? []) {
    try {
      if (i.store === "nss") await removeFromNss(i.where, cert.meta.cn, ctx.io.env.INKAN_APP_NSS_PASSWORD ?? "");
      else if (i.store === "windows") await removeFromWindows(thumbprint(cert));
      else await removeFromKeychain(i.where, thumbprint(cert));
      removed.push(i);
    } catch (error) {
      failed.push({ ...i, error });
    }
  }
  return { removed, failed };
}

/** The result's line: where the certificate went, in the user's words. */
export function installedText(m: Messages, i: Installed, cn: string): string {
  if (i.store === "windows") return m.t("install_done_windows", { cn, where: i.where });
  if (i.store === "macos") return m.t("install_done_macos", { cn, where: i.where });
  return m.t("install_done", { dir: i.where, cn, root: i.root ?? "" });
}

/** What the user does next for the browsers to see it. */
export function installedNote(m: Messages, i: InstalledIn): string {
  return m.t(i.store === "windows" ? "install_note_windows" : i.store === "macos" ? "install_note_macos" : "install_note");
}
