import { S } from "../../../i18n/staff-text.js";
import { Field, StaffForm, StaffPage, TextInput, methodText, t, type PageCtx, type PageError, type Values } from "./parts.js";

export function ContractOpenPage(p: { c: PageCtx; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.contractOpenTitle} screenId="STF012">
      <StaffForm c={c} action="/confirm/contract-open" back="/contracts" error={p.error}>
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
      </StaffForm>
    </StaffPage>
  );
}
