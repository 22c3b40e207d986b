import { resolve as resolvePath } from "node:path";
import { defaultNssDir } from "../os-store/nss.js";
import { installIntoSystemStore, installedNote, installedText } from "../os-store/index.js";
import { type Values } from "../command-line.js";
import { out, passphrase, select, type Ctx } from "../context.js";

/**
 * `inkan-app install`: the certificate and its key into the operating system's store (Windows'
 * personal store, macOS's login keychain, NSS on Linux), or with --nss [DIR] into that NSS database.
 */
export async function install(ctx: Ctx, v: Values) {
  const { cert } = select(ctx, v.cert);
  const pass = await passphrase(ctx);
  ctx.store.lock();
  const nssDir = v.nss ? resolvePath(v["nss-dir"] ?? defaultNssDir(ctx.io.env)) : undefined;
  const installed = await installIntoSystemStore(ctx, cert, pass, { nssDir });
  if (installed.created) out(ctx, ctx.m.t("install_created_db", { dir: installed.where }));
  out(ctx, installedText(ctx.m, installed, cert.meta.cn));
  out(ctx, installedNote(ctx.m, installed));
}
