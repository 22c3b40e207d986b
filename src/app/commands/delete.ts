import { AppError, EXIT } from "../errors.js";
import { type Values } from "../command-line.js";
import { out, select, type Ctx } from "../context.js";
import { remember, states, type Row } from "../certificate-states.js";
import { removeFromSystemStores } from "../os-store/index.js";
import type { StoredCert } from "../certificate-store.js";

/** Out of the OS stores it was installed into; what fails is said, with how to do it by hand. */
async function removeInstalled(ctx: Ctx, cert: StoredCert) {
  const { m } = ctx;
  const { removed, failed } = await removeFromSystemStores(ctx, cert);
  for (const i of removed) out(ctx, m.t("delete_os_removed", { where: i.where }));
  for (const f of failed) {
    const reason = f.error instanceof AppError ? m.t(f.error.key, f.error.params) : String(f.error);
    const byHand = m.t(f.store === "windows" ? "by_hand_windows" : f.store === "macos" ? "by_hand_macos" : "by_hand_nss", { cn: cert.meta.cn, where: f.where });
    ctx.io.stderr.write(m.t("warn_os_remove_failed", { where: f.where, reason, byHand }) + "\n");
  }
}

/** `inkan-app delete`: old certificates (superseded, revoked, expired) out of the store. */
export async function remove(ctx: Ctx, v: Values, sel: string | undefined) {
  const { m } = ctx;
  ctx.store.lock();
  const targets = sel === undefined ? ctx.store.certs() : [select(ctx, sel).cert];
  const rows = await states(ctx, targets, v.offline ?? false);
  remember(ctx, rows);
  const old = (r: Row) => r.state === "superseded" || r.state === "revoked" || r.state === "expired";
  if (sel !== undefined) {
    const r = rows[0]!;
    if (!old(r) && !v.force) throw new AppError("err_delete_valid", { cn: r.cert.meta.cn }, EXIT.store, "hint_delete_valid");
  }
  const doomed = sel === undefined ? rows.filter(old) : rows;
  if (doomed.length === 0) {
    out(ctx, m.t("delete_nothing"));
    return;
  }
  for (const r of doomed) {
    ctx.store.deleteCert(r.cert.meta.serial);
    out(ctx, m.t("delete_done", { subject: r.cert.meta.subject, state: r.state }));
    await removeInstalled(ctx, r.cert);
  }
}
