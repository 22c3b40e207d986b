import type { ComponentChildren } from "preact";
import type { Locale } from "../../../i18n/messages.js";
import { S } from "../../../i18n/staff-text.js";
import { message } from "../../../i18n/index.js";
import { Layout, Notice } from "../../views/layout.js";
import { tr, type Text } from "../../views/text.js";
import { formatLocalDateTime } from "../../../domain/time-zone.js";
import type { ErrorCode, ErrorParams } from "../../../domain/errors.js";
import type { BankRight } from "../../../domain/rights.js";
import type { StaffConsole } from "../../../lifecycle/staff-console.js";

/** What every staff page knows: the language, the path, who is acting, and their form token. */
export interface PageCtx {
  locale: Locale;
  path: string;
  con: StaffConsole;
  csrf: string;
}

export type Values = Record<string, string>;
export interface PageError {
  code: ErrorCode;
  params?: ErrorParams;
}
/** A label and its value, as a confirmation page lists them. */
export type Fact = [Text, string];

export const t = (c: { locale: Locale }, text: Text, params: Record<string, string | number> = {}) => tr(c.locale, text, params);
export const when = (c: PageCtx, d: Date | undefined | null) => (d ? formatLocalDateTime(d, c.con.bank.offsetMinutes) : "-");

export const methodText = (m: string) => (m === "certificate" ? S.methodCertificate : S.methodPassword);
export const resultText = (r: string) => (r === "ok" ? S.resultOk : r === "refused" ? S.resultRefused : S.resultError);

const NAV: Array<{ href: string; label: Text; right: BankRight }> = [
  { href: "/", label: S.menuDashboard, right: "console.view" },
  { href: "/contracts", label: S.menuContracts, right: "console.view" },
  { href: "/revoke", label: S.menuRevoke, right: "certificate.revoke" },
  { href: "/reset", label: S.menuReset, right: "certificate.reset" },
  { href: "/unlock", label: S.menuUnlock, right: "user.unlock" },
  { href: "/reissue", label: S.menuReissue, right: "user.password_reissue" },
  { href: "/crl", label: S.menuCrl, right: "crl.rebuild" },
  { href: "/audit", label: S.menuAudit, right: "audit.view" },
  { href: "/audit/verify", label: S.menuVerify, right: "audit.view" },
];

function brand(nameJa: string, nameEn: string): Text {
  return { ja: tr("ja", S.brand, { bank: nameJa }), en: tr("en", S.brand, { bank: nameEn }) };
}

/** The frame of every staff page: the shared layout, the staff menu, who is acting. */
export function StaffPage(p: { c: PageCtx; title: Text; screenId: string; children: ComponentChildren }) {
  const { c } = p;
  const bank = c.con.bank.config;
  const current = (href: string) => (href === "/" ? c.path === "/" : c.path === href || c.path.startsWith(href + "/") || c.path.startsWith(href + "?"));
  const nav = NAV.filter((n) => c.con.can(n.right)).map((n) => ({ href: n.href, label: n.label, current: current(n.href) && !(n.href === "/audit" && c.path.startsWith("/audit/verify")) }));
  const who = c.con.who;
  return (
    <Layout locale={c.locale} title={p.title} screenId={p.screenId} brand={brand(bank.nameJa, bank.nameEn)} path={c.path} nav={nav} themeHref="/assets/staff.css">
      <p class="staff-who">
        {t(c, S.who, { name: who.name, staffId: who.staffId, role: t(c, who.role === "operator" ? S.roleOperator : S.roleAuditor) })}
        {who.role === "auditor" && <span class="note"> {t(c, S.auditorNote)}</span>}
      </p>
      {p.children}
    </Layout>
  );
}

/** A page for whoever is not (yet) known as staff: both languages, Japanese first, in one title. */
export function BilingualPage(p: { title: Text; screenId: string; path: string; children: ComponentChildren }) {
  const title = `${p.title.ja} / ${p.title.en}`;
  return (
    <Layout locale="ja" title={{ ja: title, en: title }} screenId={p.screenId} brand={{ ja: "Inkan 行員用画面", en: "Inkan staff console" }} path={p.path} themeHref="/assets/staff.css">
      {p.children}
    </Layout>
  );
}

/** A confirmation-page title: "<what> の確認" in both languages. */
export function titleOf(template: Text, what: Text): Text {
  return { ja: tr("ja", template, { what: what.ja }), en: tr("en", template, { what: what.en }) };
}

export function ErrorNotice(p: { locale: Locale; error?: PageError }) {
  if (!p.error) return null;
  return (
    <Notice kind="error">
      <p>{message(p.locale, p.error.code, p.error.params ?? {})}</p>
    </Notice>
  );
}

/** A `<dl class="facts">`: label, value and the value's own attributes (a data- hook for tests, a class). */
export function Facts(p: { c: { locale: Locale }; rows: Array<[Text, ComponentChildren, Record<string, string | number>?]> }) {
  return (
    <dl class="facts">
      {p.rows.map(([label, value, attrs]) => (
        <>
          <dt>{t(p.c, label)}</dt>
          <dd {...attrs}>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/** The list of ways on from a page. */
export function Links(p: { c: { locale: Locale }; links: Array<[string, Text]> }) {
  return (
    <ul class="links">
      {p.links.map(([href, label]) => (
        <li>
          <a href={href}>{t(p.c, label)}</a>
        </li>
      ))}
    </ul>
  );
}

/** A table's column headings. */
export function ColumnHeads(p: { c: { locale: Locale }; labels: Text[] }) {
  return (
    <thead>
      <tr>
        {p.labels.map((l) => (
          <th scope="col">{t(p.c, l)}</th>
        ))}
      </tr>
    </thead>
  );
}
