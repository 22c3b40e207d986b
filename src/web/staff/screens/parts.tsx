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

/** The frame of a page shown before any staff member is known: Japanese, with the title in both languages. */
export function BilingualPage(p: { title: Text; screenId: string; path: string; children: ComponentChildren }) {
  const title = `${p.title.ja} / ${p.title.en}`;
  return (
    <Layout locale="ja" title={{ ja: title, en: title }} screenId={p.screenId} brand={{ ja: "Inkan 行員用画面", en: "Inkan staff console" }} path={p.path} themeHref="/assets/staff.css">
      {p.children}
    </Layout>
  );
}

export function ErrorNotice(p: { locale: Locale; error?: PageError }) {
  if (!p.error) return null;
  return (
    <Notice kind="error">
      <p>{message(p.locale, p.error.code, p.error.params ?? {})}</p>
    </Notice>
  );
}

export function Field(p: { id: string; label: Text; hint?: Text; locale: Locale; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={p.id}>{tr(p.locale, p.label)}</label>
      {p.hint && (
        <span class="hint" id={`${p.id}-hint`}>
          {tr(p.locale, p.hint)}
        </span>
      )}
      {p.children}
    </div>
  );
}

export function TextInput(p: { id: string; name?: string; value?: string; required?: boolean; type?: "text" | "password" | "email" | "date"; hint?: boolean; autocomplete?: string; maxLength?: number }) {
  // preact's input types are a union by `type`; these attributes are right for every type used here
  const attrs: Record<string, unknown> = {
    type: p.type ?? "text",
    id: p.id,
    name: p.name ?? p.id,
    value: p.value ?? "",
    required: p.required,
    "aria-describedby": p.hint ? `${p.id}-hint` : undefined,
    autocomplete: p.autocomplete ?? "off",
    maxLength: p.maxLength,
  };
  return <input {...(attrs as any)} />;
}

export function Csrf(p: { c: PageCtx }) {
  return <input type="hidden" name="csrf" value={p.c.csrf} />;
}

export function LoginIdField(p: { c: PageCtx; value?: string }) {
  return (
    <Field id="loginId" label={S.loginId} locale={p.c.locale}>
      <TextInput id="loginId" value={p.value} required maxLength={12} />
    </Field>
  );
}

export function ReferenceField(p: { c: PageCtx; value?: string }) {
  return (
    <Field id="reference" label={S.reference} hint={S.referenceHint} locale={p.c.locale}>
      <TextInput id="reference" value={p.value} required hint maxLength={40} />
    </Field>
  );
}

/** A form's buttons: go on (next, or execute on a confirmation) and back. */
export function Actions(p: { c: PageCtx; back: string; label?: Text; danger?: boolean }) {
  return (
    <div class="actions">
      <button type="submit" class={p.danger ? "danger" : "primary"}>
        {t(p.c, p.label ?? S.next)}
      </button>
      <a class="button secondary" href={p.back}>
        {t(p.c, S.back)}
      </a>
    </div>
  );
}

/** The frame of every paper form: the last refusal, a posted form with its token, the fields, next and back. */
export function StaffForm(p: { c: PageCtx; action: string; back: string; error?: PageError; children: ComponentChildren }) {
  const { c } = p;
  return (
    <>
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="post" action={p.action}>
        <Csrf c={c} />
        {p.children}
        <Actions c={c} back={p.back} />
      </form>
    </>
  );
}

/** A table of rows with its caption and a header row of column labels; the caller gives the rows. */
export function DataTable(p: { c: PageCtx; caption: Text; cols: Text[]; id?: string; class?: string; children: ComponentChildren }) {
  return (
    <table id={p.id} class={p.class}>
      <caption>{t(p.c, p.caption)}</caption>
      <thead>
        <tr>
          {p.cols.map((label) => (
            <th scope="col">{t(p.c, label)}</th>
          ))}
        </tr>
      </thead>
      <tbody>{p.children}</tbody>
    </table>
  );
}
