import { S } from "../../../i18n/staff-text.js";
import { Notice } from "../../views/layout.js";
import { tr, type Text } from "../../views/text.js";
import { ErrorNotice, StaffPage, t, type PageCtx, type PageError } from "./parts.js";

export function ResultPage(p: { c: PageCtx; what: Text; text?: string; error?: PageError; inProgress?: boolean; links: Array<[string, Text]> }) {
  const { c } = p;
  const title = { ja: tr("ja", S.resultTitle, { what: p.what.ja }), en: tr("en", S.resultTitle, { what: p.what.en }) };
  return (
    <StaffPage c={c} title={title} screenId="STF901">
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
      <ul class="links">
        {p.links.map(([href, label]) => (
          <li>
            <a href={href}>{t(c, label)}</a>
          </li>
        ))}
      </ul>
    </StaffPage>
  );
}
