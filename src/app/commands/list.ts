import { formatTime } from "../format.js";
import { type Values } from "../command-line.js";
import { opensAt, out, type Ctx } from "../context.js";
import { remember, states, stateText, type Row } from "../certificate-states.js";

export interface Listed extends Row {
  /** a renewal of this certificate was interrupted and can be finished */
  renewalInProgress: boolean;
}

/** The stored certificates, oldest first, with their states (OCSP asked unless offline). */
export async function listCertificates(ctx: Ctx, offline: boolean): Promise<Listed[]> {
  const requests = ctx.store.requests();
  const rows = await states(ctx, ctx.store.certs(), offline);
  remember(ctx, rows);
  return rows.map((r) => ({ ...r, renewalInProgress: requests.some((q) => q.renews === r.cert.meta.serial && !q.refused) }));
}

/** `inkan-app list`: the stored certificates and their states as text or JSON. */
export async function list(ctx: Ctx, v: Values) {
  const { m } = ctx;
  const rows = await listCertificates(ctx, v.offline ?? false);
  if (ctx.json) {
    out(
      ctx,
      JSON.stringify(
        rows.map((r) => ({
          number: r.number,
          serial: r.cert.meta.serial,
          subject: r.cert.meta.subject,
          cn: r.cert.meta.cn,
          ou: r.cert.meta.ou,
          o: r.cert.meta.o,
          bank: r.cert.meta.bank,
          server: r.cert.meta.server,
          loginId: r.cert.meta.loginId,
          notBefore: r.cert.meta.notBefore,
          notAfter: r.cert.meta.notAfter,
          renewableFrom: opensAt(r.cert.meta).toISOString(),
          state: r.state,
          checked: r.checked,
          renewalInProgress: r.renewalInProgress,
        })),
      ),
    );
    return;
  }
  if (rows.length === 0) {
    out(ctx, m.t("list_empty", { store: ctx.store.dir }));
    return;
  }
  const lines = [m.t("list_header", { store: ctx.store.dir }), ""];
  for (const r of rows) {
    const meta = r.cert.meta;
    lines.push(`[${r.number}] ${meta.subject}`);
    lines.push(`    ${m.t("field_serial")}: ${meta.serial}   ${m.t("field_bank")}: ${meta.bank} (${meta.server})`);
    lines.push(`    ${m.t("field_validity")}: ${formatTime(new Date(meta.notBefore), m.locale)} – ${formatTime(new Date(meta.notAfter), m.locale)}`);
    lines.push(`    ${m.t("field_state")}: ${stateText(ctx, r)}`);
    if (r.renewalInProgress) lines.push(`    ${m.t("list_in_progress", { n: r.number })}`);
  }
  out(ctx, lines.join("\n"));
  const failed = rows.find((r) => !r.checked && r.reason && !(v.offline ?? false));
  if (failed) ctx.io.stderr.write(m.t("warn_status", { reason: failed.reason! }) + "\n");
}
