import { P } from "../../../i18n/portal-text.js";
import type { UserListEntry } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { type PortalPage } from "../portal-context.js";
import { OtpSecret } from "../otp-secret-view.js";
import { ButtonLink } from "../page-parts.js";
import { UserFacts } from "./admin-parts.js";
/** 利用者登録結果 (BADM703): the new user, and their one-time password secret shown once. */
export function UserAddedScreen({ page, e, secret, uri }: { page: PortalPage; e: UserListEntry | undefined; secret: string; uri: string }) {
  return (
    <>
      <Notice kind="success">
        <p>{page.t(P.doneLead)}</p>
      </Notice>
      {e && <UserFacts page={page} e={e} />}
      <h2>{page.t(P.otpTitle)}</h2>
      <p>{page.t(P.addedOtpLead)}</p>
      <OtpSecret page={page} secret={secret} uri={uri} />
      <div class="actions">
        <ButtonLink page={page} href={"/admin"} label={P.toAdmin} />
      </div>
    </>
  );
}
