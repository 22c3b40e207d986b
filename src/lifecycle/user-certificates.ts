import { displayStatus, type DisplayStatus } from "../domain/certificate.js";
import type { CertificateRecord, UserRecord } from "../store/store.js";
import type { BankContext } from "./context.js";
import type { Deps } from "./context.js";
import { isLocked } from "../domain/lockout.js";
import { holdsToken } from "../domain/one-time-password.js";
import { DEFAULT_USER_ORDER, sortUsers, type UserOrder } from "../domain/user-order.js";

/** The certificates that count for a user: those made after the user's last reset (再発行・初期化). */
export function sinceReset(certs: CertificateRecord[], user: Pick<UserRecord, "certsResetAt"> | undefined): CertificateRecord[] {
  const resetAt = user?.certsResetAt?.getTime() ?? -1;
  return certs.filter((c) => c.createdAt.getTime() > resetAt);
}

export interface UserCertificateEntry {
  user: UserRecord;
  status: DisplayStatus;
  /** the active certificate, else the pending one */
  current?: CertificateRecord;
  /** 利用停止 after too many wrong passwords (login or confirmation) */
  locked: boolean;
  /** whether the user holds a one-time-password token (an enrolment not yet confirmed is none) */
  token: boolean;
}

/** A user as 利用者一覧 shows them (customer and staff side alike): 証明書状態 and the current certificate. */
export async function userCertificateEntry(deps: Deps, bank: BankContext, user: UserRecord, now: Date): Promise<UserCertificateEntry> {
  const certs = sinceReset(await deps.store.userCertificates(bank.config.id, user.id), user);
  const current = certs.find((c) => c.state === "active") ?? certs.find((c) => c.state === "pending");
  return { user, status: displayStatus(certs, now, bank.policy.renewalWindow), current, locked: isLocked(user, bank.policy.lockoutThreshold), token: holdsToken(user) };
}

/** 利用者一覧: the contract's users with their certificate status, in the chosen 並び順 (login ID first; a general user sees only themselves). */
export async function contractUserList(deps: Deps, bank: BankContext, viewer: UserRecord, order: UserOrder = DEFAULT_USER_ORDER): Promise<UserCertificateEntry[]> {
  const now = deps.clock.now();
  const users = viewer.role === "general" ? [viewer] : await deps.store.listUsers(bank.config.id, viewer.contractId);
  const out: UserCertificateEntry[] = [];
  for (const u of users) out.push(await userCertificateEntry(deps, bank, u, now));
  return sortUsers(out, order, (e) => ({ loginId: e.user.loginId, name: e.user.name, role: e.user.role, status: e.status, expiry: e.current?.notAfter }));
}

/** The bank's users (of one contract, or all), each with 証明書状態 as 利用者一覧 shows it: `inkan user list`. */
export async function bankUserList(deps: Deps, bank: BankContext, contractId?: number): Promise<UserCertificateEntry[]> {
  const now = deps.clock.now();
  const out: UserCertificateEntry[] = [];
  for (const u of await deps.store.listUsers(bank.config.id, contractId)) out.push(await userCertificateEntry(deps, bank, u, now));
  return out;
}
