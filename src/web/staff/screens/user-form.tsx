import { S } from "../../../i18n/staff-text.js";
import { LoginIdField, ReferenceField, StaffForm, StaffPage, t, type PageCtx, type PageError, type Values } from "./parts.js";

/** The paper forms for a certificate reset (STF031) and a lockout release (STF032): one login ID and the form's reference. */
export function UserFormPage(p: { c: PageCtx; kind: "reset" | "unlock"; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={p.kind === "reset" ? S.resetTitle : S.unlockTitle} screenId={p.kind === "reset" ? "STF031" : "STF032"}>
      <p>{t(c, p.kind === "reset" ? S.resetLead : S.unlockLead)}</p>
      <StaffForm c={c} action={`/confirm/${p.kind}`} back="/" error={p.error}>
        <LoginIdField c={c} value={v.loginId} />
        <ReferenceField c={c} value={v.reference} />
      </StaffForm>
    </StaffPage>
  );
}
