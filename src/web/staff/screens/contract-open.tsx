import { S } from "../../../i18n/staff-text.js";
import { methodText, t, type PageCtx, type PageError, type Values } from "./frame.js";
import { EntryPage, TextField } from "./form.js";

export function ContractOpenPage(p: { c: PageCtx; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <EntryPage c={c} title={S.contractOpenTitle} screenId="STF012" action="/confirm/contract-open" error={p.error} back="/contracts">
      <TextField locale={c.locale} id="code" label={S.contractCode} hint={S.contractCodeHint} value={v.code} required maxLength={20} />
      <TextField locale={c.locale} id="name" label={S.contractName} value={v.name} required maxLength={60} />
      <fieldset class="field">
        <legend>{t(c, S.loginMethod)}</legend>
        {(["certificate", "password"] as const).map((m) => (
          <div>
            <input type="radio" id={`method-${m}`} name="method" value={m} checked={(v.method ?? "certificate") === m} />
            <label for={`method-${m}`}>{t(c, methodText(m))}</label>
          </div>
        ))}
      </fieldset>
    </EntryPage>
  );
}
