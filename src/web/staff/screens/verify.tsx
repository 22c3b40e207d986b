import { S } from "../../../i18n/staff-text.js";
import { Notice } from "../../views/layout.js";
import { StaffPage, resultText, t, when, type PageCtx } from "./parts.js";

export function VerifyPage(p: { c: PageCtx; v: { ok: true; count: number } | { ok: false; count: number; firstBadSeq: number; problem: string; record?: { seq: number; at: Date; actorKind: string; actorId: string; action: string; result: string; detail: string } } }) {
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
              <dl class="facts">
                <dt>{t(c, S.seq)}</dt>
                <dd>{v.record.seq}</dd>
                <dt>{t(c, S.at)}</dt>
                <dd>{when(c, v.record.at)}</dd>
                <dt>{t(c, S.actor)}</dt>
                <dd>{`${v.record.actorKind}:${v.record.actorId}`}</dd>
                <dt>{t(c, S.action)}</dt>
                <dd class="mono">{v.record.action}</dd>
                <dt>{t(c, S.result)}</dt>
                <dd>{t(c, resultText(v.record.result))}</dd>
                <dt>{t(c, S.detail)}</dt>
                <dd class="mono">{v.record.detail}</dd>
              </dl>
            ) : (
              <p>{t(c, S.brokenMissing)}</p>
            )}
          </section>
        </>
      )}
    </StaffPage>
  );
}
