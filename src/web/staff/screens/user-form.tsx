import { S } from "../../../i18n/staff-text.js";
import { t, type PageCtx, type PageError, type Values } from "./frame.js";
import { EntryPage, ReferenceField, TextField } from "./form.js";

/** 初期化 (STF031) and ロック解除 (STF032): a login ID and the paper form's number. */
export function UserFormPage(p: { c: PageCtx; kind: "reset" | "unlock"; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <EntryPage
      c={c}
      title={p.kind === "reset" ? S.resetTitle : S.unlockTitle}
      screenId={p.kind === "reset" ? "STF031" : "STF032"}
      lead={<p>{t(c, p.kind === "reset" ? S.resetLead : S.unlockLead)}</p>}
      action={`/confirm/${p.kind}`}
      error={p.error}
      back="/"
    >
      <TextField locale={c.locale} id="loginId" label={S.loginId} value={v.loginId} required maxLength={12} />
      <ReferenceField c={c} value={v.reference} />
    </EntryPage>
  );
}
