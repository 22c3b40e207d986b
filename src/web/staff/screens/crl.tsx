import { S } from "../../../i18n/staff-text.js";
import { Facts, StaffPage, t, when, type PageCtx } from "./frame.js";
import { PostForm } from "./form.js";

export function CrlPage(p: { c: PageCtx; crl?: { number: number; nextUpdate: Date } }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={S.crlTitle} screenId="STF040">
      <p>{t(c, S.crlLead)}</p>
      <Facts
        c={c}
        rows={[
          [S.crlNumber, p.crl ? String(p.crl.number) : t(c, S.none), { "data-crl-number": p.crl?.number ?? "" }],
          [S.crlNextUpdate, when(c, p.crl?.nextUpdate)],
        ]}
      />
      <PostForm c={c} action="/confirm/crl">
        <button type="submit" class="primary">
          {t(c, S.rebuildCrl)}
        </button>
      </PostForm>
    </StaffPage>
  );
}
