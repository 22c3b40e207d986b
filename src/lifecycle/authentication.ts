import { DomainError, type ErrorCode } from "../domain/errors.js";
import { burnPasswordCheck, verifyPassword } from "../credentials/passwords.js";
import { totpStep } from "../credentials/totp.js";
import { mailCodeMatches } from "../credentials/mail-code.js";
import type { UserRecord, ContractRecord } from "../store/store.js";
import type { AuditEntry } from "../domain/audit.js";
import type { AuditedStep } from "./context.js";
import { isLocked, type LockKind } from "../domain/lockout.js";

function entry(s: AuditedStep, result: "ok" | "refused", user: UserRecord | undefined, detail?: AuditEntry["detail"]): AuditEntry {
  const { ctx } = s;
  return {
    at: s.deps.clock.now(),
    actorKind: ctx.actorKind,
    actorId: ctx.actorId,
    address: ctx.address ?? null,
    certSerial: ctx.certSerial ?? null,
    action: s.action,
    contractId: user?.contractId ?? null,
    targetUserId: user?.id ?? null,
    result,
    detail,
  };
}

/** Audits a refusal of this step in a transaction of its own. */
function auditRefusal(s: AuditedStep, user: UserRecord | undefined, detail: AuditEntry["detail"]): Promise<void> {
  return s.deps.store.write(s.bank.config.id, (w) => w.audit(entry(s, "refused", user, detail)));
}

/**
 * Counts a wrong answer toward the lockout, from the row as it is now so that parallel wrong
 * guesses all count, and audits it in the same transaction. Returns the error to throw.
 */
async function countFailure(s: AuditedStep, user: UserRecord, failure: { kind: LockKind; reason: string }): Promise<DomainError> {
  const { deps, bank } = s;
  const { kind, reason } = failure;
  const locked = await deps.store.write(bank.config.id, async (w) => {
    const fresh = await w.getUser(bank.config.id, user.id);
    const before = { failedLogins: fresh?.failedLogins ?? 0, failedConfirms: fresh?.failedConfirms ?? 0 };
    const counts = kind === "login" ? { ...before, failedLogins: before.failedLogins + 1 } : { ...before, failedConfirms: before.failedConfirms + 1 };
    const n = kind === "login" ? counts.failedLogins : counts.failedConfirms;
    if (kind === "login") await w.setFailedLogins(user.id, n, deps.clock.now());
    else await w.setFailedConfirms(user.id, n, deps.clock.now());
    const locked = isLocked(counts, bank.policy.lockoutThreshold, kind);
    await w.audit(entry(s, "refused", user, { reason, failures: n, locked }));
    return locked;
  });
  // a wrong answer never tells the lock (issue 13): the answer and its cost are those of any wrong
  // answer, so a locked login ID cannot be told from an unlocked or unknown one
  void locked;
  const code: ErrorCode = kind === "login" ? (reason === "wrong_password" ? "auth_failed" : (reason as ErrorCode)) : "confirm_password_failed";
  return new DomainError(code);
}

const PASSWORDS = {
  login: { hash: "passwordHash", count: "failedLogins", lockedReason: "locked", lockedCode: "user_locked", wrong: "wrong_password" },
  confirm: { hash: "confirmHash", count: "failedConfirms", lockedReason: "confirm_locked", lockedCode: "confirm_locked", wrong: "wrong_confirm_password" },
} as const;

/** A password of a known user with its own lockout count: the login password or the 確認用パスワード. */
async function checkPassword(s: AuditedStep, user: UserRecord, password: string, kind: LockKind): Promise<void> {
  const k = PASSWORDS[kind];
  // the password is checked first even when locked: only its holder learns of the lock (issue 13)
  if (!(await verifyPassword(password, user[k.hash]))) throw await countFailure(s, user, { kind, reason: k.wrong });
  if (isLocked(user, s.bank.policy.lockoutThreshold, kind)) {
    await auditRefusal(s, user, { reason: k.lockedReason });
    throw new DomainError(k.lockedCode);
  }
  if (user[k.count] > 0) await s.deps.store.write(s.bank.config.id, (w) => (kind === "login" ? w.setFailedLogins(user.id, 0, s.deps.clock.now()) : w.setFailedConfirms(user.id, 0, s.deps.clock.now())));
}

/** The login password of a known user, with the lockout. */
export function checkLoginPassword(s: AuditedStep, user: UserRecord, password: string): Promise<void> {
  return checkPassword(s, user, password, "login");
}

/** What a メール通知パスワード confirms: one right on one target, so a code for one never confirms another. */
export function mailCodePurpose(right: string, target: string): string {
  return `${right}:${target}`;
}

/**
 * メール通知パスワード (利用者停止・解除): the newest code mailed for this purpose, good once and
 * until it expires. A wrong, expired or spent code counts toward the 確認用パスワード's lockout (it
 * stands in for it) and gets the same answer; the code itself is never logged or audited.
 */
export async function checkMailCode(s: AuditedStep, user: UserRecord, purpose: string, code: string): Promise<void> {
  const { deps, bank } = s;
  const now = deps.clock.now();
  const spent = await deps.store.write(bank.config.id, async (w) => {
    const open = await w.openMailCode(user.id, purpose);
    if (!open || now.getTime() > open.expiresAt.getTime() || !/^\d{6}$/.test(code.trim()) || !mailCodeMatches(open.id, open.codeHash, code)) return false;
    return w.useMailCode(open.id, now);
  });
  if (!spent) {
    await countFailure(s, user, { kind: "confirm", reason: "wrong_mail_code" });
    throw new DomainError("mail_code_failed");
  }
  if (isLocked(user, bank.policy.lockoutThreshold, "confirm")) {
    await auditRefusal(s, user, { reason: "confirm_locked" });
    throw new DomainError("confirm_locked");
  }
  if (user.failedConfirms > 0) await deps.store.write(bank.config.id, (w) => w.setFailedConfirms(user.id, 0, now));
}

/** 確認用パスワード: asked before revocations and other changes; its own lockout count. */
export function checkConfirmPassword(s: AuditedStep, user: UserRecord, password: string): Promise<void> {
  return checkPassword(s, user, password, "confirm");
}

/**
 * A one-time password (RFC 6238), accepted once: the time step it belongs to is recorded and no
 * code of that step or an earlier one is accepted again. Wrong codes count toward the lockout.
 */
export async function checkOneTimePassword(s: AuditedStep, user: UserRecord, code: string | undefined): Promise<void> {
  if (!code) {
    await auditRefusal(s, user, { reason: "otp_required" });
    throw new DomainError("otp_required");
  }
  const step = user.totpSecret ? totpStep(user.totpSecret, code.trim(), s.deps.clock.now()) : undefined;
  if (step === undefined) throw await countFailure(s, user, { kind: "login", reason: "otp_invalid" });
  const fresh = await s.deps.store.write(s.bank.config.id, async (w) => {
    const ok = await w.takeTotpStep(user.id, step);
    if (!ok) await w.audit(entry(s, "refused", user, { reason: "otp_replayed" }));
    return ok;
  });
  if (!fresh) throw new DomainError("otp_replayed");
}

/** The user and contract must be in service. */
export async function checkInService(s: AuditedStep, user: UserRecord): Promise<ContractRecord> {
  const contract = await s.deps.store.getContract(s.bank.config.id, user.contractId);
  if (!contract) throw new DomainError("contract_not_found");
  const reason = user.status !== "active" ? "user_suspended" : contract.status !== "active" ? "contract_suspended" : undefined;
  if (reason) {
    await auditRefusal(s, user, { reason });
    throw new DomainError(reason);
  }
  return contract;
}

export interface PasswordCredentials {
  loginId: string;
  password: string;
}

/**
 * Login ID and login password. A wrong password never says whether the ID exists, and an unknown
 * ID costs the same time as a wrong password. The step's action is the flow's purpose; its
 * records go under `<purpose>.authenticate`.
 */
export async function authenticatePassword(purpose: AuditedStep, credentials: PasswordCredentials): Promise<{ user: UserRecord; contract: ContractRecord }> {
  const s: AuditedStep = { ...purpose, action: `${purpose.action}.authenticate` };
  const { loginId, password } = credentials;
  const user = await s.deps.store.getUserByLoginId(s.bank.config.id, loginId);
  if (!user) {
    await burnPasswordCheck(password);
    await auditRefusal(s, undefined, { reason: "unknown_login_id" });
    throw new DomainError("auth_failed");
  }
  await checkLoginPassword(s, user, password);
  const contract = await checkInService(s, user);
  return { user, contract };
}
