import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import { Notice } from "../../views/layout.js";
import { ErrorNotice, Links, StaffPage, t, titleOf, type PageCtx, type PageError } from "./frame.js";

/** 結果 (STF901): done, refused, or still running (a repeated 実行 while the first one acts). */
export function ResultPage(p: { c: PageCtx; what: Text; text?: string; error?: PageError; inProgress?: boolean; links: Array<[string, Text]> }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={titleOf(S.resultTitle, p.what)} screenId="STF901">
      {p.error ? (
        <ErrorNotice locale={c.locale} error={p.error} />
      ) : p.inProgress ? (
        <Notice kind="warning">
          <p>{t(c, S.inProgress)}</p>
        </Notice>
      ) : (
        <Notice kind="success">
          <p>{t(c, S.done)}</p>
          <p>{p.text}</p>
        </Notice>
      )}
      <Links c={c} links={p.links} />
    </StaffPage>
  );
}
