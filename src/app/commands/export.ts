import { existsSync, writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { AppError, EXIT } from "../errors.js";
import { decryptKey } from "../keys.js";
import { buildPkcs12 } from "../../shared/pkcs12-node.js";
import { usage, type Values } from "../command-line.js";
import { chainForP12, out, passphrase, select, usable, type Ctx } from "../context.js";
import * as x509 from "../x509.js";

async function p12Password(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.io.env.INKAN_APP_P12_PASSWORD;
  const p = fromEnv ?? (await ctx.ask.ask("p12_password"));
  if (p.length === 0) throw new AppError("err_p12_password_empty", {}, EXIT.usage, "hint_retry");
  if (fromEnv === undefined && ctx.ask.interactive) {
    const again = await ctx.ask.ask("p12_again");
    if (again !== p) throw new AppError("err_passphrase_mismatch", {}, EXIT.usage, "hint_retry");
  }
  return p;
}

/**
 * A file with the key makes the certificate portable: whoever holds it and its password can log in
 * from another PC. So export says so and goes on only when confirmed: `yes` typed on a terminal,
 * or --yes (scripts).
 */
async function confirmed(ctx: Ctx, v: Values): Promise<void> {
  ctx.io.stderr.write(ctx.m.t("export_weakens") + "\n");
  if (v.yes) return;
  if (!ctx.ask.interactive) throw new AppError("err_export_unconfirmed", {}, EXIT.usage, "hint_export_unconfirmed");
  const answer = (await ctx.ask.ask("export_confirm")).trim().toLowerCase();
  if (answer !== "yes" && answer !== "y" && answer !== "はい") throw new AppError("err_export_unconfirmed", {}, EXIT.usage, "hint_export_unconfirmed");
}

/** `inkan-app export`: a PKCS#12 file of a stored certificate and its key, once confirmed. */
export async function exportP12(ctx: Ctx, v: Values, sel: string | undefined) {
  const { m } = ctx;
  if (!v.p12) throw usage("usage_missing", { option: "--p12 FILE" });
  const file = resolvePath(v.p12);
  const { cert } = select(ctx, sel);
  if (existsSync(file) && !v.force) throw new AppError("err_file_exists", { file }, EXIT.tool, "hint_file_exists");
  await confirmed(ctx, v);
  const pass = await passphrase(ctx);
  const password = await p12Password(ctx);
  const bytes = await buildPkcs12({ pkcs8: decryptKey(cert.keyPem, pass), cert: new Uint8Array(new x509.X509Certificate(cert.certPem).rawData), chain: chainForP12(cert), friendlyName: cert.meta.cn, password, legacy: v.legacy ?? false });
  try {
    writeFileSync(file, bytes, { mode: 0o600, flag: v.force ? "w" : "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new AppError("err_file_exists", { file }, EXIT.tool, "hint_file_exists");
    throw new AppError("err_file_write", { file, reason: code ?? (e as Error).message }, EXIT.tool, "hint_file_write");
  }
  out(ctx, m.t("export_done", { file, cipher: m.t(v.legacy ? "export_cipher_legacy" : "export_cipher_modern") }));
  if (!usable(cert) || ctx.clock.now().getTime() > new Date(cert.meta.notAfter).getTime()) {
    ctx.io.stderr.write(m.t("export_warn_not_valid", { state: cert.meta.state }) + "\n");
  }
}
