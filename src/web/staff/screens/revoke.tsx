import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import { Field, ReferenceField, StaffForm, StaffPage, TextInput, t, type PageCtx, type PageError, type Values } from "./parts.js";

export const REASONS: Array<[string, Text]> = [
  ["keyCompromise", S.reasonKeyCompromise],
  ["affiliationChanged", S.reasonAffiliationChanged],
  ["cessationOfOperation", S.reasonCessationOfOperation],
  ["privilegeWithdrawn", S.reasonPrivilegeWithdrawn],
  ["unspecified", S.reasonUnspecified],
];

export function RevokePage(p: { c: PageCtx; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.revokeTitle} screenId="STF030">
      <StaffForm c={c} action="/confirm/revoke" back="/" error={p.error}>
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
      </StaffForm>
    </StaffPage>
  );
}
