import { S } from "../../../i18n/staff-text.js";
import type { Text } from "../../views/text.js";
import { DISPLAY_STATUS_LABELS } from "../../../i18n/certificate-status-text.js";
import type { ContractRecord } from "../../../store/store.js";
import type { StaffUserEntry } from "../../../lifecycle/staff-console.js";
import { ColumnHeads, StaffPage, t, when, type PageCtx } from "./frame.js";

const kindText = (role: string) => (role === "master" ? S.kindMaster : role === "admin" ? S.kindAdmin : S.kindGeneral);

export function UsersPage(p: { c: PageCtx; contract: ContractRecord; users: StaffUserEntry[] }) {
  const { c } = p;
  const ops = c.con.can("certificate.revoke");
  const columns: Text[] = [S.userNo, S.loginId, S.userName, S.userKind, S.certStatus, S.certExpiry, S.serial, S.userState];
  if (ops) columns.push(S.operations);
  return (
    <StaffPage c={c} title={S.usersTitle} screenId="STF020">
      <p>
        {t(c, S.contract)}: {p.contract.code} {p.contract.name} — <a href={`/contracts/${encodeURIComponent(p.contract.code)}`}>{t(c, S.backToContract)}</a>
      </p>
      {p.users.length === 0 ? (
        <p>{t(c, S.noUsers)}</p>
      ) : (
        <table>
          <caption>{t(c, S.usersTitle)}</caption>
          <ColumnHeads c={c} labels={columns} />
          <tbody>
            {p.users.map((u) => (
              <tr>
                <td>{u.user.userNo}</td>
                <th scope="row">{u.user.loginId}</th>
                <td>{u.user.name}</td>
                <td>{t(c, kindText(u.user.role))}</td>
                <td data-status={u.status}>{DISPLAY_STATUS_LABELS[u.status][c.locale]}</td>
                <td>{when(c, u.current?.notAfter)}</td>
                <td class="mono">{u.current?.serial ?? "-"}</td>
                <td>{t(c, u.user.status === "suspended" ? S.stateSuspended : u.locked ? S.stateLocked : S.stateActive)}</td>
                {ops && (
                  <td>
                    <a href={`/revoke?target=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuRevoke)}</a>
                    {" · "}
                    <a href={`/reset?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuReset)}</a>
                    {" · "}
                    <a href={`/otp-reset?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.otpResetTitle)}</a>
                    {" · "}
                    <a href={`/otp-register?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.otpRegisterTitle)}</a>
                    {" · "}
                    <a href={`/reissue?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuReissue)}</a>
                    {u.locked && (
                      <>
                        {" · "}
                        <a href={`/unlock?loginId=${encodeURIComponent(u.user.loginId)}`}>{t(c, S.menuUnlock)}</a>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffPage>
  );
}
