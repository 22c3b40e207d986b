import { S } from "../../../i18n/staff-text.js";
import type { StaffUserEntry } from "../../../lifecycle/staff-console.js";
import type { ContractRecord } from "../../../store/store.js";
import { Csrf, StaffPage, methodText, t, type PageCtx } from "./parts.js";

export function ContractPage(p: { c: PageCtx; contract: ContractRecord; users: StaffUserEntry[] }) {
  const { c, contract: k } = p;
  const hasMaster = p.users.some((u) => u.user.role === "master");
  const code = encodeURIComponent(k.code);
  return (
    <StaffPage c={c} title={S.contractTitle} screenId="STF011">
      <dl class="facts">
        <dt>{t(c, S.contractCode)}</dt>
        <dd>{k.code}</dd>
        <dt>{t(c, S.contractName)}</dt>
        <dd>{k.name}</dd>
        <dt>{t(c, S.loginMethod)}</dt>
        <dd>{t(c, methodText(k.loginMethod))}</dd>
        <dt>{t(c, S.contractStatus)}</dt>
        <dd>{t(c, k.status === "active" ? S.statusActive : S.statusSuspended)}</dd>
        <dt>{t(c, S.userCount)}</dt>
        <dd>{p.users.length}</dd>
        <dt>{t(c, S.masterRegistered)}</dt>
        <dd>{t(c, hasMaster ? S.registered : S.notRegistered)}</dd>
      </dl>
      <ul class="links">
        <li>
          <a href={`/contracts/${code}/users`}>{t(c, S.showUsers)}</a>
        </li>
        {!hasMaster && c.con.can("user.register_master") && (
          <li>
            <a href={`/contracts/${code}/master`}>{t(c, S.registerMaster)}</a>
          </li>
        )}
      </ul>
      {k.loginMethod !== "certificate" && c.con.can("contract.change") && (
        <section aria-labelledby="enable-h">
          <h2 id="enable-h">{t(c, S.contractCertificateTitle)}</h2>
          <p>{t(c, S.enableCertificateLead)}</p>
          <form method="post" action="/confirm/contract-certificate">
            <Csrf c={c} />
            <input type="hidden" name="code" value={k.code} />
            <button type="submit" class="primary">
              {t(c, S.enableCertificate)}
            </button>
          </form>
        </section>
      )}
    </StaffPage>
  );
}
