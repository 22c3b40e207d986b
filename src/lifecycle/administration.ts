import { hasUnsafeCharacters } from "../domain/text-safety.js";
import { DomainError, isUniqueConflict } from "../domain/errors.js";
import { LOGIN_ID_PATTERN, passwordProblems, userNumber, type LoginMethod, type UserRole } from "../domain/roles.js";
import { hashPassword } from "../credentials/passwords.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankContext, RequestContext } from "./context.js";

export interface NewContract {
  /** the contract number: 1–20 letters, digits or hyphens */
  code: string;
  name: string;
  loginMethod: LoginMethod;
}

/** 契約 opened by the bank from its paper form. */
export async function addContract(deps: { store: Store; clock: Clock }, bank: BankContext, c: NewContract, ctx: RequestContext): Promise<number> {
  const bankId = bank.config.id;
  if (!/^[A-Za-z0-9-]{1,20}$/.test(c.code)) throw new DomainError("contract_code_invalid");
  if ([...c.name].length === 0 || [...c.name].length > 60 || hasUnsafeCharacters(c.name)) throw new DomainError("contract_name_invalid");
  return deps.store.write(bankId, async (w) => {
    const id = await w.addContract({ ...c, at: deps.clock.now() });
    await w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, action: "contract.add", contractId: id, result: "ok", detail: { code: c.code, loginMethod: c.loginMethod } });
    return id;
  });
}

/** What a new user is given: by the bank's paper form (CLI) or by the master or an admin (利用者登録). */
export interface NewUserDetails {
  loginId: string;
  name: string;
  email: string;
  role: UserRole;
  password: string;
  confirmPassword: string;
}

export interface NewUser extends NewUserDetails {
  contractId: number;
  /** the demo keeps passwords as given; real users change theirs at first login */
  mustChangePassword?: boolean;
  /** the initial passwords were made by the system for the initial-password letter (the audit record says so) */
  passwordsGenerated?: boolean;
}

/**
 * A registered user. No one-time-password token comes with it: the user acquires the first
 * certificate with the login ID and the initial password, then enrols a token at the first login
 * (forced while the policy asks for one) — or the bank registers one for a token letter.
 */
export interface AddedUser {
  id: number;
  userNo: string;
}

/** 利用者名: 1–30 characters (counted as characters, not UTF-16 units), no control, bidirectional or other format characters. */
export function checkUserName(name: string): void {
  const n = [...name].length;
  if (n === 0 || n > 30 || name.trim() !== name || hasUnsafeCharacters(name)) throw new DomainError("user_name_invalid");
}

/** An e-mail address mail can go to: one @, a dotted domain, no spaces or markup, ≤ 254 characters. */
export function checkEmail(email: string): void {
  if (email.length > 254 || hasUnsafeCharacters(email) || !/^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(email)) throw new DomainError("email_invalid");
}

/** Everything about a new user that needs no database: login ID, passwords (all three differ), name, e-mail. */
export function checkNewUser(u: NewUserDetails): void {
  if (!LOGIN_ID_PATTERN.test(u.loginId)) throw new DomainError("login_id_invalid");
  if (passwordProblems(u.password, u.loginId).length || passwordProblems(u.confirmPassword, u.loginId, u.password).length) throw new DomainError("password_invalid");
  checkUserName(u.name);
  checkEmail(u.email);
}

/** The same without the passwords, for a user whose initial passwords the system makes (the initial-password letter). */
export function checkNewUserIdentity(u: Pick<NewUserDetails, "loginId" | "name" | "email">): void {
  if (!LOGIN_ID_PATTERN.test(u.loginId)) throw new DomainError("login_id_invalid");
  checkUserName(u.name);
  checkEmail(u.email);
}

/**
 * Registers a user whose details were checked and whose registration was allowed: the master first
 * (A001), then others (A002…), within the policy's limit of users per contract (deleted users do not
 * count), login IDs unique within the bank (a deleted user's stays taken). One write transaction
 * with its audit record; a refusal inside it is audited after the rollback.
 */
export async function registerUser(deps: { store: Store; clock: Clock }, bank: BankContext, u: NewUser, ctx: RequestContext): Promise<AddedUser> {
  const bankId = bank.config.id;
  const [passwordHash, confirmHash] = await Promise.all([hashPassword(u.password), hashPassword(u.confirmPassword)]);
  const audit = { actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address ?? null, certSerial: ctx.certSerial ?? null, action: "user.add", contractId: u.contractId };
  try {
    return await deps.store.write(bankId, async (w) => {
      const contract = await w.getContract(bankId, u.contractId);
      if (!contract) throw new DomainError("contract_not_found");
      const count = await w.countUsers(bankId, u.contractId);
      if (count >= bank.policy.maxUsersPerContract) throw new DomainError("user_limit_reached", { max: bank.policy.maxUsersPerContract });
      const users = await w.listUsers(bankId, u.contractId);
      const hasMaster = users.some((x) => x.role === "master");
      if (u.role === "master" && hasMaster) throw new DomainError("master_exists");
      if (u.role !== "master" && !hasMaster) throw new Error("register the contract's master user first");
      if (await w.loginIdTaken(bankId, u.loginId)) throw new DomainError("login_id_taken", { loginId: u.loginId });
      const userNo = userNumber(await w.takeUserIndex(u.contractId));
      const now = deps.clock.now();
      const id = await w.addUser({ contractId: u.contractId, loginId: u.loginId, userNo, name: u.name, email: u.email, role: u.role, passwordHash, confirmHash, totpSecret: null, mustChangePassword: u.mustChangePassword ?? true, at: now });
      await w.audit({ ...audit, at: now, targetUserId: id, result: "ok", detail: { loginId: u.loginId, userNo, role: u.role, ...(u.passwordsGenerated ? { initialPasswords: "generated" } : {}) } });
      return { id, userNo };
    });
  } catch (e) {
    const refusal = e instanceof DomainError ? e : isUniqueConflict(e) ? new DomainError("login_id_taken", { loginId: u.loginId }) : undefined;
    if (!refusal) throw e;
    await deps.store.write(bankId, (w) => w.audit({ ...audit, at: deps.clock.now(), result: "refused", detail: { reason: refusal.code, loginId: u.loginId, role: u.role } }));
    throw refusal;
  }
}

/** A user registered by the bank from its paper form (the CLI, the demo). */
export async function addUser(deps: { store: Store; clock: Clock }, bank: BankContext, u: NewUser, ctx: RequestContext): Promise<AddedUser> {
  checkNewUser(u);
  return registerUser(deps, bank, u, ctx);
}
