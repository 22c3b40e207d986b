import type { Locale } from "../../../i18n/messages.js";
import { S } from "../../../i18n/staff-text.js";
import { LETTER } from "../../../i18n/letter-text.js";
import { Notice } from "../../views/layout.js";
import { tr, type Text } from "../../views/text.js";
import { formatLocalDateTime } from "../../../domain/time-zone.js";
import type { TokenLetter } from "../../../lifecycle/token-letter.js";
import { otpQrSvg } from "../../otp-qr.js";
import { StaffPage, t, type PageCtx } from "./frame.js";

/** The key in groups of four, as a person types it from paper. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function TokenSide(p: { locale: Locale; letter: TokenLetter; qr: string; offset: number }) {
  const { letter: l, locale } = p;
  const w = (x: Text, params: Record<string, string | number> = {}) => tr(locale, x, params);
  const bank = locale === "ja" ? l.bank.nameJa : l.bank.nameEn;
  return (
    <section class="letter-side" lang={locale} aria-labelledby={`token-${locale}-h`}>
      <p class="letter-from">
        {bank}
        <br />
        {w(LETTER.issuedOn, { date: formatLocalDateTime(l.issuedAt, p.offset).slice(0, 10) })}
      </p>
      <p class="letter-to">{w(LETTER.addressee, { contract: l.contract.name })}</p>
      <h2 id={`token-${locale}-h`}>{w(LETTER.tokenTitle)}</h2>
      <p>{w(LETTER.tokenGreeting, { bank })}</p>
      <dl class="facts letter-facts">
        <dt>{w(LETTER.contractCode)}</dt>
        <dd>{l.contract.code}</dd>
        <dt>{w(LETTER.userName)}</dt>
        <dd>{l.user.name}</dd>
        <dt>{w(LETTER.loginId)}</dt>
        <dd>
          <code class="secret">{l.user.loginId}</code>
        </dd>
        <dt>{w(LETTER.tokenKey)}</dt>
        <dd>
          <code class="secret" data-letter="key">
            {grouped(l.secret)}
          </code>
        </dd>
      </dl>
      <p class="qr">
        <img src={p.qr} alt={w(LETTER.tokenQr)} width={200} height={200} />
      </p>
      <ol class="letter-steps">
        <li>{w(LETTER.tokenStepScan)}</li>
        <li>{w(LETTER.tokenStepUse)}</li>
      </ol>
      <p class="letter-keep">{w(LETTER.tokenKeep)}</p>
    </section>
  );
}

/** トークン登録通知書 (STF015): the answer to トークン登録's 実行, and only to it; both languages, printable. */
export function TokenLetterPage(p: { c: PageCtx; letter: TokenLetter; result: string }) {
  const { c } = p;
  const offset = c.con.bank.offsetMinutes;
  // the otpauth:// URI (it holds the secret) is only dark modules of the picture, never text
  const qr = `data:image/svg+xml;base64,${Buffer.from(otpQrSvg(p.letter.uri)).toString("base64")}`;
  return (
    <StaffPage c={c} title={S.tokenLetterTitle} screenId="STF015">
      <div class="no-print">
        <Notice kind="warning">
          <p>{t(c, S.tokenLetterOnce)}</p>
        </Notice>
      </div>
      <article class="letter">
        <TokenSide locale="ja" letter={p.letter} qr={qr} offset={offset} />
        <TokenSide locale="en" letter={p.letter} qr={qr} offset={offset} />
      </article>
      <p class="no-print">
        <a class="button primary" href={p.result}>
          {t(c, S.letterPrinted)}
        </a>
      </p>
    </StaffPage>
  );
}
