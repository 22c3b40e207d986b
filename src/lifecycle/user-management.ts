import { DomainError, type ErrorCode } from "../domain/errors.js";
import { decide, type Actor, type Right } from "../domain/rights.js";
import { REVOCATION_REASONS, isRevocationReason } from "../domain/certificate.js";
import type { UserRecord, WriteTx } from "../store/store.js";
import type { BankContext, RequestContext } from "./context.js";
import { checkConfirmPassword } from "./authentication.js";
import type { Deps } from "./issuance.js";

export interface ActingUser {
  actor: Actor;
  /** the acting customer user, whose confirmation password is asked; absent for bank staff */
  user?: UserRecord;
}

/**
 * Runs one operation on a user after the rights table allowed it and the actor confirmed with the
 * 確認用パスワード (customers; staff act on a paper form). A target the actor may not see is
 * "not found"; every refusal and every change is audited.
 */
async function onUser<T>(
  deps: Deps,
  bank: BankContext,
  who: ActingUser,
  targetLoginId: string,
  right: Right,
  confirmPassword: string | undefined,
  ctx: RequestContext,
  change: (w: WriteTx, target: UserRecord, now: Date) => Promise<T>,
): Promise<T> {
  const bankId = bank.config.id;
  const action = right;
  const target = await deps.store.getUserByLoginId(bankId, targetLoginId);
  const refuse = async (code: ErrorCode) => {
    await deps.store.write(bankId, (w) =>
      w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action, contractId: who.user?.contractId ?? null, targetUserId: code === "user_not_found" ? null : target?.id ?? null, result: "refused", detail: { reason: code, target: targetLoginId.slice(0, 40) } }),
    );
    return new DomainError(code);
  };
  if (!target) throw await refuse("user_not_found");
  const verdict = decide(who.actor, right, { bankId, contractId: target.contractId, userId: target.id, role: target.role }, { masterSelfRevokeOnline: bank.policy.masterSelfRevokeOnline });
  if (verdict === "not_found") throw await refuse("user_not_found");
  if (verdict === "deny") throw await refuse("not_permitted");
  if (verdict === "paper") throw await refuse("master_revocation_by_paper");
  if (who.user) {
    if (confirmPassword === undefined) throw new DomainError("confirm_password_failed");
    await checkConfirmPassword(deps, bank, who.user, confirmPassword, ctx, action);
  }
  return deps.store.write(bankId, async (w) => {
    const now = deps.clock.now();
    const fresh = (await w.getUser(bankId, target.id))!;
    const result = await change(w, fresh, now);
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action, contractId: target.contractId, targetUserId: target.id, result: "ok", detail: { target: target.loginId } });
    return result;
  });
}

async function revokeLive(w: WriteTx, bankId: string, userId: number, reason: number, actor: string, reference: string | null, now: Date): Promise<string[]> {
  const revoked: string[] = [];
  for (const c of await w.userCertificates(bankId, userId)) {
    if (c.state === "active" || c.state === "pending" || c.state === "signing") {
      await w.revoke({ serial: c.serial, caId: c.caId, notAfter: c.notAfter, reason, state: "revoked", actor, reference, at: now });
      revoked.push(c.serial);
    }
  }
  return revoked;
}

/** 証明書失効 of a user: whatever the user holds is revoked at once; the user may acquire again. */
export async function revokeUserCertificate(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, reasonName: string, confirmPassword: string | undefined, ctx: RequestContext, reference: string | null = null) {
  if (!isRevocationReason(reasonName) || reasonName === "superseded") throw new DomainError("revocation_reason_invalid", { reason: reasonName.slice(0, 40) });
  const revoked = await onUser(deps, bank, who, targetLoginId, "certificate.revoke", confirmPassword, ctx, async (w, target, now) => {
    const serials = await revokeLive(w, bank.config.id, target.id, REVOCATION_REASONS[reasonName], `${ctx.actorKind}:${ctx.actorId}`, reference, now);
    if (serials.length === 0) throw new DomainError("certificate_not_found");
    await w.deleteUserSessions(target.id);
    return serials;
  });
  await deps.ca.revoked(bank.config.id);
  return revoked;
}

/** 再発行・初期化: back to 未発行, revoking whatever is left, so acquisition works again. */
export async function resetUserCertificate(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, confirmPassword: string | undefined, ctx: RequestContext, reference: string | null = null) {
  const revoked = await onUser(deps, bank, who, targetLoginId, "certificate.reset", confirmPassword, ctx, async (w, target, now) => {
    const serials = await revokeLive(w, bank.config.id, target.id, REVOCATION_REASONS.cessationOfOperation, `${ctx.actorKind}:${ctx.actorId}`, reference, now);
    await w.markCertificatesReset(target.id, now);
    await w.deleteUserSessions(target.id);
    return serials;
  });
  if (revoked.length > 0) await deps.ca.revoked(bank.config.id);
  return revoked;
}

/** 利用者停止: the user can do nothing until resumed; open sessions end now. */
export function suspendUser(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, confirmPassword: string | undefined, ctx: RequestContext) {
  return onUser(deps, bank, who, targetLoginId, "user.suspend", confirmPassword, ctx, async (w, target, now) => {
    await w.setUserStatus(target.id, "suspended", now);
    await w.deleteUserSessions(target.id);
  });
}

export function resumeUser(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, confirmPassword: string | undefined, ctx: RequestContext) {
  return onUser(deps, bank, who, targetLoginId, "user.resume", confirmPassword, ctx, (w, target, now) => w.setUserStatus(target.id, "active", now));
}

/** 利用停止解除 after too many wrong passwords (login and confirmation alike). */
export function unlockUser(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, confirmPassword: string | undefined, ctx: RequestContext) {
  return onUser(deps, bank, who, targetLoginId, "user.unlock", confirmPassword, ctx, async (w, target, now) => {
    await w.setFailedLogins(target.id, 0, now);
    await w.setFailedConfirms(target.id, 0, now);
  });
}
