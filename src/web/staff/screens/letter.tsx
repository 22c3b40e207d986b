import type { ComponentChildren } from "preact";
import type { Locale } from "../../../i18n/messages.js";
import { S } from "../../../i18n/staff-text.js";
import { LETTER } from "../../../i18n/letter-text.js";
import { Notice } from "../../views/layout.js";
import { tr, type Text } from "../../views/text.js";
import { formatLocalDateTime } from "../../../domain/time-zone.js";
import type { InitialLetter } from "../../../lifecycle/initial-letter.js";
import type { FirstStep } from "../../../domain/first-steps.js";
import { StaffPage, t, type PageCtx } from "./frame.js";

const STEP_TEXT: Record<FirstStep, Text> = {
  acquire_certificate: LETTER.stepCertificate,
  log_in: LETTER.stepPasswordLogin,
  log_in_certificate: LETTER.stepCertificateLogin,
  change_password: LETTER.stepChangePassword,
  enrol_otp: LETTER.stepOtp,
};

const kindOf = (role: string): Text => (role === "master" ? LETTER.kindMaster : role === "admin" ? LETTER.kindAdmin : LETTER.kindGeneral);

/** A letter's top, both kinds alike: the bank and the date, the addressee, the title, the greeting. */
export function LetterHead(p: { locale: Locale; bank: string; issuedAt: Date; offset: number; contractName: string; headingId: string; title: Text; greeting: Text }) {
  const w = (x: Text, params: Record<string, string | number> = {}) => tr(p.locale, x, params);
  return (
    <>
      <p class="letter-from">
        {p.bank}
        <br />
        {w(LETTER.issuedOn, { date: formatLocalDateTime(p.issuedAt, p.offset).slice(0, 10) })}
      </p>
      <p class="letter-to">{w(LETTER.addressee, { contract: p.contractName })}</p>
      <h2 id={p.headingId}>{w(p.title)}</h2>
      <p>{w(p.greeting, { bank: p.bank })}</p>
    </>
  );
}

/** One language's side of the letter: what a customer reads, with nothing of the console in it. */
function LetterSide(p: { locale: Locale; letter: InitialLetter; portalUrl: string; offset: number }) {
  const { letter: l, locale } = p;
  const w = (x: Text, params: Record<string, string | number> = {}) => tr(locale, x, params);
  const bank = locale === "ja" ? l.bank.nameJa : l.bank.nameEn;
  const reissue = l.kind === "reissue";
  const rows: Array<[Text, string, string?]> = [
    [LETTER.contractCode, l.contract.code],
    [LETTER.contractName, l.contract.name],
    [LETTER.userName, l.user.name],
    [LETTER.loginId, l.user.loginId, "login-id"],
    [LETTER.userNo, l.user.userNo],
    [LETTER.userKind, w(kindOf(l.user.role))],
    [LETTER.initialPassword, l.password, "password"],
    [LETTER.initialConfirmPassword, l.confirmPassword, "confirm-password"],
  ];
  return (
    <section class="letter-side" lang={locale} aria-labelledby={`letter-${locale}-h`}>
      <LetterHead locale={locale} bank={bank} issuedAt={l.issuedAt} offset={p.offset} contractName={l.contract.name} headingId={`letter-${locale}-h`} title={reissue ? LETTER.reissueTitle : LETTER.initialTitle} greeting={reissue ? LETTER.reissueGreeting : LETTER.greeting} />
      <dl class="facts letter-facts">
        {rows.map(([label, value, hook]) => (
          <>
            <dt>{w(label)}</dt>
            <dd>{hook ? <code class="secret" data-letter={hook}>{value}</code> : value}</dd>
          </>
        ))}
        <dt>{w(LETTER.portalUrl)}</dt>
        <dd>
          <code data-letter="url">{p.portalUrl}</code>
        </dd>
      </dl>
      <h3>{w(reissue ? LETTER.reissueStepsHeading : LETTER.stepsHeading)}</h3>
      <ol class="letter-steps">
        {l.steps.map((s) => (
          <li data-step={s}>{w(STEP_TEXT[s])}</li>
        ))}
      </ol>
      <p>{w(LETTER.confirmNote)}</p>
      <p class="letter-keep">{w(LETTER.keepNote)}</p>
    </section>
  );
}

/**
 * 初期パスワード通知書 (STF014): the answer to マスターユーザ登録's or パスワード再発行's 実行, and only to it. The sheet
 * holds both languages, Japanese first; the print stylesheet leaves out the console around it.
 */
export function InitialLetterPage(p: { c: PageCtx; letter: InitialLetter; portalUrl: string; result: string }) {
  const offset = p.c.con.bank.offsetMinutes;
  return (
    <LetterSheet c={p.c} title={S.letterTitle} screenId="STF014" once={S.letterOnce} result={p.result}>
      {(locale) => <LetterSide locale={locale} letter={p.letter} portalUrl={p.portalUrl} offset={offset} />}
    </LetterSheet>
  );
}

/** A letter's sheet: the once-only warning, Japanese then English, and the way on once printed. */
export function LetterSheet(p: { c: PageCtx; title: Text; screenId: string; once: Text; result: string; children: (locale: Locale) => ComponentChildren }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={p.title} screenId={p.screenId}>
      <div class="no-print">
        <Notice kind="warning">
          <p>{t(c, p.once)}</p>
        </Notice>
      </div>
      <article class="letter">
        {p.children("ja")}
        {p.children("en")}
      </article>
      <p class="no-print">
        <a class="button primary" href={p.result}>
          {t(c, S.letterPrinted)}
        </a>
      </p>
    </StaffPage>
  );
}
