import { S } from "../../../i18n/staff-text.js";
import { Notice } from "../../views/layout.js";
import { Facts, resultText, StaffPage, t, when, type PageCtx } from "./frame.js";

/** What `verifyAuditChain` found, as the page shows it. */
export type VerifyOutcome =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBadSeq: number; problem: string; record?: { seq: number; at: Date; actorKind: string; actorId: string; action: string; result: string; detail: string } };

export function VerifyPage(p: { c: PageCtx; v: VerifyOutcome }) {
  const { c, v } = p;
  return (
    <StaffPage c={c} title={S.verifyTitle} screenId="STF051">
      <p>{t(c, S.verifyLead)}</p>
      {v.ok ? (
        <Notice kind="success">
          <p data-verify="ok">{t(c, S.verifyOk, { n: v.count })}</p>
        </Notice>
      ) : (
        <>
          <Notice kind="error">
            <p data-verify="broken" data-seq={v.firstBadSeq}>
              {t(c, S.verifyBroken, { seq: v.firstBadSeq, problem: v.problem })}
            </p>
          </Notice>
          <section aria-labelledby="broken-h">
            <h2 id="broken-h">{t(c, S.brokenRecord)}</h2>
            {v.record ? (
              <Facts
                c={c}
                rows={[
                  [S.seq, v.record.seq],
                  [S.at, when(c, v.record.at)],
                  [S.actor, `${v.record.actorKind}:${v.record.actorId}`],
                  [S.action, v.record.action, { class: "mono" }],
                  [S.result, t(c, resultText(v.record.result))],
                  [S.detail, v.record.detail, { class: "mono" }],
                ]}
              />
            ) : (
              <p>{t(c, S.brokenMissing)}</p>
            )}
          </section>
        </>
      )}
    </StaffPage>
  );
}
