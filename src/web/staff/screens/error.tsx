import { S } from "../../../i18n/staff-text.js";
import { message } from "../../../i18n/index.js";
import { Notice } from "../../views/layout.js";
import { BilingualPage, ErrorNotice, StaffPage, t, type PageCtx, type PageError } from "./parts.js";

export function ErrorPage(p: { c: PageCtx; error: PageError }) {
  return (
    <StaffPage c={p.c} title={S.errorTitle} screenId="STF998">
      <ErrorNotice locale={p.c.locale} error={p.error} />
      <ul class="links">
        <li>
          <a href="/">{t(p.c, S.toDashboard)}</a>
        </li>
      </ul>
    </StaffPage>
  );
}

/** Before anyone is known (a 404 or a failure before identification): both languages. */
export function BareErrorPage(p: { error: PageError; path: string }) {
  return (
    <BilingualPage title={S.errorTitle} screenId="STF998" path={p.path}>
      <Notice kind="error">
        <p>{message("ja", p.error.code, p.error.params ?? {})}</p>
        <p lang="en">{message("en", p.error.code, p.error.params ?? {})}</p>
      </Notice>
    </BilingualPage>
  );
}
