import { formatTime } from "./format.js";
import type { CertMeta, StoredCert } from "./certificate-store.js";
import { opensAt, out, type Ctx } from "./context.js";
import { installIntoSystemStore, installedNote, installedText, type Installed } from "./os-store/index.js";
import type { Messages } from "./messages.js";

/** 証明書発行結果's 証明書情報, in the seeds' order: what the terminal prints and the window shows. */
export function certificateFacts(m: Messages, meta: CertMeta): Array<[string, string]> {
  return [
    [m.t("field_org"), meta.o],
    [m.t("field_ou"), meta.ou],
    [m.t("field_cn"), meta.cn],
    [m.t("field_serial"), meta.serial],
    [m.t("field_validity"), `${formatTime(new Date(meta.notBefore), m.locale)} – ${formatTime(new Date(meta.notAfter), m.locale)}`],
    [m.t("field_renewal"), formatTime(opensAt(meta), m.locale)],
  ];
}

interface ResultOptions {
  resumed: boolean;
  replaced?: string;
  installed?: Installed;
}

/**
 * The result, after installing into the OS store when asked (--install). An install that fails
 * still shows the result first: the certificate is issued and kept, only the install is to redo.
 */
export async function installAndShow(ctx: Ctx, kind: "issue" | "renew", cert: StoredCert, pass: string, wanted: boolean, o: ResultOptions) {
  let installed: Installed | undefined;
  try {
    if (wanted) installed = await installIntoSystemStore(ctx, cert, pass);
  } catch (e) {
    result(ctx, kind, cert.meta, o);
    throw e;
  }
  result(ctx, kind, cert.meta, { ...o, installed });
}

export function result(ctx: Ctx, kind: "issue" | "renew", meta: CertMeta, o: ResultOptions) {
  const { m } = ctx;
  const opens = opensAt(meta);
  if (ctx.json) {
    out(ctx, JSON.stringify({ result: kind === "issue" ? "issued" : "renewed", serial: meta.serial, subject: meta.subject, cn: meta.cn, ou: meta.ou, o: meta.o, notBefore: meta.notBefore, notAfter: meta.notAfter, renewableFrom: opens.toISOString(), server: meta.server, bank: meta.bank, loginId: meta.loginId, keyType: meta.keyType, resumed: o.resumed, replaced: o.replaced ?? null, installed: o.installed ? { store: o.installed.store, where: o.installed.where } : null }));
    return;
  }
  const rows: Array<[string, string]> = [...certificateFacts(m, meta), [m.t("field_bank"), `${meta.bank} (${meta.server})`]];
  const width = Math.max(...rows.map(([k]) => displayWidth(k)));
  const done = kind === "renew" ? "result_done_renew" : o.installed ? "result_done_issue" : "result_done_issue_stored";
  const lines = [m.t(kind === "issue" ? "result_title_issue" : "result_title_renew"), m.t(done, { old: o.replaced ?? "" })];
  if (o.resumed) lines.push(m.t("result_resumed"));
  lines.push("");
  for (const [k, v] of rows) lines.push(`  ${k}${" ".repeat(width - displayWidth(k))} = ${v}`);
  lines.push("", m.t("result_validity_note", { notAfter: formatTime(new Date(meta.notAfter), m.locale), opensAt: formatTime(opens, m.locale) }));
  if (o.installed) lines.push(installedText(m, o.installed, meta.cn), installedNote(m, o.installed));
  else lines.push(m.t("result_next"));
  out(ctx, lines.join("\n"));
}

/** Full-width characters take two columns on a terminal. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}
