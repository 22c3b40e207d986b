import { randomBytes, timingSafeEqual } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import type { AuditedStep, BankContext, Deps, RequestBase, RequestContext } from "./context.js";
import { authenticatePassword, checkInService } from "./authentication.js";
import { checkOneTimePasswordFor } from "./otp-enrolment.js";
import { acquire, checkedCsr } from "./acquisition.js";
import { isLive, refusal, type IssuedCertificate } from "./issuance.js";
import { sessionIdHash as hashId } from "./sessions.js";
import type { UserRecord } from "../store/store.js";
import { sinceReset } from "./user-certificates.js";

export interface IssueGrant {
  grantId: string;
  csrf: string;
  user: UserRecord;
}

/**
 * 証明書取得認証 in the portal: the login ID, password and (once a token is enrolled, by policy) one-time password are checked
 * once, and a short grant lets the page send its CSR next. The grant lives as long as an idle session
 * and can be used again (a retry after a lost answer gets the same certificate for the same key).
 */
export interface IssueGrantRequest {
  loginId: string;
  password: string;
  /** the one-time password, where the bank's policy asks for it at acquisition */
  otp: string | undefined;
}

export async function openIssueGrant(deps: Deps, bank: BankContext, r: IssueGrantRequest, base: RequestBase): Promise<IssueGrant> {
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: r.loginId.slice(0, 40) };
  const step: AuditedStep = { deps, bank, ctx, action: "certificate.acquire" };
  const who = await authenticatePassword(step, r);
  const ids = { userId: who.user.id, contractId: who.contract.id };
  if (who.contract.loginMethod !== "certificate") throw await refusal(step, ids, "contract_not_certificate");
  await checkOneTimePasswordFor(step, "acquisition", who.user, r.otp);
  // said before the page makes a key: a user whose certificate is still good needs none
  const now = deps.clock.now();
  const certs = sinceReset(await deps.store.userCertificates(bank.config.id, who.user.id), who.user);
  if (certs.some((c) => c.state === "active" && isLive(c, now))) throw await refusal(step, ids, "certificate_already_valid");
  const grantId = randomBytes(32).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  await deps.store.write(bank.config.id, async (w) => {
    await w.addSession({ idHash: hashId(grantId), userId: who.user.id, certSerial: null, csrf, at: now, purpose: "issue" });
    await w.audit({ at: now, actorKind: "user", actorId: who.user.loginId, address: ctx.address, certSerial: null, action: "certificate.acquire.authenticate", contractId: who.contract.id, targetUserId: who.user.id, result: "ok" });
  });
  return { grantId, csrf, user: who.user };
}

/** The grant's holder, if the grant is still good. */
export async function grantHolder(deps: Deps, bank: BankContext, grantId: string | undefined): Promise<{ user: UserRecord; csrf: string }> {
  if (!grantId) throw new DomainError("session_invalid");
  const s = await deps.store.getSession(bank.config.id, hashId(grantId));
  if (!s || s.purpose !== "issue") throw new DomainError("session_invalid");
  if (deps.clock.now().getTime() > addDuration(s.createdAt, parseDuration(bank.policy.sessionIdle)).getTime()) throw new DomainError("session_invalid");
  const user = await deps.store.getUser(bank.config.id, s.userId);
  if (!user) throw new DomainError("session_invalid");
  return { user, csrf: s.csrf };
}

export interface GrantedCsr {
  /** the grant cookie's value */
  grantId: string | undefined;
  /** the grant's CSRF token, as the page sends it */
  csrf: string;
  /** the CSR the page made, base64 DER or PEM */
  csr: string;
}

/** The page's CSR under a grant: the same acquisition EST's simpleenroll performs. */
export async function acquireWithGrant(deps: Deps, bank: BankContext, r: GrantedCsr, base: RequestBase): Promise<IssuedCertificate> {
  const { csrf } = r;
  const { user, csrf: expected } = await grantHolder(deps, bank, r.grantId);
  if (!csrf || csrf.length !== expected.length || !timingSafeEqual(Buffer.from(csrf), Buffer.from(expected))) throw new DomainError("csrf_invalid");
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: user.loginId };
  const step: AuditedStep = { deps, bank, ctx, action: "certificate.acquire" };
  const contract = await checkInService(step, user);
  const csr = await checkedCsr(step, r.csr, { userId: user.id, contractId: contract.id });
  return acquire({ deps, bank, ctx }, { user, contract }, csr);
}

/** A grant ends when the result has been shown, or when its time is up. */
export async function closeIssueGrant(deps: Deps, bank: BankContext, grantId: string | undefined): Promise<void> {
  if (!grantId) return;
  await deps.store.write(bank.config.id, (w) => w.deleteSession(hashId(grantId)));
}
