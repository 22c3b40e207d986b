import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import { t, type PageCtx, type PageError, type Values } from "./frame.js";
import { EntryPage, Field, ReferenceField, TextField } from "./form.js";

/** The revocation reasons a staff member may choose, in the order shown. */
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
    <EntryPage c={c} title={S.revokeTitle} screenId="STF030" action="/confirm/revoke" error={p.error} back="/">
      <TextField locale={c.locale} id="target" label={S.target} hint={S.targetHint} value={v.target} required maxLength={64} />
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
    </EntryPage>
  );
}
