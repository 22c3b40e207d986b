import { P } from "../../../i18n/portal-text.js";
import type { UserListEntry } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { query, type PortalPage } from "../portal-context.js";
import { ButtonLink } from "../page-parts.js";
import { UserFacts, userState, type Task } from "./admin-parts.js";
/** 結果 (BADM…3): the user as they are now (状態 失効済み after a revocation). */
export function TaskResultScreen({ page, task, e }: { page: PortalPage; task: Task; e: UserListEntry | undefined }) {
  return (
    <>
      {query(page.req, "again") === "1" ? (
        <Notice kind="info">
          <p>{page.t(P.alreadyDone)}</p>
        </Notice>
      ) : query(page.req, "running") === "1" ? (
        <Notice kind="info">
          <p>{page.t(P.stillRunning)}</p>
        </Notice>
      ) : (
        <Notice kind="success">
          <p>{page.t(P.doneLead)}</p>
        </Notice>
      )}
      {e ? (
        <UserFacts page={page} e={e} />
      ) : (
        <dl class="facts">
          <dt>{page.t(P.loginId)}</dt>
          <dd>{query(page.req, "user", 40)}</dd>
          <dt>{page.t(P.userState)}</dt>
          <dd>{page.t(P.deleted)}</dd>
        </dl>
      )}
      <div class="actions">
        <ButtonLink page={page} href={"/admin"} label={P.toAdmin} />
        <ButtonLink page={page} href={"/top"} label={P.toTop} />
      </div>
    </>
  );
}
