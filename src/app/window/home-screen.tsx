import type { Listed } from "../commands/list.js";
import { formatTime } from "../format.js";
import { opensAt } from "../context.js";
import type { WindowTextKey } from "../../i18n/app-window-text.js";
import { W } from "../../i18n/app-window-text.js";
import { CloseButton, Frame, Notice, w, type View } from "./frame.js";

export const STATE_WORDS: Record<Listed["state"], WindowTextKey> = {
  valid: "stateValid",
  renewable: "stateRenewable",
  expired: "stateExpired",
  revoked: "stateRevoked",
  superseded: "stateSuperseded",
  unconfirmed: "stateUnconfirmed",
  unknown: "stateUnknown",
};

function StateCell(p: { v: View; r: Listed }) {
  const { v, r } = p;
  const meta = r.cert.meta;
  const detail =
    r.state === "valid"
      ? w(v, "stateValidFrom", { from: formatTime(opensAt(meta), v.locale) })
      : r.state === "renewable"
        ? w(v, "stateRenewableUntil", { until: formatTime(new Date(meta.notAfter), v.locale) })
        : undefined;
  return (
    <td>
      {w(v, STATE_WORDS[r.state])}
      {detail && <span class="state-detail">{detail}</span>}
      {!r.checked && r.reason && <span class="state-detail">{w(v, "stateUnchecked", { reason: r.reason })}</span>}
      {r.renewalInProgress && <span class="state-detail">{w(v, "stateInProgress")}</span>}
    </td>
  );
}

/** 証明書取得 (CCHK001): 証明書発行, and 証明書更新 with the certificate list; 証明書の削除 for old ones. */
export function HomeScreen(p: { v: View; rows: Listed[]; store: string; notice?: { kind: "error" | "success"; text: string } }) {
  const { v, rows } = p;
  return (
    <Frame v={v} title={W.homeTitle} screenId="CCHK001">
      {p.notice && <Notice kind={p.notice.kind}>{p.notice.text}</Notice>}
      <section class="block" aria-labelledby="issue-heading">
        <h2 id="issue-heading">{w(v, "issueHeading")}</h2>
        <p>{w(v, "issueLead")}</p>
        <a class="button secondary" href="/issue">
          {w(v, "issueButton")}
        </a>
      </section>
      <section class="block" aria-labelledby="renew-heading">
        <h2 id="renew-heading">{w(v, "renewHeading")}</h2>
        <p>{w(v, "renewLead")}</p>
        {rows.length === 0 ? (
          <p>{w(v, "listEmpty")}</p>
        ) : (
          <form method="post" action="/renew">
            <table>
              <caption class="muted">{w(v, "listCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{w(v, "colChoose")}</th>
                  <th scope="col">{w(v, "colSubject")}</th>
                  <th scope="col">{w(v, "colValidity")}</th>
                  <th scope="col">{w(v, "colState")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>
                      <input type="radio" name="serial" value={r.cert.meta.serial} id={`c-${r.cert.meta.serial}`} aria-label={w(v, "chooseOne", { subject: r.cert.meta.cn })} required />
                    </td>
                    <td class="subject">
                      <label for={`c-${r.cert.meta.serial}`}>{r.cert.meta.subject}</label>
                    </td>
                    <td>{`${formatTime(new Date(r.cert.meta.notBefore), v.locale)} – ${formatTime(new Date(r.cert.meta.notAfter), v.locale)}`}</td>
                    <StateCell v={v} r={r} />
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="actions">
              <button type="submit" class="primary">
                {w(v, "renewButton")}
              </button>
              <button type="submit" class="secondary" formaction="/delete">
                {w(v, "deleteButton")}
              </button>
            </div>
            <p class="muted">{w(v, "deleteLead")}</p>
          </form>
        )}
      </section>
      <p class="muted">{w(v, "storeAt", { dir: p.store })}</p>
      <div class="actions">
        <CloseButton v={v} />
      </div>
    </Frame>
  );
}
