import { S } from "../../../i18n/staff-text.js";
import type { ContractRecord } from "../../../store/store.js";
import { Field, LoginIdField, StaffForm, StaffPage, TextInput, t, type PageCtx, type PageError, type Values } from "./parts.js";

export function MasterPage(p: { c: PageCtx; contract: ContractRecord; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.masterTitle} screenId="STF013">
      <p>
        {t(c, S.contract)}: {p.contract.code} {p.contract.name}
      </p>
      <StaffForm c={c} action="/confirm/master-register" back={`/contracts/${encodeURIComponent(p.contract.code)}`} error={p.error}>
        <input type="hidden" name="code" value={p.contract.code} />
        <LoginIdField c={c} value={v.loginId} />
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
      </StaffForm>
    </StaffPage>
  );
}
