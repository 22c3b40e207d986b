import { DomainError } from "../domain/errors.js";
import { burnPasswordCheck, verifyPassword } from "../auth/passwords.js";
import type { Store, UserRecord, ContractRecord } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { AuditEntry } from "../domain/audit.js";
import type { BankContext, RequestContext } from "./context.js";

/**
 * Login ID and login password, with the lockout count. Every outcome is audited in the same
 * transaction that updates the count; a wrong password never says whether the ID exists.
 */
export async function authenticatePassword(
  store: Store,
  clock: Clock,
  bank: BankContext,
  loginId: string,
  password: string,
  ctx: RequestContext,
  purpose: string,
): Promise<{ user: UserRecord; contract: ContractRecord }> {
  const bankId = bank.config.id;
  const user = await store.getUserByLoginId(bankId, loginId);
  const now = clock.now();
  const audit = (result: "ok" | "refused", reason: string | null, u?: UserRecord): AuditEntry => ({
    at: now,
    actorKind: ctx.actorKind,
    actorId: loginId.slice(0, 40),
    address: ctx.address ?? null,
    certSerial: ctx.certSerial ?? null,
    action: `${purpose}.authenticate`,
    contractId: u?.contractId ?? null,
    targetUserId: u?.id ?? null,
    result,
    detail: reason ? { reason } : undefined,
  });
  if (!user) {
    await burnPasswordCheck(password);
    await store.write(bankId, (w) => w.audit(audit("refused", "unknown_login_id")));
    throw new DomainError("auth_failed");
  }
  if (user.failedLogins >= bank.policy.lockoutThreshold) {
    await store.write(bankId, (w) => w.audit(audit("refused", "locked", user)));
    throw new DomainError("user_locked");
  }
  const ok = await verifyPassword(password, user.passwordHash);
  if (!ok) {
    const locked = await store.write(bankId, async (w) => {
      // counted from the row as it is now, so parallel wrong guesses all count
      const fresh = await w.getUser(bankId, user.id);
      const n = (fresh?.failedLogins ?? user.failedLogins) + 1;
      await w.setFailedLogins(user.id, n, now);
      await w.audit({ ...audit("refused", n >= bank.policy.lockoutThreshold ? "wrong_password_locked" : "wrong_password", user), detail: { reason: "wrong_password", failures: n } });
      return n >= bank.policy.lockoutThreshold;
    });
    throw new DomainError(locked ? "user_locked" : "auth_failed");
  }
  const contract = await store.getContract(bankId, user.contractId);
  if (!contract) throw new DomainError("contract_not_found");
  if (user.status !== "active") {
    await store.write(bankId, (w) => w.audit(audit("refused", "user_suspended", user)));
    throw new DomainError("user_suspended");
  }
  if (contract.status !== "active") {
    await store.write(bankId, (w) => w.audit(audit("refused", "contract_suspended", user)));
    throw new DomainError("contract_suspended");
  }
  if (user.failedLogins > 0) await store.write(bankId, (w) => w.setFailedLogins(user.id, 0, now));
  return { user, contract };
}
