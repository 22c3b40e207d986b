import { Secret } from "otpauth";
import { DomainError } from "../domain/errors.js";
import { LOGIN_ID_PATTERN, passwordProblems, userNumber, type LoginMethod, type UserRole } from "../domain/roles.js";
import { hashPassword } from "../auth/passwords.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankContext, RequestContext } from "./context.js";
import { isUniqueViolation } from "./acquisition.js";

/** 契約 opened by the bank from its paper form. */
export async function addContract(
  deps: { store: Store; clock: Clock },
  bank: BankContext,
  c: { code: string; name: string; loginMethod: LoginMethod },
  ctx: RequestContext,
): Promise<number> {
  const bankId = bank.config.id;
  if (!/^[A-Za-z0-9-]{1,20}$/.test(c.code)) throw new Error("contract code: 1–20 letters, digits or hyphens");
  return deps.store.write(bankId, async (w) => {
    const id = await w.addContract({ ...c, at: deps.clock.now() });
    await w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, action: "contract.add", contractId: id, result: "ok", detail: { code: c.code, loginMethod: c.loginMethod } });
    return id;
  });
}

export interface NewUser {
  contractId: number;
  loginId: string;
  name: string;
  email: string;
  role: UserRole;
  password: string;
  confirmPassword: string;
  /** the demo keeps passwords as given; real users change theirs at first login */
  mustChangePassword?: boolean;
}

/**
 * Registers a user: the master first (A001), then others (A002…), within the policy's limit of
 * users per contract, login IDs unique within the bank.
 */
export async function addUser(deps: { store: Store; clock: Clock }, bank: BankContext, u: NewUser, ctx: RequestContext): Promise<{ id: number; userNo: string; totpSecret: string }> {
  const bankId = bank.config.id;
  if (!LOGIN_ID_PATTERN.test(u.loginId)) throw new DomainError("login_id_invalid");
  if (passwordProblems(u.password, u.loginId).length || passwordProblems(u.confirmPassword, u.loginId, u.password).length) throw new DomainError("password_invalid");
  if ([...u.name].length > 30 || u.name.length === 0) throw new Error("name: 1–30 characters");
  const [passwordHash, confirmHash] = await Promise.all([hashPassword(u.password), hashPassword(u.confirmPassword)]);
  const totpSecret = new Secret({ size: 20 }).base32;
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
      if (await w.getUserByLoginId(bankId, u.loginId)) throw new DomainError("login_id_taken", { loginId: u.loginId });
      const userNo = userNumber(await w.takeUserIndex(u.contractId));
      const now = deps.clock.now();
      const id = await w.addUser({ contractId: u.contractId, loginId: u.loginId, userNo, name: u.name, email: u.email, role: u.role, passwordHash, confirmHash, totpSecret, mustChangePassword: u.mustChangePassword ?? true, at: now });
      await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, action: "user.add", contractId: u.contractId, targetUserId: id, result: "ok", detail: { loginId: u.loginId, userNo, role: u.role } });
      return { id, userNo, totpSecret };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError("login_id_taken", { loginId: u.loginId });
    throw e;
  }
}
