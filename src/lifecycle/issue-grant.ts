import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import type { BankContext, RequestContext } from "./context.js";
import { authenticatePassword, checkInService, checkOneTimePassword } from "./authentication.js";
import { acquire, checkedCsr } from "./acquisition.js";
import { isLive, refusal, type Deps, type IssuedCertificate } from "./issuance.js";
import type { UserRecord } from "../store/store.js";
import { sinceReset } from "./user-certificates.js";

type Base = Omit<RequestContext, "actorKind" | "actorId">;

const hashId = (id: string) => createHash("sha256").update(id).digest("hex");

export interface IssueGrant {
  grantId: string;
  csrf: string;
  user: UserRecord;
}

/**
 * 証明書取得認証 in the portal: the login ID, password and (by policy) one-time password are checked
 * once, and a short grant lets the page send its CSR next. The grant lives as long as an idle session
 * and can be used again (a retry after a lost answer gets the same certificate for the same key).
 */
export async function openIssueGrant(deps: Deps, bank: BankContext, loginId: string, password: string, otp: string | undefined, base: Base): Promise<IssueGrant> {
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: loginId.slice(0, 40) };
  const action = "certificate.acquire";
  const who = await authenticatePassword(deps, bank, loginId, password, ctx, action);
  const ids = { userId: who.user.id, contractId: who.contract.id };
  if (who.contract.loginMethod !== "certificate") throw await refusal(deps, bank, ctx, action, ids, "contract_not_certificate");
  if (bank.policy.otp.acquisition) await checkOneTimePassword(deps, bank, who.user, otp, ctx, action);
  // said before the page makes a key: a user whose certificate is still good needs none
  const now = deps.clock.now();
  const certs = sinceReset(await deps.store.userCertificates(bank.config.id, who.user.id), who.user);
  if (certs.some((c) => c.state === "active" && isLive(c, now))) throw await refusal(deps, bank, ctx, action, ids, "certificate_already_valid");
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

/** The page's CSR under a grant: the same acquisition EST's simpleenroll performs. */
export async function acquireWithGrant(deps: Deps, bank: BankContext, grantId: string | undefined, csrf: string, csrBody: string, base: Base): Promise<IssuedCertificate> {
  const { user, csrf: expected } = await grantHolder(deps, bank, grantId);
  if (!csrf || csrf.length !== expected.length || !timingSafeEqual(Buffer.from(csrf), Buffer.from(expected))) throw new DomainError("csrf_invalid");
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: user.loginId };
  const contract = await checkInService(deps, bank, user, ctx, "certificate.acquire");
  const csr = await checkedCsr(deps, bank, csrBody, ctx, "certificate.acquire", { userId: user.id, contractId: contract.id });
  return acquire(deps, bank, { user, contract }, csr, ctx);
}

/** A grant ends when the result has been shown, or when its time is up. */
export async function closeIssueGrant(deps: Deps, bank: BankContext, grantId: string | undefined): Promise<void> {
  if (!grantId) return;
  await deps.store.write(bank.config.id, (w) => w.deleteSession(hashId(grantId)));
}
