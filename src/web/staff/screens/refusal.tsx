import { S } from "../../../i18n/staff-text.js";
import { Notice } from "../../views/layout.js";
import type { StaffRefusal } from "../../../lifecycle/staff-console.js";
import { BilingualPage } from "./frame.js";

/** STF999: a certificate the console does not take (no staff member known: both languages, Japanese first). */
export function RefusalPage(p: { cause: StaffRefusal | "csrf"; path: string }) {
  const reason = p.cause === "csrf" ? S.csrfRefused : S[`refusal_${p.cause}`];
  return (
    <BilingualPage title={S.refusalTitle} screenId="STF999" path={p.path}>
      <Notice kind="error">
        <p>{S.refusalLead.ja}</p>
        <p>{reason.ja}</p>
        <p>{S.refusalWayOut.ja}</p>
      </Notice>
      <section lang="en" aria-label="English">
        <p>{S.refusalLead.en}</p>
        <p>{reason.en}</p>
        <p>{S.refusalWayOut.en}</p>
      </section>
    </BilingualPage>
  );
}
