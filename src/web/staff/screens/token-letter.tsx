import type { Locale } from "../../../i18n/messages.js";
import { S } from "../../../i18n/staff-text.js";
import { LETTER } from "../../../i18n/letter-text.js";
import { tr, type Text } from "../../views/text.js";
import type { TokenLetter } from "../../../lifecycle/token-letter.js";
import { otpQrSvg } from "../../otp-qr.js";
import type { PageCtx } from "./frame.js";
import { LetterHead, LetterSheet } from "./letter.js";

/** The key in groups of four, as a person types it from paper. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function TokenSide(p: { locale: Locale; letter: TokenLetter; qr: string; offset: number }) {
  const { letter: l, locale } = p;
  const w = (x: Text, params: Record<string, string | number> = {}) => tr(locale, x, params);
  const bank = locale === "ja" ? l.bank.nameJa : l.bank.nameEn;
  return (
    <section class="letter-side" lang={locale} aria-labelledby={`token-${locale}-h`}>
      <LetterHead locale={locale} bank={bank} issuedAt={l.issuedAt} offset={p.offset} contractName={l.contract.name} headingId={`token-${locale}-h`} title={LETTER.tokenTitle} greeting={LETTER.tokenGreeting} />
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
  const offset = p.c.con.bank.offsetMinutes;
  // the otpauth:// URI (it holds the secret) is only dark modules of the picture, never text
  const qr = `data:image/svg+xml;base64,${Buffer.from(otpQrSvg(p.letter.uri)).toString("base64")}`;
  return (
    <LetterSheet c={p.c} title={S.tokenLetterTitle} screenId="STF015" once={S.tokenLetterOnce} result={p.result}>
      {(locale) => <TokenSide locale={locale} letter={p.letter} qr={qr} offset={offset} />}
    </LetterSheet>
  );
}
