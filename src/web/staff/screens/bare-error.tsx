import { S } from "../../../i18n/staff-text.js";
import { message } from "../../../i18n/index.js";
import { Notice } from "../../views/layout.js";
import { BilingualPage, type PageError } from "./frame.js";

/** STF998 before anyone is known (a 404 or a failure before identification): both languages. */
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
