import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import { t, type PageCtx, type PageError, type Values } from "./frame.js";
import { EntryPage, ReferenceField, TextField } from "./form.js";

type UserFormKind = "reset" | "unlock" | "otp-reset" | "otp-register" | "password-reissue";

const FORMS: Record<UserFormKind, { title: Text; screenId: string; lead: Text }> = {
  reset: { title: S.resetTitle, screenId: "STF031", lead: S.resetLead },
  unlock: { title: S.unlockTitle, screenId: "STF032", lead: S.unlockLead },
  "otp-reset": { title: S.otpResetTitle, screenId: "STF033", lead: S.otpResetLead },
  "otp-register": { title: S.otpRegisterTitle, screenId: "STF034", lead: S.otpRegisterLead },
  "password-reissue": { title: S.reissueTitle, screenId: "STF035", lead: S.reissueLead },
};

/** 初期化 (STF031), ロック解除 (STF032), ワンタイムパスワード再設定 (STF033), トークン登録 (STF034), パスワード再発行 (STF035): a login ID and the paper form's number. */
export function UserFormPage(p: { c: PageCtx; kind: UserFormKind; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  const f = FORMS[p.kind];
  return (
    <EntryPage c={c} title={f.title} screenId={f.screenId} lead={<p>{t(c, f.lead)}</p>} action={`/confirm/${p.kind}`} error={p.error} back="/">
      <TextField locale={c.locale} id="loginId" label={S.loginId} value={v.loginId} required maxLength={12} />
      <ReferenceField c={c} value={v.reference} />
    </EntryPage>
  );
}
