import { S } from "../../../i18n/staff-text.js";
import { Notice } from "../../views/layout.js";
import { SEARCH_OPERATIONS } from "../../../lifecycle/staff-console.js";
import { ColumnHeads, ErrorNotice, resultText, StaffPage, t, when, type PageCtx, type PageError, type Values } from "./frame.js";
import { Field, FormActions, TextField } from "./form.js";

export interface AuditRow {
  seq: number;
  at: Date;
  actorKind: string;
  actorId: string;
  address: string | null;
  certSerial: string | null;
  action: string;
  result: string;
  detail: string;
  targetLoginId: string | null;
}

export function AuditPage(p: { c: PageCtx; values: Values; rows?: AuditRow[]; more?: boolean; error?: PageError }) {
  const { c, values: v } = p;
  return (
    <StaffPage c={c} title={S.auditTitle} screenId="STF050">
      <ErrorNotice locale={c.locale} error={p.error} />
      <form method="get" action="/audit" class="search">
        <TextField locale={c.locale} id="from" label={S.dateFrom} type="date" value={v.from} />
        <TextField locale={c.locale} id="to" label={S.dateTo} type="date" value={v.to} />
        <TextField locale={c.locale} id="contract" label={S.contractCode} value={v.contract} maxLength={20} />
        <TextField locale={c.locale} id="loginId" label={S.loginId} value={v.loginId} maxLength={40} />
        <Field id="operation" label={S.operation} locale={c.locale}>
          <select id="operation" name="operation">
            <option value="">{t(c, S.allOperations)}</option>
            {Object.entries(SEARCH_OPERATIONS).map(([k, o]) => (
              <option value={k} selected={v.operation === k}>
                {o[c.locale]}
              </option>
            ))}
          </select>
        </Field>
        <FormActions c={c} label={S.search} />
      </form>
      {p.rows && (
        <section aria-labelledby="audit-results">
          <h2 id="audit-results">{t(c, S.auditCount, { n: p.rows.length })}</h2>
          {p.more && (
            <Notice kind="info">
              <p>{t(c, S.auditMore, { n: p.rows.length })}</p>
            </Notice>
          )}
          {p.rows.length === 0 ? (
            <p>{t(c, S.auditNone)}</p>
          ) : (
            <table class="audit">
              <caption>{t(c, S.auditTitle)}</caption>
              <ColumnHeads c={c} labels={[S.seq, S.at, S.actor, S.action, S.targetUser, S.result, S.address, S.serial, S.detail]} />
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <th scope="row">{r.seq}</th>
                    <td>{when(c, r.at)}</td>
                    <td>{`${r.actorKind}:${r.actorId}`}</td>
                    <td class="mono">{r.action}</td>
                    <td>{r.targetLoginId ?? "-"}</td>
                    <td>{t(c, resultText(r.result))}</td>
                    <td>{r.address ?? "-"}</td>
                    <td class="mono">{r.certSerial ?? "-"}</td>
                    <td class="mono detail">{r.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </StaffPage>
  );
}
