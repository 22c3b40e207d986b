import { OPERATIONS, RESULT_LABELS, type HistoryEntry } from "../../../audit/history.js";
import { P } from "../../../i18n/portal-text.js";
import type { UserListEntry } from "../../../lifecycle/lifecycle.js";
import type { PortalPage } from "../portal-context.js";
import { ErrorNotice, SubmitButton, TableHead } from "../page-parts.js";

export interface HistoryScreenProps {
  page: PortalPage;
  /** the filter as asked (undefined: not chosen) */
  f: { from?: string | undefined; to?: string | undefined; user?: string | undefined; operation?: string | undefined };
  /** whether the viewer's history scope is the whole contract (then a user can be chosen) */
  seesAll: boolean;
  users: UserListEntry[];
  entries: HistoryEntry[];
  error?: string;
  /** the filter as a query string, for the CSV link */
  qs: string;
}

/** 操作履歴照会 (BHIS001): the filter form, the count and the table. */
export function HistoryScreen({ page, f, seesAll, users, entries, error, qs }: HistoryScreenProps) {
  const days = page.bank.policy.historyOnline.replace(/^P(\d+)D$/, "$1");
  return (
    <>
      <p>{page.t(P.historyLead, { days })}</p>
      <p>{page.t(seesAll ? P.historyScopeAll : P.historyScopeSelf)}</p>
      <ErrorNotice text={error} />
      <form method="get" action={page.url("/history")} class="filters">
        <div class="field">
          <label for="from">{page.t(P.dateFrom)}</label>
          <input type="date" id="from" name="from" value={f.from} />
        </div>
        <div class="field">
          <label for="to">{page.t(P.dateTo)}</label>
          <input type="date" id="to" name="to" value={f.to} />
        </div>
        {seesAll && (
          <div class="field">
            <label for="user">{page.t(P.user)}</label>
            <select id="user" name="user">
              <option value="">{page.t(P.all)}</option>
              {users.map((u) => (
                <option value={u.user.loginId} selected={u.user.loginId === f.user}>
                  {`${u.user.loginId} ${u.user.name}`}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="operation">{page.t(P.operation)}</label>
          <select id="operation" name="operation">
            <option value="">{page.t(P.all)}</option>
            {Object.entries(OPERATIONS).map(([k, o]) => (
              <option value={k} selected={k === f.operation}>
                {o[page.locale]}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <SubmitButton page={page} label={P.search} />
          <a class="button secondary" id="history-csv" href={page.url(`/history.csv${qs ? `?${qs}` : ""}`)}>
            {page.t(P.downloadCsv)}
          </a>
        </div>
      </form>
      <p role="status">{page.t(P.historyCount, { count: entries.length })}</p>
      {entries.length === 0 ? (
        <p>{page.t(P.historyEmpty)}</p>
      ) : (
        <table id="history">
          <TableHead page={page} caption={P.historyTitle} columns={[P.when, P.user, P.operation, P.target, P.result, P.address, P.serial]} />
          <tbody>
            {entries.map((e) => (
              <tr>
                <td>{page.locale === "ja" ? e.atJa : e.at}</td>
                <td>{e.actor}</td>
                <td>{e.operation[page.locale]}</td>
                <td>{e.target ?? "-"}</td>
                <td>{RESULT_LABELS[e.result]?.[page.locale] ?? e.result}</td>
                <td>{e.address ?? "-"}</td>
                <td class="mono">{e.certSerial ?? "-"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
