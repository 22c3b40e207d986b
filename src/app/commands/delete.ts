import { AppError, EXIT } from "../errors.js";
import { type Values } from "../command-line.js";
import { out, select, type Ctx } from "../context.js";
import { remember, states, type Row } from "../certificate-states.js";
import { removeFromSystemStores } from "../os-store/index.js";
import type { InstalledIn } from "../certificate-store.js";

export interface Deleted extends Row {
  /** the OS stores it was taken out of */
  removed: InstalledIn[];
  /** the OS stores it could not be taken out of: the person removes it by hand */
  failed: Array<InstalledIn & { error: unknown }>;
}

/**
 * 証明書の削除: old certificates (superseded, revoked, expired) out of the store and out of the OS
 * stores this app installed them into. Without a selection every old one; a chosen one that is
 * still valid only when `force` confirms it. A failing OS store is reported, not thrown: deleting
 * an old certificate from the app must not hang on it.
 */
export async function deleteCertificates(ctx: Ctx, o: { sel?: string; force: boolean; offline: boolean }): Promise<Deleted[]> {
  ctx.store.lock();
  const targets = o.sel === undefined ? ctx.store.certs() : [select(ctx, o.sel).cert];
  const rows = await states(ctx, targets, o.offline);
  remember(ctx, rows);
  const old = (r: Row) => r.state === "superseded" || r.state === "revoked" || r.state === "expired";
  if (o.sel !== undefined) {
    const r = rows[0]!;
    if (!old(r) && !o.force) throw new AppError("err_delete_valid", { cn: r.cert.meta.cn }, EXIT.store, "hint_delete_valid");
  }
  const deleted: Deleted[] = [];
  for (const r of o.sel === undefined ? rows.filter(old) : rows) {
    ctx.store.deleteCert(r.cert.meta.serial);
    deleted.push({ ...r, ...(await removeFromSystemStores(ctx, r.cert)) });
  }
  return deleted;
}

/** How to take it out of an OS store by hand, when the app could not. */
export function byHand(ctx: Ctx, d: Deleted, f: Deleted["failed"][number]): string {
  const { m } = ctx;
  const reason = f.error instanceof AppError ? m.t(f.error.key, f.error.params) : String(f.error);
  const how = m.t(f.store === "windows" ? "by_hand_windows" : f.store === "macos" ? "by_hand_macos" : "by_hand_nss", { cn: d.cert.meta.cn, where: f.where });
  return m.t("warn_os_remove_failed", { where: f.where, reason, byHand: how });
}

/** `inkan-app delete`: what was deleted, one line each, and where it was taken out of. */
export async function remove(ctx: Ctx, v: Values, sel: string | undefined) {
  const { m } = ctx;
  const deleted = await deleteCertificates(ctx, { sel, force: v.force ?? false, offline: v.offline ?? false });
  if (deleted.length === 0) out(ctx, m.t("delete_nothing"));
  for (const d of deleted) {
    out(ctx, m.t("delete_done", { subject: d.cert.meta.subject, state: d.state }));
    for (const i of d.removed) out(ctx, m.t("delete_os_removed", { where: i.where }));
    for (const f of d.failed) ctx.io.stderr.write(byHand(ctx, d, f) + "\n");
  }
}
