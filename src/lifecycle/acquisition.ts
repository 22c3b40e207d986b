import { DomainError } from "../domain/errors.js";
import { graceEndsAt } from "../domain/certificate.js";
import { parseDuration } from "../domain/duration.js";
import type { BankPolicy } from "../domain/policy.js";
import { checkCsr, decodeCsrBody, type CheckedCsr } from "../ca/csr-check.js";
import type { CertificateRecord, UserRecord, ContractRecord } from "../store/store.js";
import type { AuditedStep, BankContext, BankScope, Deps, RequestBase, RequestContext } from "./context.js";
import { authenticatePassword } from "./authentication.js";
import { checkOneTimePasswordFor } from "./otp-enrolment.js";
import { issue, isLive, refusal, type Concerning, type IssuedCertificate } from "./issuance.js";
import { sinceReset } from "./user-certificates.js";
import { judgePresented } from "./certificate-use.js";

export type { IssuedCertificate } from "./issuance.js";

/** Who resets a certificate past the grace period: the bank resets a master's, a master or an admin the others'. */
export function graceResetBy(role: string): "bank" | "manager" {
  return role === "master" ? "bank" : "manager";
}

/** Where an expired certificate stands in the acquisition grace period: the screens and the rule read the same answer. */
export interface AcquisitionGrace {
  /** the policy's graceAfterExpiry in whole days (as the seeds say it: 90 日) */
  days: number;
  /** the last instant acquisition is allowed */
  endsAt: Date;
  /** acquisition is still allowed now */
  open: boolean;
  /** who resets it once the period is over */
  resetBy: "bank" | "manager";
}

/** The grace period after `latest` (the user's last counted certificate) ended, or undefined while it is live or there is none. */
export function acquisitionGrace(latest: CertificateRecord | undefined, role: string, policy: Pick<BankPolicy, "graceAfterExpiry">, now: Date): AcquisitionGrace | undefined {
  if (!latest || !(latest.state === "active" || latest.state === "pending") || isLive(latest, now)) return undefined;
  const endsAt = graceEndsAt(latest.notAfter, policy.graceAfterExpiry);
  return { days: parseDuration(policy.graceAfterExpiry).days, endsAt, open: now.getTime() <= endsAt.getTime(), resetBy: graceResetBy(role) };
}

/**
 * The grace period of the presented (expired) certificate's holder, for the 電子証明書エラー screen:
 * read only, from the same certificates acquisition counts.
 */
export async function presentedGrace(deps: Deps, bank: BankContext, der: Uint8Array | undefined): Promise<AcquisitionGrace | undefined> {
  const j = await judgePresented(deps, bank, der);
  if (!("refused" in j) || j.refused !== "expired" || !j.cert) return undefined;
  const user = await deps.store.getUser(bank.config.id, j.cert.userId);
  if (!user || user.status === "deleted") return undefined;
  const counted = sinceReset(await deps.store.userCertificates(bank.config.id, user.id), user);
  return acquisitionGrace(counted.find((c) => c.state !== "signing"), user.role, bank.policy, deps.clock.now());
}

/** Parses and checks a CSR against the bank's policy, auditing a refusal. */
export async function checkedCsr(s: AuditedStep, csrBody: string | Uint8Array, who: Concerning): Promise<CheckedCsr> {
  try {
    return checkCsr(decodeCsrBody(csrBody), s.bank.policy);
  } catch (e) {
    if (e instanceof DomainError) throw await refusal(s, who, e.code, e.params);
    throw e;
  }
}

export interface PasswordEnrolment {
  loginId: string;
  password: string;
  /** the CSR as EST sends it (base64 DER) or as a page or app does (PEM, DER) */
  csrBody: string | Uint8Array;
  /** the one-time password from the X-Inkan-OTP header; else it may ride in the CSR */
  otp?: string;
}

/** EST simpleenroll: login ID, password and the one-time password (once the user has a token, by policy), then acquisition. */
export async function enrollWithPassword(deps: Deps, bank: BankContext, r: PasswordEnrolment, base: RequestBase): Promise<IssuedCertificate> {
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: r.loginId.slice(0, 40) };
  const step: AuditedStep = { deps, bank, ctx, action: "certificate.acquire" };
  const who = await authenticatePassword(step, r);
  const csr = await checkedCsr(step, r.csrBody, { userId: who.user.id, contractId: who.contract.id });
  await checkOneTimePasswordFor(step, "acquisition", who.user, r.otp ?? csr.challengePassword);
  return acquire({ deps, bank, ctx }, who, csr);
}

/**
 * 電子証明書取得: a user with no valid certificate gets one for the key in the CSR. Allowed at 未発行,
 * 失効済み, or 有効期限切れ within the grace period. A certificate issued but never used (pending)
 * does not block: the same request gets the same certificate again, a new key replaces it — so an
 * interrupted acquisition never locks anyone out.
 */
export async function acquire(scope: BankScope, who: { user: UserRecord; contract: ContractRecord }, csrBody: string | Uint8Array | CheckedCsr): Promise<IssuedCertificate> {
  const { deps, bank, ctx } = scope;
  const { user, contract } = who;
  const ids = { userId: user.id, contractId: contract.id };
  const step: AuditedStep = { ...scope, action: "certificate.acquire" };
  if (contract.loginMethod !== "certificate") throw await refusal(step, ids, "contract_not_certificate");
  const csr = typeof csrBody === "object" && "spki" in csrBody ? csrBody : await checkedCsr(step, csrBody, ids);
  return issue(
    deps,
    bank,
    {
      kind: "acquire",
      user,
      contract,
      csr,
      async decide(w, certs, now) {
        const fresh = await w.getUser(bank.config.id, user.id);
        const counted = sinceReset(certs, fresh);
        if (counted.some((c) => c.state === "active" && isLive(c, now))) throw new DomainError("certificate_already_valid");
        // expired: acquisition only within the grace period; past it, a reset comes first
        const grace = acquisitionGrace(counted.find((c) => c.state !== "signing"), user.role, bank.policy, now);
        if (grace && !grace.open) throw new DomainError("acquisition_grace_expired", { resetBy: grace.resetBy, days: grace.days });
        return { replaces: null };
      },
    },
    ctx,
  );
}
