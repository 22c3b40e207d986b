import { DISPLAY_STATUS_LABELS } from "../../../i18n/certificate-status-text.js";
import { P } from "../../../i18n/portal-text.js";
import type { UserListEntry } from "../../../lifecycle/lifecycle.js";
import { type PortalPage } from "../portal-context.js";
import type { Text } from "../../../i18n/text.js";
import { USER_SORT_KEYS, type UserOrder, type UserSortKey } from "../../../domain/user-order.js";
import { ButtonLink, SubmitButton, FormActions, TableHead } from "../page-parts.js";
import { ROLE_LABELS, userState, type Task } from "./admin-parts.js";
/** The seeds' 並び順 choices: the list's own columns. */
const SORT_LABELS: Record<UserSortKey, Text> = { loginId: P.loginId, name: P.userName, role: P.userKind, status: P.certStatus, expiry: P.certExpiry };

/** 並び順 [column] [昇順|降順] [再表示]: the same list again, sorted by lifecycle/ as asked. */
function SortBar({ page, task, order }: { page: PortalPage; task: Task; order: UserOrder }) {
  return (
    <form method="get" action={page.url("/admin/users")} class="sort-bar">
      <input type="hidden" name="task" value={task} />
      <div class="field">
        <label for="sort">{page.t(P.sortBy)}</label>
        <select id="sort" name="sort">
          {USER_SORT_KEYS.map((k) => (
            <option value={k} selected={k === order.key}>
              {page.t(SORT_LABELS[k])}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="order">{page.t(P.sortDirection)}</label>
        <select id="order" name="order">
          <option value="asc" selected={order.direction === "asc"}>
            {page.t(P.ascending)}
          </option>
          <option value="desc" selected={order.direction === "desc"}>
            {page.t(P.descending)}
          </option>
        </select>
      </div>
      <SubmitButton page={page} label={P.redisplay} kind="secondary" />
    </form>
  );
}

/** 利用者一覧 (BADM101…): 並び順 / 昇順・降順 / 再表示, then one user chosen for the task. */
export function UserListScreen({ page, task, list, order }: { page: PortalPage; task: Task; list: UserListEntry[]; order: UserOrder }) {
  return (
    list.length === 0 ? (
      <p>{page.t(P.noUsers)}</p>
    ) : (
      <>
      <SortBar page={page} task={task} order={order} />
      <form method="get" action={page.url("/admin/confirm")}>
        <input type="hidden" name="task" value={task} />
        <p>{page.t(P.listLead)}</p>
        <table>
          <TableHead page={page} caption={P.userListTitle} columns={[P.select, P.loginId, P.userName, P.userKind, P.certStatus, P.certExpiry, P.userState]} />
          <tbody>
            {list.map((e, i) => (
              <tr>
                <td>
                  <input type="radio" name="user" id={`user-${i}`} value={e.user.loginId} required aria-label={`${page.t(P.select)} ${e.user.loginId}`} />
                </td>
                <td>
                  <label for={`user-${i}`}>{e.user.loginId}</label>
                </td>
                <td>{e.user.name}</td>
                <td>{page.t(ROLE_LABELS[e.user.role]!)}</td>
                <td>{DISPLAY_STATUS_LABELS[e.status][page.locale]}</td>
                <td>{e.current ? page.date(e.current.notAfter) : "-"}</td>
                <td>{userState(page, e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <FormActions page={page} submit={P.next} back={{ href: "/admin", label: P.back }} />
      </form>
      </>
    )
  );
}
