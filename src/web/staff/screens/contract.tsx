import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import type { ContractRecord } from "../../../store/store.js";
import type { StaffUserEntry } from "../../../lifecycle/staff-console.js";
import { Facts, Links, methodText, StaffPage, t, type PageCtx } from "./frame.js";
import { PostForm } from "./form.js";

export function ContractPage(p: { c: PageCtx; contract: ContractRecord; users: StaffUserEntry[] }) {
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
      {k.loginMethod !== "certificate" && c.con.can("contract.change") && (
        <section aria-labelledby="enable-h">
          <h2 id="enable-h">{t(c, S.contractCertificateTitle)}</h2>
          <p>{t(c, S.enableCertificateLead)}</p>
          <PostForm c={c} action="/confirm/contract-certificate">
            <input type="hidden" name="code" value={k.code} />
            <button type="submit" class="primary">
              {t(c, S.enableCertificate)}
            </button>
          </PostForm>
        </section>
      )}
    </StaffPage>
  );
}
