import { S } from "../../../i18n/staff-text.js";
import { Csrf, StaffPage, t, when, type PageCtx } from "./parts.js";

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
