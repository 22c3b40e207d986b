import { DomainError } from "../domain/errors.js";
import { hashPassword } from "../credentials/passwords.js";
import { passwordProblems } from "../domain/roles.js";
import { loginMethodOf } from "../domain/login-method.js";
import type { UserRecord } from "../store/store.js";
import type { BankContext, BankScope, Deps, RequestBase, RequestContext } from "./context.js";
import { authenticatePassword, checkLoginPassword } from "./authentication.js";
import { useCertificate, certificateRefused } from "./certificate-use.js";
import { openSession, type LoginResult } from "./sessions.js";

export type { LoginResult, SessionView } from "./sessions.js";

export interface LoginRequest {
  /** the client certificate presented on the TLS connection (or through the trusted proxy) */
  presented: Uint8Array | undefined;
  /** typed on the ログインID form; empty at a certificate login */
  loginId: string;
  password: string;
}

/** ログイン on any surface: the method the request asks for (loginMethodOf), then that login. */
export function login(deps: Deps, bank: BankContext, r: LoginRequest, base: RequestBase): Promise<LoginResult> {
  return loginMethodOf(r) === "password" ? passwordLogin(deps, bank, r, base) : certificateLogin(deps, bank, r, base);
}

/**
 * Login at a certificate contract: the certificate the browser presented names the user (a pending
 * one is activated here), the user types only the login password.
 */
async function certificateLogin(deps: Deps, bank: BankContext, r: LoginRequest, base: RequestBase): Promise<LoginResult> {
  const anon: RequestContext = { ...base, actorKind: "anonymous", actorId: "-" };
  const holder = await useCertificate({ deps, bank, ctx: anon, action: "login" }, r.presented);
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: holder.user.loginId, certSerial: holder.cert.serial };
  if (holder.contract.loginMethod !== "certificate") throw new DomainError("contract_not_certificate");
  await checkLoginPassword({ deps, bank, ctx, action: "login" }, holder.user, r.password);
  return openSession({ deps, bank, ctx }, holder);
}

/** Login at an ID/password contract. A certificate contract's user cannot skip the certificate. */
async function passwordLogin(deps: Deps, bank: BankContext, r: LoginRequest, base: RequestBase): Promise<LoginResult> {
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: r.loginId.slice(0, 40) };
  const { user, contract } = await authenticatePassword({ deps, bank, ctx, action: "login" }, r);
  if (contract.loginMethod === "certificate") throw certificateRefused("none");
  return openSession({ deps, bank, ctx }, { user, contract });
}

export interface PasswordChange {
  current: string;
  next: string;
}

/** Own password change (forced at first login). The new one follows the rules and differs from the others. */
export async function changeOwnPassword(scope: BankScope, user: UserRecord, change: PasswordChange, keepSessionCsrf?: string): Promise<void> {
  const { deps, bank, ctx } = scope;
  const { current, next } = change;
  await checkLoginPassword({ ...scope, action: "user.password_change" }, user, current);
  if (passwordProblems(next, user.loginId).length > 0 || next === current) throw new DomainError("password_invalid");
  const hash = await hashPassword(next);
  await deps.store.write(bank.config.id, async (w) => {
    await w.setPassword({ userId: user.id, kind: "login", hash, mustChange: false, at: deps.clock.now() });
    // every other session ends (issue 13): whoever held one with the old password is out
    if (keepSessionCsrf !== undefined) await w.deleteOtherSessions(user.id, keepSessionCsrf);
    else await w.deleteUserSessions(user.id);
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: ctx.certSerial, action: "user.password_change", contractId: user.contractId, targetUserId: user.id, result: "ok" });
  });
}
