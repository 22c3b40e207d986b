import { DomainError, type ErrorCode } from "../domain/errors.js";
import { burnPasswordCheck, verifyPassword } from "../auth/passwords.js";
import { totpStep } from "../auth/totp.js";
import type { Store, UserRecord, ContractRecord } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { AuditEntry } from "../domain/audit.js";
import type { BankContext, RequestContext } from "./context.js";
import { isLocked } from "../domain/lockout.js";

type Deps = { store: Store; clock: Clock };

function entry(deps: Deps, ctx: RequestContext, action: string, result: "ok" | "refused", user: UserRecord | undefined, detail?: AuditEntry["detail"]): AuditEntry {
  return {
    at: deps.clock.now(),
    actorKind: ctx.actorKind,
    actorId: ctx.actorId,
    address: ctx.address ?? null,
    certSerial: ctx.certSerial ?? null,
    action,
    contractId: user?.contractId ?? null,
    targetUserId: user?.id ?? null,
    result,
    detail,
  };
}

/**
 * Counts a wrong answer toward the lockout, from the row as it is now so that parallel wrong
 * guesses all count, and audits it in the same transaction. Returns the error to throw.
 */
async function countFailure(deps: Deps, bank: BankContext, user: UserRecord, kind: "login" | "confirm", ctx: RequestContext, action: string, reason: string): Promise<DomainError> {
  const locked = await deps.store.write(bank.config.id, async (w) => {
    const fresh = await w.getUser(bank.config.id, user.id);
    const before = { failedLogins: fresh?.failedLogins ?? 0, failedConfirms: fresh?.failedConfirms ?? 0 };
    const counts = kind === "login" ? { ...before, failedLogins: before.failedLogins + 1 } : { ...before, failedConfirms: before.failedConfirms + 1 };
    const n = kind === "login" ? counts.failedLogins : counts.failedConfirms;
    if (kind === "login") await w.setFailedLogins(user.id, n, deps.clock.now());
    else await w.setFailedConfirms(user.id, n, deps.clock.now());
    const locked = isLocked(counts, bank.policy.lockoutThreshold, kind);
    await w.audit(entry(deps, ctx, action, "refused", user, { reason, failures: n, locked }));
    return locked;
  });
  const code: ErrorCode = kind === "login" ? (locked ? "user_locked" : reason === "wrong_password" ? "auth_failed" : (reason as ErrorCode)) : locked ? "confirm_locked" : "confirm_password_failed";
  return new DomainError(code);
}

/** The login password of a known user, with the lockout. */
export async function checkLoginPassword(deps: Deps, bank: BankContext, user: UserRecord, password: string, ctx: RequestContext, action: string): Promise<void> {
  if (isLocked(user, bank.policy.lockoutThreshold, "login")) {
    await deps.store.write(bank.config.id, (w) => w.audit(entry(deps, ctx, action, "refused", user, { reason: "locked" })));
    throw new DomainError("user_locked");
  }
  if (!(await verifyPassword(password, user.passwordHash))) throw await countFailure(deps, bank, user, "login", ctx, action, "wrong_password");
  if (user.failedLogins > 0) await deps.store.write(bank.config.id, (w) => w.setFailedLogins(user.id, 0, deps.clock.now()));
}

/** 確認用パスワード: asked before revocations and other changes; its own lockout count. */
export async function checkConfirmPassword(deps: Deps, bank: BankContext, user: UserRecord, password: string, ctx: RequestContext, action: string): Promise<void> {
  if (isLocked(user, bank.policy.lockoutThreshold, "confirm")) {
    await deps.store.write(bank.config.id, (w) => w.audit(entry(deps, ctx, action, "refused", user, { reason: "confirm_locked" })));
    throw new DomainError("confirm_locked");
  }
  if (!(await verifyPassword(password, user.confirmHash))) throw await countFailure(deps, bank, user, "confirm", ctx, action, "wrong_confirm_password");
  if (user.failedConfirms > 0) await deps.store.write(bank.config.id, (w) => w.setFailedConfirms(user.id, 0, deps.clock.now()));
}

/**
 * A one-time password (RFC 6238), accepted once: the time step it belongs to is recorded and no
 * code of that step or an earlier one is accepted again. Wrong codes count toward the lockout.
 */
export async function checkOneTimePassword(deps: Deps, bank: BankContext, user: UserRecord, code: string | undefined, ctx: RequestContext, action: string): Promise<void> {
  if (!code) {
    await deps.store.write(bank.config.id, (w) => w.audit(entry(deps, ctx, action, "refused", user, { reason: "otp_required" })));
    throw new DomainError("otp_required");
  }
  const step = user.totpSecret ? totpStep(user.totpSecret, code.trim(), deps.clock.now()) : undefined;
  if (step === undefined) throw await countFailure(deps, bank, user, "login", ctx, action, "otp_invalid");
  const fresh = await deps.store.write(bank.config.id, async (w) => {
    const ok = await w.takeTotpStep(user.id, step);
    if (!ok) await w.audit(entry(deps, ctx, action, "refused", user, { reason: "otp_replayed" }));
    return ok;
  });
  if (!fresh) throw new DomainError("otp_replayed");
}

/** The user and contract must be in service. */
export async function checkInService(deps: Deps, bank: BankContext, user: UserRecord, ctx: RequestContext, action: string): Promise<ContractRecord> {
  const contract = await deps.store.getContract(bank.config.id, user.contractId);
  if (!contract) throw new DomainError("contract_not_found");
  const reason = user.status !== "active" ? "user_suspended" : contract.status !== "active" ? "contract_suspended" : undefined;
  if (reason) {
    await deps.store.write(bank.config.id, (w) => w.audit(entry(deps, ctx, action, "refused", user, { reason })));
    throw new DomainError(reason);
  }
  return contract;
}

/**
 * Login ID and login password. A wrong password never says whether the ID exists, and an unknown
 * ID costs the same time as a wrong password.
 */
export async function authenticatePassword(deps: Deps, bank: BankContext, loginId: string, password: string, ctx: RequestContext, purpose: string): Promise<{ user: UserRecord; contract: ContractRecord }> {
  const action = `${purpose}.authenticate`;
  const user = await deps.store.getUserByLoginId(bank.config.id, loginId);
  if (!user) {
    await burnPasswordCheck(password);
    await deps.store.write(bank.config.id, (w) => w.audit(entry(deps, ctx, action, "refused", undefined, { reason: "unknown_login_id" })));
    throw new DomainError("auth_failed");
  }
  await checkLoginPassword(deps, bank, user, password, ctx, action);
  const contract = await checkInService(deps, bank, user, ctx, action);
  return { user, contract };
}
