import { formatTime } from "./format.js";
import type { CertMeta } from "./certificate-store.js";
import { opensAt, out, type Ctx } from "./context.js";

export function result(ctx: Ctx, kind: "issue" | "renew", meta: CertMeta, o: { resumed: boolean; replaced?: string }) {
  const { m } = ctx;
  const opens = opensAt(meta);
  if (ctx.json) {
    out(ctx, JSON.stringify({ result: kind === "issue" ? "issued" : "renewed", serial: meta.serial, subject: meta.subject, cn: meta.cn, ou: meta.ou, o: meta.o, notBefore: meta.notBefore, notAfter: meta.notAfter, renewableFrom: opens.toISOString(), server: meta.server, bank: meta.bank, loginId: meta.loginId, keyType: meta.keyType, resumed: o.resumed, replaced: o.replaced ?? null }));
    return;
  }
  const rows: Array<[string, string]> = [
    [m.t("field_org"), meta.o],
    [m.t("field_ou"), meta.ou],
    [m.t("field_cn"), meta.cn],
    [m.t("field_serial"), meta.serial],
    [m.t("field_validity"), `${formatTime(new Date(meta.notBefore), m.locale)} – ${formatTime(new Date(meta.notAfter), m.locale)}`],
    [m.t("field_renewal"), formatTime(opens, m.locale)],
    [m.t("field_bank"), `${meta.bank} (${meta.server})`],
  ];
  const width = Math.max(...rows.map(([k]) => displayWidth(k)));
  const lines = [m.t(kind === "issue" ? "result_title_issue" : "result_title_renew"), m.t(kind === "issue" ? "result_done_issue" : "result_done_renew", { old: o.replaced ?? "" })];
  if (o.resumed) lines.push(m.t("result_resumed"));
  lines.push("");
  for (const [k, v] of rows) lines.push(`  ${k}${" ".repeat(width - displayWidth(k))} = ${v}`);
  lines.push("", m.t("result_validity_note", { notAfter: formatTime(new Date(meta.notAfter), m.locale), opensAt: formatTime(opens, m.locale) }), m.t("result_next"));
  out(ctx, lines.join("\n"));
}

/** Full-width characters take two columns on a terminal. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}
