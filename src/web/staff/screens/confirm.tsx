import { S } from "../../../i18n/staff-text.js";
import { tr, type Text } from "../../views/text.js";
import { Actions, Csrf, StaffPage, t, type PageCtx, type Values } from "./parts.js";

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
        <Actions c={c} back={p.back} label={S.execute} danger={p.danger} />
      </form>
    </StaffPage>
  );
}
