import { S } from "../../../i18n/staff-text.js";
import type { ContractRecord } from "../../../store/store.js";
import { ColumnHeads, methodText, StaffPage, t, type PageCtx } from "./frame.js";

export function ContractsPage(p: { c: PageCtx; contracts: Array<ContractRecord & { users: number; hasMaster: boolean }> }) {
  const { c } = p;
  return (
    <StaffPage c={c} title={S.contractsTitle} screenId="STF010">
      {c.con.can("contract.open") && (
        <p>
          <a class="button primary" href="/contracts/new">
            {t(c, S.openContract)}
          </a>
        </p>
      )}
      {p.contracts.length === 0 ? (
        <p>{t(c, S.noContracts)}</p>
      ) : (
        <table>
          <caption>{t(c, S.contractsTitle)}</caption>
          <ColumnHeads c={c} labels={[S.contractCode, S.contractName, S.loginMethod, S.userCount, S.masterRegistered]} />
          <tbody>
            {p.contracts.map((x) => (
              <tr>
                <th scope="row">
                  <a href={`/contracts/${encodeURIComponent(x.code)}`}>{x.code}</a>
                </th>
                <td>{x.name}</td>
                <td>{t(c, methodText(x.loginMethod))}</td>
                <td class="num">{x.users}</td>
                <td>{t(c, x.hasMaster ? S.registered : S.notRegistered)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffPage>
  );
}
