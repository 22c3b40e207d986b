import { P } from "../../../i18n/portal-text.js";
import type { UserListEntry } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { type PortalPage } from "../portal-context.js";
import { ButtonLink } from "../page-parts.js";
import { UserFacts } from "./admin-parts.js";
/**
 * 利用者登録結果 (BADM703): the new user, and what to hand over — the login ID and the initial
 * passwords; the user acquires the first certificate with them and enrols the one-time password
 * at the first login (no token is made here).
 */
export function UserAddedScreen({ page, e }: { page: PortalPage; e: UserListEntry | undefined }) {
  return (
    <>
      <Notice kind="success">
        <p>{page.t(P.doneLead)}</p>
      </Notice>
      {e && <UserFacts page={page} e={e} />}
      <p>{page.t(P.addedFirstUseLead)}</p>
      <div class="actions">
        <ButtonLink page={page} href={"/admin"} label={P.toAdmin} />
      </div>
    </>
  );
}
