import { DomainError } from "../domain/errors.js";
import { graceEndsAt } from "../domain/certificate.js";
import { checkCsr, decodeCsrBody, type CheckedCsr } from "../ca/csr-check.js";
import type { UserRecord, ContractRecord } from "../store/store.js";
import type { AuditedStep, BankContext, BankScope, Deps, RequestBase, RequestContext } from "./context.js";
import { authenticatePassword } from "./authentication.js";
import { checkOneTimePasswordFor } from "./otp-enrolment.js";
import { issue, isLive, refusal, type Concerning, type IssuedCertificate } from "./issuance.js";
import { sinceReset } from "./user-certificates.js";

export type { IssuedCertificate } from "./issuance.js";

/** Who resets a certificate past the grace period: the bank resets a master's, a master or an admin the others'. */
export function graceResetBy(role: string): "bank" | "manager" {
  return role === "master" ? "bank" : "manager";
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
        const latest = counted.find((c) => c.state !== "signing");
        if (latest && (latest.state === "active" || latest.state === "pending") && !isLive(latest, now)) {
          // expired: acquisition only within the grace period; past it, a reset comes first
          const ends = graceEndsAt(latest.notAfter, bank.policy.graceAfterExpiry);
          if (now.getTime() > ends.getTime()) throw new DomainError("acquisition_grace_expired", { resetBy: graceResetBy(user.role) });
        }
        return { replaces: null };
      },
    },
    ctx,
  );
}
