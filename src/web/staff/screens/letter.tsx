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
  change_password: LETTER.stepChangePassword,
  enrol_otp: LETTER.stepOtp,
};

const kindOf = (role: string): Text => (role === "master" ? LETTER.kindMaster : role === "admin" ? LETTER.kindAdmin : LETTER.kindGeneral);

/** One language's side of the letter: what a customer reads, with nothing of the console in it. */
function LetterSide(p: { locale: Locale; letter: InitialLetter; portalUrl: string; offset: number }) {
  const { letter: l, locale } = p;
  const w = (x: Text, params: Record<string, string | number> = {}) => tr(locale, x, params);
  const bank = locale === "ja" ? l.bank.nameJa : l.bank.nameEn;
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
      <p class="letter-from">
        {bank}
        <br />
        {w(LETTER.issuedOn, { date: formatLocalDateTime(l.issuedAt, p.offset).slice(0, 10) })}
      </p>
      <p class="letter-to">{w(LETTER.addressee, { contract: l.contract.name })}</p>
      <h2 id={`letter-${locale}-h`}>{w(LETTER.initialTitle)}</h2>
      <p>{w(LETTER.greeting, { bank })}</p>
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
      <h3>{w(LETTER.stepsHeading)}</h3>
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
 * 初期パスワード通知書 (STF014): the answer to マスターユーザ登録's 実行, and only to it. The sheet
 * holds both languages, Japanese first; the print stylesheet leaves out the console around it.
 */
export function InitialLetterPage(p: { c: PageCtx; letter: InitialLetter; portalUrl: string; result: string }) {
  const { c } = p;
  const offset = c.con.bank.offsetMinutes;
  return (
    <StaffPage c={c} title={S.letterTitle} screenId="STF014">
      <div class="no-print">
        <Notice kind="warning">
          <p>{t(c, S.letterOnce)}</p>
        </Notice>
      </div>
      <article class="letter">
        <LetterSide locale="ja" letter={p.letter} portalUrl={p.portalUrl} offset={offset} />
        <LetterSide locale="en" letter={p.letter} portalUrl={p.portalUrl} offset={offset} />
      </article>
      <p class="no-print">
        <a class="button primary" href={p.result}>
          {t(c, S.letterPrinted)}
        </a>
      </p>
    </StaffPage>
  );
}
