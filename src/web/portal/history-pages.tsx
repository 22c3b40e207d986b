import type { FastifyInstance } from "fastify";
import { historyCsv, type HistoryEntry } from "../../audit/history.js";
import { P } from "../../i18n/portal-text.js";
import { historyScope } from "../../domain/rights.js";
import { HistoryScreen } from "./screens/history.js";
import { shownOnForm } from "../errors.js";
import { HISTORY_QUERY, parseFields } from "../views/request-input.js";
import { loggedIn, portalHandler, type PortalDeps, type PortalPage } from "./portal-context.js";

const viewer = (page: PortalPage) => loggedIn(page);

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
      const qs = new URLSearchParams(Object.entries(f).filter(([, x]) => x) as [string, string][]).toString();
      return page.render({
        title: P.historyTitle,
        screenId: "BHIS001",
        view: v,
        current: "history",
        status: error ? 400 : 200,
        children: <HistoryScreen page={page} f={f} seesAll={seesAll} users={users} entries={entries} error={error} qs={qs} />,
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
