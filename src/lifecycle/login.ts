import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import { renewalWindow } from "../domain/renewal-window.js";
import { hashPassword } from "../auth/passwords.js";
import { passwordProblems } from "../domain/roles.js";
import type { CertificateRecord, ContractRecord, UserRecord } from "../store/store.js";
import type { BankContext, RequestContext } from "./context.js";
import { authenticatePassword, checkInService, checkLoginPassword } from "./authentication.js";
import { useCertificate, certificateRefused } from "./certificate-use.js";
import type { Deps } from "./issuance.js";
import type { Actor } from "../domain/rights.js";
import { loginMethodOf } from "../domain/login-method.js";

export interface SessionView {
  user: UserRecord;
  contract: ContractRecord;
  cert?: CertificateRecord;
  csrf: string;
  actor: Actor;
}

export interface LoginResult extends SessionView {
  sessionId: string;
  passwordChangeRequired: boolean;
  /** the 証明書更新選択 screen is due: inside the window */
  renewal: { open: boolean; opensAt: Date; notAfter: Date } | null;
}

const hashId = (id: string) => createHash("sha256").update(id).digest("hex");

function actorOf(user: UserRecord, bankId: string): Actor {
  return { kind: "user", bankId, contractId: user.contractId, userId: user.id, role: user.role };
}

async function openSession(deps: Deps, bank: BankContext, user: UserRecord, contract: ContractRecord, cert: CertificateRecord | undefined, ctx: RequestContext): Promise<LoginResult> {
  const sessionId = randomBytes(32).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  const now = deps.clock.now();
  await deps.store.write(bank.config.id, async (w) => {
    await w.addSession({ idHash: hashId(sessionId), userId: user.id, certSerial: cert?.serial ?? null, csrf, at: now });
    await w.audit({ at: now, actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: cert?.serial ?? null, action: "login", contractId: user.contractId, targetUserId: user.id, result: "ok", detail: { method: cert ? "certificate" : "password" } });
  });
  const w = cert && renewalWindow(cert.notAfter, bank.policy.renewalWindow, now);
  const renewal = w ? { open: w.state === "open", opensAt: w.opensAt, notAfter: w.notAfter } : null;
  return { sessionId, csrf, user, contract, cert, actor: actorOf(user, bank.config.id), passwordChangeRequired: user.mustChangePassword, renewal };
}

export interface LoginRequest {
  /** the client certificate presented on the TLS connection (or through the trusted proxy) */
  presented: Uint8Array | undefined;
  /** typed on the ログインID form; empty at a certificate login */
  loginId: string;
  password: string;
}

/** ログイン on any surface: the method the request asks for (loginMethodOf), then that login. */
export function login(deps: Deps, bank: BankContext, r: LoginRequest, base: Omit<RequestContext, "actorKind" | "actorId">): Promise<LoginResult> {
  return loginMethodOf(r) === "password" ? passwordLogin(deps, bank, r.loginId, r.password, base) : certificateLogin(deps, bank, r.presented, r.password, base);
}

/**
 * Login at a certificate contract: the certificate the browser presented names the user (a pending
 * one is activated here), the user types only the login password.
 */
export async function certificateLogin(deps: Deps, bank: BankContext, presented: Uint8Array | undefined, password: string, base: Omit<RequestContext, "actorKind" | "actorId">): Promise<LoginResult> {
  const anon: RequestContext = { ...base, actorKind: "anonymous", actorId: "-" };
  const holder = await useCertificate(deps, bank, presented, anon, "login");
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: holder.user.loginId, certSerial: holder.cert.serial };
  if (holder.contract.loginMethod !== "certificate") throw new DomainError("contract_not_certificate");
  await checkLoginPassword(deps, bank, holder.user, password, ctx, "login");
  return openSession(deps, bank, holder.user, holder.contract, holder.cert, ctx);
}

/** Login at an ID/password contract. A certificate contract's user cannot skip the certificate. */
export async function passwordLogin(deps: Deps, bank: BankContext, loginId: string, password: string, base: Omit<RequestContext, "actorKind" | "actorId">): Promise<LoginResult> {
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: loginId.slice(0, 40) };
  const { user, contract } = await authenticatePassword(deps, bank, loginId, password, ctx, "login");
  if (contract.loginMethod === "certificate") throw certificateRefused("none");
  return openSession(deps, bank, user, contract, undefined, ctx);
}

/**
 * Every request of a session: the session exists and is not idle too long; at a certificate contract
 * the same certificate is presented again (another one, or none, ends it) and is still good; the
 * user is still in service. Changing requests must carry the session's CSRF token.
 */
export async function resumeSession(deps: Deps, bank: BankContext, sessionId: string | undefined, presented: Uint8Array | undefined, csrf: string | undefined | null, base: Omit<RequestContext, "actorKind" | "actorId">): Promise<SessionView> {
  const bankId = bank.config.id;
  if (!sessionId) throw new DomainError("session_invalid");
  const s = await deps.store.getSession(bankId, hashId(sessionId));
  // an issue grant (issue-grant.ts) is not a login
  if (!s || s.purpose !== "portal") throw new DomainError("session_invalid");
  const now = deps.clock.now();
  const end = async () => {
    await deps.store.write(bankId, (w) => w.deleteSession(s.idHash));
    return new DomainError("session_invalid");
  };
  if (now.getTime() > addDuration(s.lastSeen, parseDuration(bank.policy.sessionIdle)).getTime()) throw await end();
  const ctxBase: RequestContext = { ...base, actorKind: "user", actorId: String(s.userId) };
  let cert: CertificateRecord | undefined;
  let user: UserRecord;
  let contract: ContractRecord;
  if (s.certSerial) {
    const id = presented && presented.length > 0 ? deps.ca.identifyClient(presented) : undefined;
    if (!id || id.serial !== s.certSerial) throw await end();
    const holder = await useCertificate(deps, bank, presented, ctxBase, "session");
    ({ cert, user, contract } = holder);
  } else {
    const u = await deps.store.getUser(bankId, s.userId);
    if (!u) throw await end();
    user = u;
    contract = await checkInService(deps, bank, user, ctxBase, "session");
  }
  if (csrf !== null) {
    if (!csrf || csrf.length !== s.csrf.length || !timingSafeEqual(Buffer.from(csrf), Buffer.from(s.csrf))) throw new DomainError("csrf_invalid");
  }
  await deps.store.touchSession(bankId, s.idHash, now);
  return { user, contract, cert, csrf: s.csrf, actor: actorOf(user, bankId) };
}

export async function logout(deps: Deps, bank: BankContext, sessionId: string | undefined, base: Omit<RequestContext, "actorKind" | "actorId">): Promise<void> {
  if (!sessionId) return;
  const s = await deps.store.getSession(bank.config.id, hashId(sessionId));
  if (!s) return;
  const user = await deps.store.getUser(bank.config.id, s.userId);
  await deps.store.write(bank.config.id, async (w) => {
    await w.deleteSession(s.idHash);
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user?.loginId ?? String(s.userId), address: base.address, certSerial: s.certSerial, action: "logout", contractId: user?.contractId ?? null, targetUserId: s.userId, result: "ok" });
  });
}

/** Own password change (forced at first login). The new one follows the rules and differs from the others. */
export async function changeOwnPassword(deps: Deps, bank: BankContext, user: UserRecord, current: string, next: string, ctx: RequestContext): Promise<void> {
  await checkLoginPassword(deps, bank, user, current, ctx, "user.password_change");
  if (passwordProblems(next, user.loginId).length > 0 || next === current) throw new DomainError("password_invalid");
  const hash = await hashPassword(next);
  await deps.store.write(bank.config.id, async (w) => {
    await w.setPassword(user.id, "login", hash, false, deps.clock.now());
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: ctx.certSerial, action: "user.password_change", contractId: user.contractId, targetUserId: user.id, result: "ok" });
  });
}
