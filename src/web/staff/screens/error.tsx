import { S } from "../../../i18n/staff-text.js";
import { ErrorNotice, Links, StaffPage, type PageCtx, type PageError } from "./frame.js";

/** STF998 for a known staff member: the error in their language and the way to the dashboard. */
export function ErrorPage(p: { c: PageCtx; error: PageError }) {
  return (
    <StaffPage c={p.c} title={S.errorTitle} screenId="STF998">
      <ErrorNotice locale={p.c.locale} error={p.error} />
      <Links c={p.c} links={[["/", S.toDashboard]]} />
    </StaffPage>
  );
}
