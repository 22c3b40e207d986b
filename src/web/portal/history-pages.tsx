import type { FastifyInstance } from "fastify";
import { historyCsv, type HistoryEntry } from "../../audit/history.js";
import { P } from "../../i18n/portal-text.js";
import { historyScope } from "../../domain/rights.js";
import { HistoryScreen } from "./screens/history.js";
import { shownOnForm } from "../errors.js";
import { HISTORY_QUERY, parseFields } from "../views/request-input.js";
import { sessionRoutes, type PortalDeps, type PortalPage, type ScreenFrame } from "./portal-context.js";

const HISTORY: ScreenFrame = { title: P.historyTitle, screenId: "BHIS001", current: "history" };

function filters(page: PortalPage) {
  return parseFields(HISTORY_QUERY, page.req.query);
}

/** 操作履歴照会: today and the policy's online days back, filtered; the whole contract for those with the right. */
export function historyRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const routes = sessionRoutes(app, deps);
  routes.get("/:bank/history", async (page, v) => {
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
    const qs = new URLSearchParams(Object.entries(f).filter(([, x]) => x) as [string, string][]).toString();
    return page.render({ ...HISTORY, view: v, status: error ? 400 : 200, children: <HistoryScreen page={page} f={f} seesAll={seesAll} users={users} entries={entries} error={error} qs={qs} /> });
  });

  // the same rows as a file Excel opens: UTF-8 with BOM, CRLF, formula-safe
  routes.get("/:bank/history.csv", async (page, v) => {
    const entries = await lifecycle.history(page.bankId, v, filters(page));
    return page.reply
      .header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="history-${page.bankId}.csv"`)
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .send(historyCsv(entries));
  });
}
