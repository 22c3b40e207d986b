import { S } from "../../../i18n/staff-text.js";
import type { ContractRecord } from "../../../store/store.js";
import { t, type PageCtx, type PageError, type Values } from "./frame.js";
import { EntryPage, TextField } from "./form.js";

export function MasterPage(p: { c: PageCtx; contract: ContractRecord; values: Values; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <EntryPage
      c={c}
      title={S.masterTitle}
      screenId="STF013"
      lead={
        <>
          <p>
            {t(c, S.contract)}: {p.contract.code} {p.contract.name}
          </p>
          <p>{t(c, S.generatedLead)}</p>
        </>
      }
      action="/confirm/master-register"
      error={p.error}
      back={`/contracts/${encodeURIComponent(p.contract.code)}`}
    >
      <input type="hidden" name="code" value={p.contract.code} />
      <TextField locale={c.locale} id="loginId" label={S.loginId} value={v.loginId} required maxLength={12} />
      <TextField locale={c.locale} id="name" label={S.userName} value={v.name} required maxLength={30} />
      <TextField locale={c.locale} id="email" label={S.email} type="email" value={v.email} required maxLength={254} />
    </EntryPage>
  );
}
