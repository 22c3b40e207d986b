import { DISPLAY_STATUS_LABELS } from "../../../i18n/certificate-status-text.js";
import { P } from "../../../i18n/portal-text.js";
import type { UserListEntry } from "../../../lifecycle/lifecycle.js";
import { type PortalPage } from "../portal-context.js";
import { ButtonLink, SubmitButton } from "../page-parts.js";
import { ROLE_LABELS, userState, type Task } from "./admin-parts.js";
/** 利用者一覧 (BADM101…): one user chosen for the task. */
export function UserListScreen({ page, task, list }: { page: PortalPage; task: Task; list: UserListEntry[] }) {
  return (
    list.length === 0 ? (
      <p>{page.t(P.noUsers)}</p>
    ) : (
      <form method="get" action={page.url("/admin/confirm")}>
        <input type="hidden" name="task" value={task} />
        <p>{page.t(P.listLead)}</p>
        <table>
          <caption>{page.t(P.userListTitle)}</caption>
          <thead>
            <tr>
              <th scope="col">{page.t(P.select)}</th>
              <th scope="col">{page.t(P.loginId)}</th>
              <th scope="col">{page.t(P.userName)}</th>
              <th scope="col">{page.t(P.userKind)}</th>
              <th scope="col">{page.t(P.certStatus)}</th>
              <th scope="col">{page.t(P.certExpiry)}</th>
              <th scope="col">{page.t(P.userState)}</th>
            </tr>
          </thead>
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
        <div class="actions">
          <SubmitButton page={page} label={P.next} />
          <ButtonLink page={page} href={"/admin"} label={P.back} />
        </div>
      </form>
    )
  );
}
