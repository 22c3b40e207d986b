import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import { renewalWindow } from "../domain/renewal-window.js";
import type { Actor } from "../domain/rights.js";
import { dueStep, type DueStep } from "../domain/one-time-password.js";
import type { CertificateRecord, ContractRecord, UserRecord } from "../store/store.js";
import type { BankContext, BankScope, Deps, RequestBase, RequestContext } from "./context.js";
import { checkInService } from "./authentication.js";
import { useCertificate } from "./certificate-use.js";
import { hasToken } from "./otp-enrolment.js";

/**
 * Portal and API sessions: opened by a login, resumed on every request, ended by logout, idle time
 * or a different certificate. Only the SHA-256 of a session ID is stored. An issue grant
 * (issue-grant.ts) is a session row of its own purpose, never a login.
 */

export interface SessionView {
  user: UserRecord;
  contract: ContractRecord;
  cert?: CertificateRecord;
  csrf: string;
  actor: Actor;
  /**
   * What the user must do before any other screen (domain/one-time-password.ts): change the
   * initial password, then enrol the one-time-password token while the policy asks for one.
   */
  due: DueStep;
}

function dueOf(bank: BankContext, user: UserRecord, contract: ContractRecord): DueStep {
  return dueStep(bank.policy, { mustChangePassword: user.mustChangePassword, hasToken: hasToken(user), certificates: contract.loginMethod === "certificate" });
}

export interface LoginResult extends SessionView {
  sessionId: string;
  passwordChangeRequired: boolean;
  /** the 証明書更新選択 screen is due: inside the window */
  renewal: { open: boolean; opensAt: Date; notAfter: Date } | null;
}

/** The stored form of a session (or grant) ID. */
export const sessionIdHash = (id: string) => createHash("sha256").update(id).digest("hex");

function actorOf(user: UserRecord, bankId: string): Actor {
  return { kind: "user", bankId, contractId: user.contractId, userId: user.id, role: user.role };
}

/** A new session for a user who has just proven who they are (with a certificate, or without). */
export async function openSession(scope: BankScope, who: { user: UserRecord; contract: ContractRecord; cert?: CertificateRecord }): Promise<LoginResult> {
  const { deps, bank, ctx } = scope;
  const { user, contract, cert } = who;
  const sessionId = randomBytes(32).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  const now = deps.clock.now();
  await deps.store.write(bank.config.id, async (w) => {
    await w.addSession({ idHash: sessionIdHash(sessionId), userId: user.id, certSerial: cert?.serial ?? null, csrf, at: now });
    await w.audit({ at: now, actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: cert?.serial ?? null, action: "login", contractId: user.contractId, targetUserId: user.id, result: "ok", detail: { method: cert ? "certificate" : "password" } });
  });
  const w = cert && renewalWindow(cert.notAfter, bank.policy.renewalWindow, now);
  const renewal = w ? { open: w.state === "open", opensAt: w.opensAt, notAfter: w.notAfter } : null;
  return { sessionId, csrf, user, contract, cert, actor: actorOf(user, bank.config.id), due: dueOf(bank, user, contract), passwordChangeRequired: user.mustChangePassword, renewal };
}

export interface SessionRequest {
  /** the session cookie's value */
  sessionId: string | undefined;
  /** the client certificate of this request */
  presented: Uint8Array | undefined;
  /** the CSRF token a changing request carries; null for reads */
  csrf: string | undefined | null;
}

/**
 * Every request of a session: the session exists and is not idle too long; at a certificate contract
 * the same certificate is presented again (another one, or none, ends it) and is still good; the
 * user is still in service. Changing requests must carry the session's CSRF token.
 */
export async function resumeSession(deps: Deps, bank: BankContext, r: SessionRequest, base: RequestBase): Promise<SessionView> {
  const { sessionId, presented, csrf } = r;
  const bankId = bank.config.id;
  if (!sessionId) throw new DomainError("session_invalid");
  const s = await deps.store.getSession(bankId, sessionIdHash(sessionId));
  // an issue grant (issue-grant.ts) is not a login
  if (!s || s.purpose !== "portal") throw new DomainError("session_invalid");
  const now = deps.clock.now();
  const end = async () => {
    await deps.store.write(bankId, (w) => w.deleteSession(s.idHash));
    return new DomainError("session_invalid");
  };
  if (now.getTime() > addDuration(s.lastSeen, parseDuration(bank.policy.sessionIdle)).getTime()) throw await end();
  if (now.getTime() > addDuration(s.createdAt, parseDuration(bank.policy.sessionMax)).getTime()) throw await end();
  const step = { deps, bank, ctx: { ...base, actorKind: "user", actorId: String(s.userId) } as RequestContext, action: "session" };
  let cert: CertificateRecord | undefined;
  let user: UserRecord;
  let contract: ContractRecord;
  if (s.certSerial) {
    const id = presented && presented.length > 0 ? deps.ca.identifyClient(presented) : undefined;
    if (!id || id.serial !== s.certSerial) throw await end();
    const holder = await useCertificate(step, presented);
    ({ cert, user, contract } = holder);
  } else {
    const u = await deps.store.getUser(bankId, s.userId);
    if (!u) throw await end();
    user = u;
    contract = await checkInService(step, user);
  }
  if (csrf !== null) {
    if (!csrf || csrf.length !== s.csrf.length || !timingSafeEqual(Buffer.from(csrf), Buffer.from(s.csrf))) throw new DomainError("csrf_invalid");
  }
  await deps.store.touchSession(bankId, s.idHash, now);
  return { user, contract, cert, csrf: s.csrf, actor: actorOf(user, bankId), due: dueOf(bank, user, contract) };
}

export async function logout(deps: Deps, bank: BankContext, sessionId: string | undefined, base: RequestBase): Promise<void> {
  if (!sessionId) return;
  const s = await deps.store.getSession(bank.config.id, sessionIdHash(sessionId));
  if (!s) return;
  const user = await deps.store.getUser(bank.config.id, s.userId);
  await deps.store.write(bank.config.id, async (w) => {
    await w.deleteSession(s.idHash);
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user?.loginId ?? String(s.userId), address: base.address, certSerial: s.certSerial, action: "logout", contractId: user?.contractId ?? null, targetUserId: s.userId, result: "ok" });
  });
}
