import { resolve as resolvePath } from "node:path";
import { decryptKey } from "../keys.js";
import { buildPkcs12, LEGACY_ITERATIONS } from "../../shared/pkcs12-node.js";
import { parsePem, rootIn } from "../format.js";
import { defaultNssDir, installIntoNss } from "../nss.js";
import { usage, type Values } from "../command-line.js";
import { chainForP12, out, passphrase, select, type Ctx } from "../context.js";
import * as x509 from "../x509.js";

/** `inkan-app install --nss`: the certificate and its key into an NSS database (Chromium and Firefox on Linux). */
export async function install(ctx: Ctx, v: Values) {
  const { m } = ctx;
  if (!v.nss) throw usage("usage_missing", { option: "--nss [DIR]" });
  const dir = resolvePath(v["nss-dir"] ?? defaultNssDir(ctx.io.env));
  const { cert } = select(ctx, v.cert);
  const pass = await passphrase(ctx);
  const pkcs8 = decryptKey(cert.keyPem, pass);
  const chain = chainForP12(cert);
  const root = rootIn(parsePem(cert.chainPem));
  const rootName = root ? (root.subjectName.getField("CN")[0] ?? root.subject) : chain[chain.length - 1]?.name ?? "root";
  const der = new Uint8Array(new x509.X509Certificate(cert.certPem).rawData);
  const { created } = await installIntoNss({
    dir,
    rootName,
    dbPassword: ctx.io.env.INKAN_APP_NSS_PASSWORD ?? "",
    // a throwaway file with a random password: the iteration count only has to be reasonable
    p12: (password) => buildPkcs12({ pkcs8, cert: der, chain, friendlyName: cert.meta.cn, password, iterations: LEGACY_ITERATIONS }),
  });
  if (created) out(ctx, m.t("install_created_db", { dir }));
  out(ctx, m.t("install_done", { dir, cn: cert.meta.cn, root: rootName }));
  out(ctx, m.t("install_note"));
}
