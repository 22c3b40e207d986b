import type { ComponentChildren } from "preact";
import type { Locale } from "../../i18n/messages.js";
import { S } from "../../i18n/staff-text.js";
import { message } from "../../i18n/index.js";
import { Layout, Notice } from "../views/layout.js";
import { tr, type Text } from "../views/text.js";
import { DISPLAY_STATUS_LABELS } from "../../i18n/certificate-status-text.js";
import { formatLocalDateTime } from "../../domain/time-zone.js";
import type { ErrorCode, ErrorParams } from "../../domain/errors.js";
import type { BankRight } from "../../domain/rights.js";
import type { ContractRecord } from "../../store/store.js";
import type { Dashboard, StaffConsole, StaffRefusal, StaffUserEntry } from "../../lifecycle/staff-console.js";
import { SEARCH_OPERATIONS } from "../../lifecycle/staff-console.js";
import { BarChart } from "./charts.js";

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

const t = (c: { locale: Locale }, text: Text, params: Record<string, string | number> = {}) => tr(c.locale, text, params);
const when = (c: PageCtx, d: Date | undefined | null) => (d ? formatLocalDateTime(d, c.con.bank.offsetMinutes) : "-");

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

export function ErrorNotice(p: { locale: Locale; error?: PageError }) {
  if (!p.error) return null;
  return (
    <Notice kind="error">
      <p>{message(p.locale, p.error.code, p.error.params ?? {})}</p>
    </Notice>
  );
}

function Field(p: { id: string; label: Text; hint?: Text; locale: Locale; children: ComponentChildren }) {
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

function TextInput(p: { id: string; name?: string; value?: string; required?: boolean; type?: "text" | "password" | "email" | "date"; hint?: boolean; autocomplete?: string; maxLength?: number }) {
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

function Csrf(p: { c: PageCtx }) {
  return <input type="hidden" name="csrf" value={p.c.csrf} />;
}

// ---- dashboard

export function DashboardPage(p: { c: PageCtx; d: Dashboard }) {
  const { c, d } = p;
  const zone = c.con.bank.policy.timeZone;
  const weekTotal = d.weeks.reduce((a, w) => a + w.count, 0);
  return (
    <StaffPage c={c} title={S.dashboardTitle} screenId="STF001">
      <p>{t(c, S.summary, { contracts: d.contracts, users: d.users })}</p>
      <section aria-labelledby="expiring-h">
        <h2 id="expiring-h">{t(c, S.expiringHeading)}</h2>
        <p>{t(c, S.expiringDesc, { zone })}</p>
        <div class="chart-pair">
          <figure class="chart">
            <BarChart
              id="expiring-chart"
              title={t(c, S.expiringHeading)}
              desc={t(c, S.chartTotal, { n: weekTotal })}
              labels={d.weeks.map((w) => w.label.slice(5))}
              series={[{ className: "bar", label: t(c, S.count), values: d.weeks.map((w) => w.count) }]}
            />
          </figure>
          <table id="expiring-table">
            <caption>{t(c, S.expiringCaption)}</caption>
            <thead>
              <tr>
                <th scope="col">{t(c, S.week)}</th>
                <th scope="col">{t(c, S.weekFrom)}</th>
                <th scope="col">{t(c, S.count)}</th>
              </tr>
            </thead>
            <tbody>
              {d.weeks.map((w) => (
                <tr>
                  <th scope="row">{w.label}</th>
                  <td>{w.firstDay}</td>
                  <td class="num" data-week={w.label}>
                    {w.count}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="daily-h">
        <h2 id="daily-h">{t(c, S.dailyHeading)}</h2>
        <p>{t(c, S.dailyDesc)}</p>
        <div class="chart-pair">
          <figure class="chart">
            <BarChart
              id="daily-chart"
              title={t(c, S.dailyHeading)}
              desc={`${t(c, S.issued)} ${d.days.reduce((a, x) => a + x.issued, 0)} / ${t(c, S.revoked)} ${d.days.reduce((a, x) => a + x.revoked, 0)}`}
              labels={d.days.map((x) => x.label.slice(5))}
              labelEvery={5}
              series={[
                { className: "bar", label: t(c, S.issued), values: d.days.map((x) => x.issued) },
                { className: "bar revoked", label: t(c, S.revoked), values: d.days.map((x) => x.revoked) },
              ]}
            />
          </figure>
          <table id="daily-table">
            <caption>{t(c, S.dailyCaption)}</caption>
            <thead>
              <tr>
                <th scope="col">{t(c, S.day)}</th>
                <th scope="col">{t(c, S.issued)}</th>
                <th scope="col">{t(c, S.revoked)}</th>
              </tr>
            </thead>
            <tbody>
              {d.days.map((x) => (
                <tr>
                  <th scope="row">{x.label}</th>
                  <td class="num" data-day={x.label} data-kind="issued">
                    {x.issued}
                  </td>
                  <td class="num" data-day={x.label} data-kind="revoked">
                    {x.revoked}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </StaffPage>
  );
}

// ---- contracts

const methodText = (m: string) => (m === "certificate" ? S.methodCertificate : S.methodPassword);

export function ContractsPage(p: { c: PageCtx; contracts: Array<ContractRecord & { users: number; hasMaster: boolean }> }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={S.contractsTitle} screenId="STF010">
      {c.con.can("contract.open") && (
        <p>
          <a class="button primary" href="/contracts/new">
            {t(c, S.openContract)}
          </a>
        </p>
      )}
      {p.contracts.length === 0 ? (
        <p>{t(c, S.noContracts)}</p>
      ) : (
        <table>
          <caption>{t(c, S.contractsTitle)}</caption>
          <thead>
            <tr>
              <th scope="col">{t(c, S.contractCode)}</th>
              <th scope="col">{t(c, S.contractName)}</th>
              <th scope="col">{t(c, S.loginMethod)}</th>
              <th scope="col">{t(c, S.userCount)}</th>
              <th scope="col">{t(c, S.masterRegistered)}</th>
            </tr>
          </thead>
          <tbody>
            {p.contracts.map((x) => (
              <tr>
                <th scope="row">
                  <a href={`/contracts/${encodeURIComponent(x.code)}`}>{x.code}</a>
                </th>
                <td>{x.name}</td>
                <td>{t(c, methodText(x.loginMethod))}</td>
                <td class="num">{x.users}</td>
                <td>{t(c, x.hasMaster ? S.registered : S.notRegistered)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffPage>
  );
}

export function ContractOpenPage(p: { c: PageCtx; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.contractOpenTitle} screenId="STF012">
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="post" action="/confirm/contract-open">
        <Csrf c={c} />
        <Field id="code" label={S.contractCode} hint={S.contractCodeHint} locale={c.locale}>
          <TextInput id="code" value={v.code} required hint maxLength={20} />
        </Field>
        <Field id="name" label={S.contractName} locale={c.locale}>
          <TextInput id="name" value={v.name} required maxLength={60} />
        </Field>
        <fieldset class="field">
          <legend>{t(c, S.loginMethod)}</legend>
          {(["certificate", "password"] as const).map((m) => (
            <div>
              <input type="radio" id={`method-${m}`} name="method" value={m} checked={(v.method ?? "certificate") === m} />
              <label for={`method-${m}`}>{t(c, methodText(m))}</label>
            </div>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            {t(c, S.next)}
          </button>
          <a class="button secondary" href="/contracts">
            {t(c, S.back)}
          </a>
        </div>
      </form>
    </StaffPage>
  );
}

export function ContractPage(p: { c: PageCtx; contract: ContractRecord; users: StaffUserEntry[] }) {
  const { c, contract: k } = p;
  const hasMaster = p.users.some((u) => u.user.role === "master");
  const code = encodeURIComponent(k.code);
  return (
    <StaffPage c={c} title={S.contractTitle} screenId="STF011">
      <dl class="facts">
        <dt>{t(c, S.contractCode)}</dt>
        <dd>{k.code}</dd>
        <dt>{t(c, S.contractName)}</dt>
        <dd>{k.name}</dd>
        <dt>{t(c, S.loginMethod)}</dt>
        <dd>{t(c, methodText(k.loginMethod))}</dd>
        <dt>{t(c, S.contractStatus)}</dt>
        <dd>{t(c, k.status === "active" ? S.statusActive : S.statusSuspended)}</dd>
        <dt>{t(c, S.userCount)}</dt>
        <dd>{p.users.length}</dd>
        <dt>{t(c, S.masterRegistered)}</dt>
        <dd>{t(c, hasMaster ? S.registered : S.notRegistered)}</dd>
      </dl>
      <ul class="links">
        <li>
          <a href={`/contracts/${code}/users`}>{t(c, S.showUsers)}</a>
        </li>
        {!hasMaster && c.con.can("user.register_master") && (
          <li>
            <a href={`/contracts/${code}/master`}>{t(c, S.registerMaster)}</a>
          </li>
        )}
      </ul>
      {k.loginMethod !== "certificate" && c.con.can("contract.change") && (
        <section aria-labelledby="enable-h">
          <h2 id="enable-h">{t(c, S.contractCertificateTitle)}</h2>
          <p>{t(c, S.enableCertificateLead)}</p>
          <form method="post" action="/confirm/contract-certificate">
            <Csrf c={c} />
            <input type="hidden" name="code" value={k.code} />
            <button type="submit" class="primary">
              {t(c, S.enableCertificate)}
            </button>
          </form>
        </section>
      )}
    </StaffPage>
  );
}

const kindText = (role: string) => (role === "master" ? S.kindMaster : role === "admin" ? S.kindAdmin : S.kindGeneral);

export function UsersPage(p: { c: PageCtx; contract: ContractRecord; users: StaffUserEntry[] }) {
  const { c } = p;
  const ops = c.con.can("certificate.revoke");
  return (
    <StaffPage c={c} title={S.usersTitle} screenId="STF020">
      <p>
        {t(c, S.contract)}: {p.contract.code} {p.contract.name} — <a href={`/contracts/${encodeURIComponent(p.contract.code)}`}>{t(c, S.backToContract)}</a>
      </p>
      {p.users.length === 0 ? (
        <p>{t(c, S.noUsers)}</p>
      ) : (
        <table>
          <caption>{t(c, S.usersTitle)}</caption>
          <thead>
            <tr>
              <th scope="col">{t(c, S.userNo)}</th>
              <th scope="col">{t(c, S.loginId)}</th>
              <th scope="col">{t(c, S.userName)}</th>
              <th scope="col">{t(c, S.userKind)}</th>
              <th scope="col">{t(c, S.certStatus)}</th>
              <th scope="col">{t(c, S.certExpiry)}</th>
              <th scope="col">{t(c, S.serial)}</th>
              <th scope="col">{t(c, S.userState)}</th>
              {ops && <th scope="col">{t(c, S.operations)}</th>}
            </tr>
          </thead>
          <tbody>
            {p.users.map((u) => (
              <tr>
                <td>{u.user.userNo}</td>
                <th scope="row">{u.user.loginId}</th>
                <td>{u.user.name}</td>
                <td>{t(c, kindText(u.user.role))}</td>
                <td data-status={u.status}>{DISPLAY_STATUS_LABELS[u.status][c.locale]}</td>
                <td>{when(c, u.current?.notAfter)}</td>
                <td class="mono">{u.current?.serial ?? "-"}</td>
                <td>{t(c, u.user.status === "suspended" ? S.stateSuspended : u.locked ? S.stateLocked : S.stateActive)}</td>
                {ops && (
                  <td>
                    <a href={`/revoke?target=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuRevoke)}</a>
                    {" · "}
                    <a href={`/reset?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuReset)}</a>
                    {u.locked && (
                      <>
                        {" · "}
                        <a href={`/unlock?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuUnlock)}</a>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffPage>
  );
}

export function MasterPage(p: { c: PageCtx; contract: ContractRecord; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.masterTitle} screenId="STF013">
      <p>
        {t(c, S.contract)}: {p.contract.code} {p.contract.name}
      </p>
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="post" action="/confirm/master-register">
        <Csrf c={c} />
        <input type="hidden" name="code" value={p.contract.code} />
        <Field id="loginId" label={S.loginId} locale={c.locale}>
          <TextInput id="loginId" value={v.loginId} required maxLength={12} />
        </Field>
        <Field id="name" label={S.userName} locale={c.locale}>
          <TextInput id="name" value={v.name} required maxLength={30} />
        </Field>
        <Field id="email" label={S.email} locale={c.locale}>
          <TextInput id="email" type="email" value={v.email} required maxLength={254} />
        </Field>
        <Field id="password" label={S.initialPassword} hint={S.passwordHint} locale={c.locale}>
          <TextInput id="password" type="password" required hint autocomplete="new-password" maxLength={12} />
        </Field>
        <Field id="confirmPassword" label={S.initialConfirmPassword} locale={c.locale}>
          <TextInput id="confirmPassword" type="password" required autocomplete="new-password" maxLength={12} />
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            {t(c, S.next)}
          </button>
          <a class="button secondary" href={`/contracts/${encodeURIComponent(p.contract.code)}`}>
            {t(c, S.back)}
          </a>
        </div>
      </form>
    </StaffPage>
  );
}

// ---- paper forms

export const REASONS: Array<[string, Text]> = [
  ["keyCompromise", S.reasonKeyCompromise],
  ["affiliationChanged", S.reasonAffiliationChanged],
  ["cessationOfOperation", S.reasonCessationOfOperation],
  ["privilegeWithdrawn", S.reasonPrivilegeWithdrawn],
  ["unspecified", S.reasonUnspecified],
];

function ReferenceField(p: { c: PageCtx; value?: string }) {
  return (
    <Field id="reference" label={S.reference} hint={S.referenceHint} locale={p.c.locale}>
      <TextInput id="reference" value={p.value} required hint maxLength={40} />
    </Field>
  );
}

function SubmitBack(p: { c: PageCtx; back: string }) {
  return (
    <div class="actions">
      <button type="submit" class="primary">
        {t(p.c, S.next)}
      </button>
      <a class="button secondary" href={p.back}>
        {t(p.c, S.back)}
      </a>
    </div>
  );
}

export function RevokePage(p: { c: PageCtx; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.revokeTitle} screenId="STF030">
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="post" action="/confirm/revoke">
        <Csrf c={c} />
        <Field id="target" label={S.target} hint={S.targetHint} locale={c.locale}>
          <TextInput id="target" value={v.target} required hint maxLength={64} />
        </Field>
        <Field id="reason" label={S.reason} locale={c.locale}>
          <select id="reason" name="reason">
            {REASONS.map(([k, label]) => (
              <option value={k} selected={(v.reason ?? "keyCompromise") === k}>
                {t(c, label)}
              </option>
            ))}
          </select>
        </Field>
        <ReferenceField c={c} value={v.reference} />
        <SubmitBack c={c} back="/" />
      </form>
    </StaffPage>
  );
}

export function UserFormPage(p: { c: PageCtx; kind: "reset" | "unlock"; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={p.kind === "reset" ? S.resetTitle : S.unlockTitle} screenId={p.kind === "reset" ? "STF031" : "STF032"}>
      <p>{t(c, p.kind === "reset" ? S.resetLead : S.unlockLead)}</p>
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="post" action={`/confirm/${p.kind}`}>
        <Csrf c={c} />
        <Field id="loginId" label={S.loginId} locale={c.locale}>
          <TextInput id="loginId" value={v.loginId} required maxLength={12} />
        </Field>
        <ReferenceField c={c} value={v.reference} />
        <SubmitBack c={c} back="/" />
      </form>
    </StaffPage>
  );
}

export function CrlPage(p: { c: PageCtx; crl?: { number: number; nextUpdate: Date } }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={S.crlTitle} screenId="STF040">
      <p>{t(c, S.crlLead)}</p>
      <dl class="facts">
        <dt>{t(c, S.crlNumber)}</dt>
        <dd data-crl-number={p.crl?.number ?? ""}>{p.crl ? String(p.crl.number) : t(c, S.none)}</dd>
        <dt>{t(c, S.crlNextUpdate)}</dt>
        <dd>{when(c, p.crl?.nextUpdate)}</dd>
      </dl>
      <form method="post" action="/confirm/crl">
        <Csrf c={c} />
        <button type="submit" class="primary">
          {t(c, S.rebuildCrl)}
        </button>
      </form>
    </StaffPage>
  );
}

// ---- confirmation and result

export type Fact = [Text, string];

export function ConfirmPage(p: { c: PageCtx; what: Text; action: string; facts: Fact[]; hidden: Values; token: string; back: string; danger?: boolean }) {
  const { c } = p;
  const title = { ja: tr("ja", S.confirmTitle, { what: p.what.ja }), en: tr("en", S.confirmTitle, { what: p.what.en }) };
  return (
    <StaffPage c={c} title={title} screenId="STF900">
      <p>{t(c, S.confirmLead)}</p>
      <dl class="facts">
        {p.facts.map(([label, value]) => (
          <>
            <dt>{t(c, label)}</dt>
            <dd>{value}</dd>
          </>
        ))}
      </dl>
      <form method="post" action={`/execute/${p.action}`}>
        <Csrf c={c} />
        <input type="hidden" name="token" value={p.token} />
        {Object.entries(p.hidden).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        <div class="actions">
          <button type="submit" class={p.danger ? "danger" : "primary"}>
            {t(c, S.execute)}
          </button>
          <a class="button secondary" href={p.back}>
            {t(c, S.back)}
          </a>
        </div>
      </form>
    </StaffPage>
  );
}

export function ResultPage(p: { c: PageCtx; what: Text; text?: string; error?: PageError; inProgress?: boolean; links: Array<[string, Text]> }) {
  const { c } = p;
  const title = { ja: tr("ja", S.resultTitle, { what: p.what.ja }), en: tr("en", S.resultTitle, { what: p.what.en }) };
  return (
    <StaffPage c={c} title={title} screenId="STF901">
      {p.error ? (
        <ErrorNotice locale={c.locale} error={p.error} />
      ) : p.inProgress ? (
        <Notice kind="warning">
          <p>{t(c, S.inProgress)}</p>
        </Notice>
      ) : (
        <Notice kind="success">
          <p>{t(c, S.done)}</p>
          <p>{p.text}</p>
        </Notice>
      )}
      <ul class="links">
        {p.links.map(([href, label]) => (
          <li>
            <a href={href}>{t(c, label)}</a>
          </li>
        ))}
      </ul>
    </StaffPage>
  );
}

// ---- audit

export interface AuditRow {
  seq: number;
  at: Date;
  actorKind: string;
  actorId: string;
  address: string | null;
  certSerial: string | null;
  action: string;
  result: string;
  detail: string;
  targetLoginId: string | null;
}

const resultText = (r: string) => (r === "ok" ? S.resultOk : r === "refused" ? S.resultRefused : S.resultError);

export function AuditPage(p: { c: PageCtx; values: Values; rows?: AuditRow[]; more?: boolean; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.auditTitle} screenId="STF050">
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="get" action="/audit" class="search">
        <Field id="from" label={S.dateFrom} locale={c.locale}>
          <TextInput id="from" type="date" value={v.from} />
        </Field>
        <Field id="to" label={S.dateTo} locale={c.locale}>
          <TextInput id="to" type="date" value={v.to} />
        </Field>
        <Field id="contract" label={S.contractCode} locale={c.locale}>
          <TextInput id="contract" value={v.contract} maxLength={20} />
        </Field>
        <Field id="loginId" label={S.loginId} locale={c.locale}>
          <TextInput id="loginId" value={v.loginId} maxLength={40} />
        </Field>
        <Field id="operation" label={S.operation} locale={c.locale}>
          <select id="operation" name="operation">
            <option value="">{t(c, S.allOperations)}</option>
            {Object.entries(SEARCH_OPERATIONS).map(([k, o]) => (
              <option value={k} selected={v.operation === k}>
                {o[c.locale]}
              </option>
            ))}
          </select>
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            {t(c, S.search)}
          </button>
        </div>
      </form>
      {p.rows && (
        <section aria-labelledby="audit-results">
          <h2 id="audit-results">{t(c, S.auditCount, { n: p.rows.length })}</h2>
          {p.more && (
            <Notice kind="info">
              <p>{t(c, S.auditMore, { n: p.rows.length })}</p>
            </Notice>
          )}
          {p.rows.length === 0 ? (
            <p>{t(c, S.auditNone)}</p>
          ) : (
            <table class="audit">
              <caption>{t(c, S.auditTitle)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(c, S.seq)}</th>
                  <th scope="col">{t(c, S.at)}</th>
                  <th scope="col">{t(c, S.actor)}</th>
                  <th scope="col">{t(c, S.action)}</th>
                  <th scope="col">{t(c, S.targetUser)}</th>
                  <th scope="col">{t(c, S.result)}</th>
                  <th scope="col">{t(c, S.address)}</th>
                  <th scope="col">{t(c, S.serial)}</th>
                  <th scope="col">{t(c, S.detail)}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <th scope="row">{r.seq}</th>
                    <td>{when(c, r.at)}</td>
                    <td>{`${r.actorKind}:${r.actorId}`}</td>
                    <td class="mono">{r.action}</td>
                    <td>{r.targetLoginId ?? "-"}</td>
                    <td>{t(c, resultText(r.result))}</td>
                    <td>{r.address ?? "-"}</td>
                    <td class="mono">{r.certSerial ?? "-"}</td>
                    <td class="mono detail">{r.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </StaffPage>
  );
}

export function VerifyPage(p: { c: PageCtx; v: { ok: true; count: number } | { ok: false; count: number; firstBadSeq: number; problem: string; record?: { seq: number; at: Date; actorKind: string; actorId: string; action: string; result: string; detail: string } } }) {
  const { c, v } = p;
  return (
    <StaffPage c={c} title={S.verifyTitle} screenId="STF051">
      <p>{t(c, S.verifyLead)}</p>
      {v.ok ? (
        <Notice kind="success">
          <p data-verify="ok">{t(c, S.verifyOk, { n: v.count })}</p>
        </Notice>
      ) : (
        <>
          <Notice kind="error">
            <p data-verify="broken" data-seq={v.firstBadSeq}>
              {t(c, S.verifyBroken, { seq: v.firstBadSeq, problem: v.problem })}
            </p>
          </Notice>
          <section aria-labelledby="broken-h">
            <h2 id="broken-h">{t(c, S.brokenRecord)}</h2>
            {v.record ? (
              <dl class="facts">
                <dt>{t(c, S.seq)}</dt>
                <dd>{v.record.seq}</dd>
                <dt>{t(c, S.at)}</dt>
                <dd>{when(c, v.record.at)}</dd>
                <dt>{t(c, S.actor)}</dt>
                <dd>{`${v.record.actorKind}:${v.record.actorId}`}</dd>
                <dt>{t(c, S.action)}</dt>
                <dd class="mono">{v.record.action}</dd>
                <dt>{t(c, S.result)}</dt>
                <dd>{t(c, resultText(v.record.result))}</dd>
                <dt>{t(c, S.detail)}</dt>
                <dd class="mono">{v.record.detail}</dd>
              </dl>
            ) : (
              <p>{t(c, S.brokenMissing)}</p>
            )}
          </section>
        </>
      )}
    </StaffPage>
  );
}

// ---- refusals and errors (no staff member known: both languages, Japanese first)

export function RefusalPage(p: { cause: StaffRefusal | "csrf"; path: string }) {
  const reason = p.cause === "csrf" ? S.csrfRefused : S[`refusal_${p.cause}`];
  return (
    <Layout locale="ja" title={{ ja: `${S.refusalTitle.ja} / ${S.refusalTitle.en}`, en: `${S.refusalTitle.ja} / ${S.refusalTitle.en}` }} screenId="STF999" brand={{ ja: "Inkan 行員用画面", en: "Inkan staff console" }} path={p.path} themeHref="/assets/staff.css">
      <Notice kind="error">
        <p>{S.refusalLead.ja}</p>
        <p>{reason.ja}</p>
        <p>{S.refusalWayOut.ja}</p>
      </Notice>
      <section lang="en" aria-label="English">
        <p>{S.refusalLead.en}</p>
        <p>{reason.en}</p>
        <p>{S.refusalWayOut.en}</p>
      </section>
    </Layout>
  );
}

export function ErrorPage(p: { c: PageCtx; error: PageError }) {
  return (
    <StaffPage c={p.c} title={S.errorTitle} screenId="STF998">
      <ErrorNotice locale={p.c.locale} error={p.error} />
      <ul class="links">
        <li>
          <a href="/">{t(p.c, S.toDashboard)}</a>
        </li>
      </ul>
    </StaffPage>
  );
}

/** Before anyone is known (a 404 or a failure before identification): both languages. */
export function BareErrorPage(p: { error: PageError; path: string }) {
  return (
    <Layout locale="ja" title={{ ja: `${S.errorTitle.ja} / ${S.errorTitle.en}`, en: `${S.errorTitle.ja} / ${S.errorTitle.en}` }} screenId="STF998" brand={{ ja: "Inkan 行員用画面", en: "Inkan staff console" }} path={p.path} themeHref="/assets/staff.css">
      <Notice kind="error">
        <p>{message("ja", p.error.code, p.error.params ?? {})}</p>
        <p lang="en">{message("en", p.error.code, p.error.params ?? {})}</p>
      </Notice>
    </Layout>
  );
}
