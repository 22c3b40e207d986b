import { P } from "../../../i18n/portal-text.js";
import { B } from "../../../i18n/business-text.js";
import { type PortalPage } from "../portal-context.js";
import { TASKS, type Task } from "./admin-parts.js";
/** 利用者管理 作業内容選択 (BADM001): the tasks, 利用者登録 and 操作履歴照会. */
export function AdminMenuScreen({ page }: { page: PortalPage }) {
  return (
    <>
      <p>{page.t(P.adminLead)}</p>
      <ul class="steps">
        <li>
          <a href={page.url("/self")}>{page.t(B.selfInfo)}</a>
          <span class="hint"> — {page.t(B.selfInfoHint)}</span>
        </li>
        {(Object.keys(TASKS) as Task[]).map((t) => (
          <li>
            <a href={page.url(`/admin/users?task=${t}`)}>{page.t(TASKS[t].label)}</a>
            {TASKS[t].hint && <span class="hint"> — {page.t(TASKS[t].hint!)}</span>}
          </li>
        ))}
        <li>
          <a href={page.url("/admin/users/new")}>{page.t(P.taskAdd)}</a>
        </li>
        <li>
          <a href={page.url("/history")}>{page.t(P.historyTitle)}</a>
        </li>
      </ul>
    </>
  );
}
