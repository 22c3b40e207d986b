import { S } from "../../../i18n/staff-text.js";
import { Notice } from "../../views/layout.js";
import { SEARCH_OPERATIONS } from "../../../lifecycle/staff-console.js";
import { DataTable, ErrorNotice, Field, StaffPage, TextInput, resultText, t, when, type PageCtx, type PageError, type Values } from "./parts.js";

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
        <Field id="from" label={S.dateFrom} locale={c.locale}>
          <TextInput id="from" type="date" value={v.from} />
        </Field>
        <Field id="to" label={S.dateTo} locale={c.locale}>
          <TextInput id="to" type="date" value={v.to} />
        </Field>
        <Field id="contract" label={S.contractCode} locale={c.locale}>
          <TextInput id="contract" value={v.contract} maxLength={20} />
        </Field>
        <Field id="loginId" label={S.loginId} locale={c.locale}>
          <TextInput id="loginId" value={v.loginId} maxLength={40} />
        </Field>
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
        <div class="actions">
          <button type="submit" class="primary">
            {t(c, S.search)}
          </button>
        </div>
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
            <DataTable c={c} caption={S.auditTitle} cols={[S.seq, S.at, S.actor, S.action, S.targetUser, S.result, S.address, S.serial, S.detail]} class="audit">
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
            </DataTable>
          )}
        </section>
      )}
    </StaffPage>
  );
}
