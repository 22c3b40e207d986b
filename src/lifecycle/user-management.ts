import { DomainError, type ErrorCode } from "../domain/errors.js";
import { decide, type Actor, type Right } from "../domain/rights.js";
import { REVOCATION_REASONS, isRevocationReason } from "../domain/certificate.js";
import type { UserRecord, WriteTx } from "../store/store.js";
import type { BankContext, RequestContext } from "./context.js";
import { checkConfirmPassword } from "./authentication.js";
import type { Deps } from "./issuance.js";
import type { AuditEntry } from "../domain/audit.js";
import type { UserRole } from "../domain/roles.js";
import { hashPassword } from "../auth/passwords.js";
import { passwordProblems } from "../domain/roles.js";
import { checkEmail, checkNewUser, checkUserName, registerUser, type AddedUser, type NewUserDetails } from "./administration.js";

export interface ActingUser {
  actor: Actor;
  /** the acting customer user, whose confirmation password is asked; absent for bank staff */
  user?: UserRecord;
}

/**
 * The rights table, then the 確認用パスワード of a customer actor (staff act on a paper form), in
 * that order. A target the actor may not see is "not found"; every refusal is audited.
 * `target` is the user acted on, or for a registration the user about to be (no id yet).
 */
async function authorize(
  deps: Deps,
  bank: BankContext,
  who: ActingUser,
  right: Right,
  target: { id: number | null; contractId: number; role: UserRole } | undefined,
  label: string,
  confirmPassword: string | undefined,
  ctx: RequestContext,
  also: UserRole[] = [],
): Promise<void> {
  const bankId = bank.config.id;
  const refuse = async (code: ErrorCode) => {
    await deps.store.write(bankId, (w) =>
      w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: right, contractId: who.user?.contractId ?? null, targetUserId: code === "user_not_found" ? null : target?.id ?? null, result: "refused", detail: { reason: code, target: label.slice(0, 40) } }),
    );
    return new DomainError(code);
  };
  if (!target) throw await refuse("user_not_found");
  // a role change is decided for the role the user has and for the one they would get
  for (const role of [target.role, ...also]) {
    const verdict = decide(who.actor, right, { bankId, contractId: target.contractId, userId: target.id ?? 0, role }, { masterSelfRevokeOnline: bank.policy.masterSelfRevokeOnline });
    if (verdict === "not_found") throw await refuse("user_not_found");
    if (verdict === "deny") throw await refuse("not_permitted");
    if (verdict === "paper") throw await refuse("master_revocation_by_paper");
  }
  if (who.user) {
    if (confirmPassword === undefined) throw new DomainError("confirm_password_failed");
    await checkConfirmPassword(deps, bank, who.user, confirmPassword, ctx, right);
  }
}

/**
 * Runs one operation on a user after the rights table allowed it and the actor confirmed, in one
 * write transaction with its audit record. A user deleted meanwhile is not found.
 */
async function onUser<T>(
  deps: Deps,
  bank: BankContext,
  who: ActingUser,
  targetLoginId: string,
  right: Right,
  confirmPassword: string | undefined,
  ctx: RequestContext,
  change: (w: WriteTx, target: UserRecord, now: Date, detail: NonNullable<AuditEntry["detail"]>) => Promise<T>,
  opts: { newRole?: UserRole } = {},
): Promise<T> {
  const bankId = bank.config.id;
  const target = await deps.store.getUserByLoginId(bankId, targetLoginId);
  await authorize(deps, bank, who, right, target, targetLoginId, confirmPassword, ctx, opts.newRole && opts.newRole !== target?.role ? [opts.newRole] : []);
  return deps.store.write(bankId, async (w) => {
    const now = deps.clock.now();
    const fresh = await w.getUser(bankId, target!.id);
    if (!fresh || fresh.status === "deleted") throw new DomainError("user_not_found");
    const detail: NonNullable<AuditEntry["detail"]> = { target: fresh.loginId };
    const result = await change(w, fresh, now, detail);
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: right, contractId: fresh.contractId, targetUserId: fresh.id, result: "ok", detail });
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

/**
 * 利用者登録 by the master (admins and general users) or an admin (general users only), in the actor's
 * own contract: the actor chooses the initial login and confirmation passwords, which the new user
 * must change at first login. The new user's one-time password secret comes back once, for the
 * actor to hand over with the passwords (the user enrols a new one after the first login).
 */
export async function addContractUser(deps: Deps, bank: BankContext, who: ActingUser & { user: UserRecord }, u: NewUserDetails, confirmPassword: string, ctx: RequestContext): Promise<AddedUser> {
  if (u.role !== "admin" && u.role !== "general") throw new DomainError("user_role_invalid");
  checkNewUser(u);
  await authorize(deps, bank, who, "user.add", { id: null, contractId: who.user.contractId, role: u.role }, u.loginId, confirmPassword, ctx);
  return registerUser(deps, bank, { ...u, contractId: who.user.contractId, mustChangePassword: true }, ctx);
}

export interface UserChange {
  name?: string;
  email?: string;
  /** admin ⇄ general; only the master grants admin */
  role?: UserRole;
}

/** 利用者変更: name, e-mail, role of another user, by the rights table (never the master, never oneself). */
export function changeUser(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, c: UserChange, confirmPassword: string | undefined, ctx: RequestContext) {
  if (c.name !== undefined) checkUserName(c.name);
  if (c.email !== undefined) checkEmail(c.email);
  if (c.role !== undefined && c.role !== "admin" && c.role !== "general") throw new DomainError("user_role_invalid");
  return onUser(
    deps,
    bank,
    who,
    targetLoginId,
    "user.change",
    confirmPassword,
    ctx,
    async (w, target, now, detail) => {
      const d: UserChange = {};
      if (c.name !== undefined && c.name !== target.name) d.name = c.name;
      if (c.email !== undefined && c.email !== target.email) d.email = c.email;
      if (c.role !== undefined && c.role !== target.role) d.role = c.role;
      detail.changed = Object.keys(d).join(",") || null;
      if (d.role) detail.role = `${target.role}>${d.role}`;
      if (Object.keys(d).length > 0) await w.setUserDetails(target.id, d, now);
    },
    { newRole: c.role },
  );
}

/**
 * 利用者削除 (never the master, never oneself): whatever certificate the user holds is revoked
 * (cessationOfOperation) in the same transaction, as 証明書失効 does, so the CRL and OCSP say revoked
 * before this returns; sessions end. The row stays, marked deleted, so that history and audit still
 * name the user; the login ID stays taken and a login with it fails like an unknown one.
 */
export async function deleteUser(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, confirmPassword: string | undefined, ctx: RequestContext): Promise<{ revoked: string[] }> {
  const revoked = await onUser(deps, bank, who, targetLoginId, "user.delete", confirmPassword, ctx, async (w, target, now, detail) => {
    const serials = await revokeLive(w, bank.config.id, target.id, REVOCATION_REASONS.cessationOfOperation, `${ctx.actorKind}:${ctx.actorId}`, null, now);
    await w.setUserStatus(target.id, "deleted", now);
    await w.deleteUserSessions(target.id);
    detail.revoked = serials.join(",") || null;
    return serials;
  });
  if (revoked.length > 0) await deps.ca.revoked(bank.config.id);
  return { revoked };
}

/**
 * パスワード再設定 of another user's login password: the actor chooses a temporary one, the user must
 * change it at the next login, the login lockout count is cleared and open sessions end. The new
 * password is not compared with the user's confirmation password: that would tell the actor
 * whether a guess at it was right.
 */
export async function resetUserPassword(deps: Deps, bank: BankContext, who: ActingUser, targetLoginId: string, temporary: string, confirmPassword: string | undefined, ctx: RequestContext): Promise<void> {
  if (passwordProblems(temporary, targetLoginId).length > 0) throw new DomainError("password_invalid");
  const hash = await hashPassword(temporary);
  await onUser(deps, bank, who, targetLoginId, "user.password_reset", confirmPassword, ctx, async (w, target, now) => {
    await w.setPassword(target.id, "login", hash, true, now);
    await w.deleteUserSessions(target.id);
  });
}
