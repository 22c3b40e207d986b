import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.js";
import { OPERATIONS, RESULT_LABELS, historyCsv, type HistoryEntry } from "../../audit/history.js";
import { P } from "../../i18n/portal-text.js";
import { historyScope } from "../../domain/rights.js";
import { Notice } from "../views/layout.js";
import { shownOnForm } from "../errors.js";
import { HISTORY_QUERY, parseFields } from "../views/request-input.js";
import { portalHandler, type PortalDeps, type PortalPage } from "./portal-context.js";
import type { SessionView } from "../../lifecycle/lifecycle.js";

async function viewer(page: PortalPage): Promise<SessionView> {
  const v = await page.session(false);
  if (v.user.mustChangePassword) throw new DomainError("password_change_required");
  return v;
}

function filters(page: PortalPage) {
  return parseFields(HISTORY_QUERY, page.req.query);
}

/** 操作履歴照会: today and the policy's online days back, filtered; the whole contract for those with the right. */
export function historyRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  app.get(
    "/:bank/history",
    portalHandler(deps, async (page) => {
      const v = await viewer(page);
      const f = filters(page);
      const seesAll = historyScope(v.actor) !== "own";
      const users = seesAll ? await lifecycle.userList(page.bankId, v) : [];
      let entries: HistoryEntry[];
      let error: string | undefined;
      try {
        entries = await lifecycle.history(page.bankId, v, f);
      } catch (e) {
        if (!shownOnForm(e)) throw e;
        error = page.errorText(e);
        entries = [];
      }
      const days = page.bank.policy.historyOnline.replace(/^P(\d+)D$/, "$1");
      const qs = new URLSearchParams(Object.entries(f).filter(([, x]) => x) as [string, string][]).toString();
      return page.render({
        title: P.historyTitle,
        screenId: "BHIS001",
        view: v,
        current: "history",
        status: error ? 400 : 200,
        children: (
          <>
            <p>{page.t(P.historyLead, { days })}</p>
            <p>{page.t(seesAll ? P.historyScopeAll : P.historyScopeSelf)}</p>
            {error && (
              <Notice kind="error">
                <p>{error}</p>
              </Notice>
            )}
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
                <button type="submit" class="primary">
                  {page.t(P.search)}
                </button>
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
                <caption>{page.t(P.historyTitle)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{page.t(P.when)}</th>
                    <th scope="col">{page.t(P.user)}</th>
                    <th scope="col">{page.t(P.operation)}</th>
                    <th scope="col">{page.t(P.target)}</th>
                    <th scope="col">{page.t(P.result)}</th>
                    <th scope="col">{page.t(P.address)}</th>
                    <th scope="col">{page.t(P.serial)}</th>
                  </tr>
                </thead>
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
        ),
      });
    }),
  );

  // the same rows as a file Excel opens: UTF-8 with BOM, CRLF, formula-safe
  app.get(
    "/:bank/history.csv",
    portalHandler(deps, async (page) => {
      const v = await viewer(page);
      const entries = await lifecycle.history(page.bankId, v, filters(page));
      return page.reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="history-${page.bankId}.csv"`)
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .send(historyCsv(entries));
    }),
  );
}
