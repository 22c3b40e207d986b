import { DomainError, type ErrorCode } from "../domain/errors.js";
import { decide, type Actor, type Right } from "../domain/rights.js";
import type { UserRecord, WriteTx } from "../store/store.js";
import type { BankContext, RequestContext } from "./context.js";
import { checkConfirmPassword, checkMailCode, mailCodePurpose } from "./authentication.js";
import type { Deps } from "./issuance.js";
import type { AuditEntry } from "../domain/audit.js";
import type { UserRole } from "../domain/roles.js";
import { checkNewUser, registerUser, type AddedUser, type NewUserDetails } from "./administration.js";

export interface ActingUser {
  actor: Actor;
  /** the acting customer user, whose confirmation password is asked; absent for bank staff */
  user?: UserRecord;
}

/** What every operation on one user of a contract is given, whichever surface asked for it. */
export interface UserOperationContext {
  deps: Deps;
  bank: BankContext;
  who: ActingUser;
  /** the login ID of the user acted on */
  target: string;
  /** the acting customer's 確認用パスワード; bank staff act on a paper form instead */
  confirmPassword?: string;
  /** the メール通知パスワード, for an operation the table confirms by mail instead */
  mailCode?: string;
  ctx: RequestContext;
  /** the paper form's reference (bank staff), recorded with a revocation */
  reference?: string | null;
}

export interface AuthorizeParams {
  deps: Deps;
  bank: BankContext;
  who: ActingUser;
  right: Right;
  /** the user acted on, or for a registration the user about to be (no id yet); undefined: unknown */
  target: { id: number | null; contractId: number; role: UserRole } | undefined;
  /** how the target was named, for the audit record of a refusal */
  label: string;
  confirmPassword: string | undefined;
  ctx: RequestContext;
  /** further roles to decide for (a role change: the role the user would get) */
  also?: UserRole[];
  /** how a customer confirms: the 確認用パスワード (default), the メール通知パスワード, or not yet (a code is about to be mailed) */
  confirmBy?: ConfirmBy;
  mailCode?: string;
}

/** How a customer actor confirms an operation (the user-operations table says which). */
export type ConfirmBy = "password" | "mail_code";

/**
 * The rights table, then the 確認用パスワード of a customer actor (staff act on a paper form), in
 * that order. A target the actor may not see is "not found"; every refusal is audited.
 */
export async function authorize(p: AuthorizeParams): Promise<void> {
  const { deps, bank, who, right, target, ctx } = p;
  const bankId = bank.config.id;
  const refuse = async (code: ErrorCode) => {
    await deps.store.write(bankId, (w) =>
      w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: right, contractId: who.user?.contractId ?? null, targetUserId: code === "user_not_found" ? null : target?.id ?? null, result: "refused", detail: { reason: code, target: p.label.slice(0, 40) } }),
    );
    return new DomainError(code);
  };
  if (!target) throw await refuse("user_not_found");
  // a role change is decided for the role the user has and for the one they would get
  for (const role of [target.role, ...(p.also ?? [])]) {
    const verdict = decide(who.actor, right, { bankId, contractId: target.contractId, userId: target.id ?? 0, role }, { masterSelfRevokeOnline: bank.policy.masterSelfRevokeOnline });
    if (verdict === "not_found") throw await refuse("user_not_found");
    if (verdict === "deny") throw await refuse("not_permitted");
    if (verdict === "paper") throw await refuse("master_revocation_by_paper");
  }
  if (who.user && p.confirmBy === "mail_code") {
    await checkMailCode({ deps, bank, ctx, action: right }, who.user, mailCodePurpose(right, p.label), p.mailCode ?? "");
  } else if (who.user) {
    if (p.confirmPassword === undefined) throw new DomainError("confirm_password_failed");
    await checkConfirmPassword({ deps, bank, ctx, action: right }, who.user, p.confirmPassword);
  }
}

/** The rights table only, with every refusal audited: for a step before the confirmation (mailing a code). */
export async function authorizeRight(p: Omit<AuthorizeParams, "confirmPassword" | "confirmBy" | "mailCode">): Promise<void> {
  await authorize({ ...p, confirmPassword: undefined, who: { actor: p.who.actor } });
}

/** The change an operation makes inside its transaction; `detail` is its audit record's detail. */
export type UserChangeStep<T> = (w: WriteTx, target: UserRecord, now: Date, detail: NonNullable<AuditEntry["detail"]>) => Promise<T>;

/**
 * Runs one operation on a user after the rights table allowed it and the actor confirmed, in one
 * write transaction with its audit record (the right is its action). A user deleted meanwhile is
 * not found.
 */
export async function onUser<T>(c: UserOperationContext & { right: Right; newRole?: UserRole; confirmBy?: ConfirmBy }, change: UserChangeStep<T>): Promise<T> {
  const { deps, bank, ctx, right } = c;
  const bankId = bank.config.id;
  const target = await deps.store.getUserByLoginId(bankId, c.target);
  const also = c.newRole && c.newRole !== target?.role ? [c.newRole] : [];
  await authorize({ deps, bank, who: c.who, right, target, label: c.target, confirmPassword: c.confirmPassword, confirmBy: c.confirmBy, mailCode: c.mailCode, ctx, also });
  const refusedInside = { code: undefined as ErrorCode | undefined };
  const acted = deps.store.write(bankId, async (w) => {
    const now = deps.clock.now();
    const fresh = await w.getUser(bankId, target!.id);
    if (!fresh || fresh.status === "deleted") throw new DomainError("user_not_found");
    // the rights decision again, on the row this transaction acts on (issue 13): a role or contract
    // changed since the look above is decided as it is now, under the bank's write lock
    refusedInside.code = verdictCode(c.who.actor, right, fresh, also, bank);
    if (refusedInside.code) throw new DomainError(refusedInside.code);
    const detail: NonNullable<AuditEntry["detail"]> = { target: fresh.loginId };
    const result = await change(w, fresh, now, detail);
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: right, contractId: fresh.contractId, targetUserId: fresh.id, result: "ok", detail });
    return result;
  });
  try {
    return await acted;
  } catch (e) {
    const code = refusedInside.code;
    if (code && e instanceof DomainError && e.code === code) {
      await deps.store.write(bankId, (w) => w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: right, contractId: c.who.user?.contractId ?? null, targetUserId: code === "user_not_found" ? null : target!.id, result: "refused", detail: { reason: code, target: c.target.slice(0, 40), decided: "in_transaction" } }));
    }
    throw e;
  }
}

/** The refusal the rights table gives for `target` (and any further role), or undefined when allowed. */
function verdictCode(actor: Actor, right: Right, target: UserRecord, also: UserRole[], bank: BankContext): ErrorCode | undefined {
  for (const role of [target.role, ...also]) {
    const verdict = decide(actor, right, { bankId: bank.config.id, contractId: target.contractId, userId: target.id, role }, { masterSelfRevokeOnline: bank.policy.masterSelfRevokeOnline });
    if (verdict === "not_found") return "user_not_found";
    if (verdict === "deny") return "not_permitted";
    if (verdict === "paper") return "master_revocation_by_paper";
  }
  return undefined;
}

export interface RevokeLiveParams {
  bankId: string;
  userId: number;
  /** the CRLReason code */
  reason: number;
  /** who revokes, as the revocation record names them ("user:master01", "staff:op01") */
  actor: string;
  reference: string | null;
  now: Date;
}

/** Revokes every certificate the user still holds (active, pending, or being signed); their serials. */
export async function revokeLive(w: WriteTx, p: RevokeLiveParams): Promise<string[]> {
  const revoked: string[] = [];
  for (const c of await w.userCertificates(p.bankId, p.userId)) {
    if (c.state === "active" || c.state === "pending" || c.state === "signing") {
      await w.revoke({ serial: c.serial, caId: c.caId, notAfter: c.notAfter, reason: p.reason, state: "revoked", actor: p.actor, reference: p.reference, at: p.now });
      revoked.push(c.serial);
    }
  }
  return revoked;
}

export interface AddContractUserParams {
  deps: Deps;
  bank: BankContext;
  who: ActingUser & { user: UserRecord };
  user: NewUserDetails;
  confirmPassword: string;
  ctx: RequestContext;
}

/**
 * 利用者登録 by the master (admins and general users) or an admin (general users only), in the actor's
 * own contract: the actor chooses the initial login and confirmation passwords, which the new user
 * must change at first login. The new user has no one-time-password token: the first certificate
 * is had with the login ID and the initial password, and the token is enrolled at the first login.
 */
export async function addContractUser(p: AddContractUserParams): Promise<AddedUser> {
  const { deps, bank, who, user: u, ctx } = p;
  if (u.role !== "admin" && u.role !== "general") throw new DomainError("user_role_invalid");
  checkNewUser(u);
  await authorize({ deps, bank, who, right: "user.add", target: { id: null, contractId: who.user.contractId, role: u.role }, label: u.loginId, confirmPassword: p.confirmPassword, ctx });
  return registerUser(deps, bank, { ...u, contractId: who.user.contractId, mustChangePassword: true }, ctx);
}
