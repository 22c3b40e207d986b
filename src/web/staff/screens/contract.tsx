import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import type { ContractRecord } from "../../../store/store.js";
import type { StaffUserEntry } from "../../../lifecycle/staff-console.js";
import { ErrorNotice, Facts, Links, methodText, StaffPage, t, type PageCtx, type PageError, type Values } from "./frame.js";
import { PostForm, ReferenceField } from "./form.js";

export function ContractPage(p: { c: PageCtx; contract: ContractRecord; users: StaffUserEntry[]; values?: Values; error?: PageError }) {
  const { c, contract: k } = p;
  const hasMaster = p.users.some((u) => u.user.role === "master");
  const code = encodeURIComponent(k.code);
  const links: Array<[string, Text]> = [[`/contracts/${code}/users`, S.showUsers]];
  if (!hasMaster && c.con.can("user.register_master")) links.push([`/contracts/${code}/master`, S.registerMaster]);
  return (
    <StaffPage c={c} title={S.contractTitle} screenId="STF011">
      <Facts
        c={c}
        rows={[
          [S.contractCode, k.code],
          [S.contractName, k.name],
          [S.loginMethod, t(c, methodText(k.loginMethod))],
          [S.contractStatus, t(c, k.status === "active" ? S.statusActive : S.statusSuspended)],
          [S.userCount, p.users.length],
          [S.masterRegistered, t(c, hasMaster ? S.registered : S.notRegistered)],
        ]}
      />
      <Links c={c} links={links} />
      {c.con.can("contract.change") && <LoginMethodChange c={c} contract={k} values={p.values} error={p.error} />}
    </StaffPage>
  );
}

/** ログイン方式の変更 on a 申込書: to the other method, with the form's reference; confirmed before it acts. */
function LoginMethodChange(p: { c: PageCtx; contract: ContractRecord; values?: Values; error?: PageError }) {
  const { c, contract: k } = p;
  const to = k.loginMethod === "certificate" ? "password" : "certificate";
  return (
    <section aria-labelledby="method-h">
      <h2 id="method-h">{t(c, S.loginMethodTitle)}</h2>
      <p>{t(c, S.loginMethodLead)}</p>
      <p>{t(c, to === "certificate" ? S.toCertificateLead : S.toPasswordLead)}</p>
      <ErrorNotice locale={c.locale} error={p.error} />
      <PostForm c={c} action="/confirm/contract-method">
        <input type="hidden" name="code" value={k.code} />
        <input type="hidden" name="method" value={to} />
        <ReferenceField c={c} value={p.values?.reference} />
        <div class="actions">
          <button type="submit" class="primary">
            {t(c, to === "certificate" ? S.switchToCertificate : S.switchToPassword)}
          </button>
        </div>
      </PostForm>
    </section>
  );
}
