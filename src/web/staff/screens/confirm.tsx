import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import { Facts, StaffPage, t, titleOf, type Fact, type PageCtx, type Values } from "./frame.js";
import { FormActions, Hidden, PostForm } from "./form.js";

/** 確認 (STF900): what will be done, nothing changed yet; 実行 carries the one-time token. */
export function ConfirmPage(p: { c: PageCtx; what: Text; action: string; facts: Fact[]; hidden: Values; token: string; back: string; danger?: boolean }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={titleOf(S.confirmTitle, p.what)} screenId="STF900">
      <p>{t(c, S.confirmLead)}</p>
      <Facts c={c} rows={p.facts} />
      <PostForm c={c} action={`/execute/${p.action}`}>
        <Hidden values={{ token: p.token }} />
        <Hidden values={p.hidden} />
        <FormActions c={c} back={p.back} label={S.execute} danger={p.danger} />
      </PostForm>
    </StaffPage>
  );
}
