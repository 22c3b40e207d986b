import { DomainError } from "../domain/errors.js";
import { graceEndsAt } from "../domain/certificate.js";
import { checkCsr, decodeCsrBody, type CheckedCsr } from "../ca/csr-check.js";
import type { UserRecord, ContractRecord } from "../store/store.js";
import type { BankContext, RequestContext } from "./context.js";
import { issue, isLive, refusal, type Deps, type IssuedCertificate } from "./issuance.js";
import { sinceReset } from "./user-certificates.js";

export type { IssuedCertificate } from "./issuance.js";

/** Who resets a certificate past the grace period: the bank resets a master's, a master or an admin the others'. */
export function graceResetBy(role: string): "bank" | "manager" {
  return role === "master" ? "bank" : "manager";
}

/** Parses and checks a CSR against the bank's policy, auditing a refusal. */
export async function checkedCsr(deps: Deps, bank: BankContext, csrBody: string | Uint8Array, ctx: RequestContext, action: string, who: { userId: number; contractId: number }): Promise<CheckedCsr> {
  try {
    return checkCsr(decodeCsrBody(csrBody), bank.policy);
  } catch (e) {
    if (e instanceof DomainError) throw await refusal(deps, bank, ctx, action, who, e.code, e.params);
    throw e;
  }
}

/**
 * 電子証明書取得: a user with no valid certificate gets one for the key in the CSR. Allowed at 未発行,
 * 失効済み, or 有効期限切れ within the grace period. A certificate issued but never used (pending)
 * does not block: the same request gets the same certificate again, a new key replaces it — so an
 * interrupted acquisition never locks anyone out.
 */
export async function acquire(deps: Deps, bank: BankContext, who: { user: UserRecord; contract: ContractRecord }, csrBody: string | Uint8Array | CheckedCsr, ctx: RequestContext): Promise<IssuedCertificate> {
  const { user, contract } = who;
  const ids = { userId: user.id, contractId: contract.id };
  if (contract.loginMethod !== "certificate") throw await refusal(deps, bank, ctx, "certificate.acquire", ids, "contract_not_certificate");
  const csr = typeof csrBody === "object" && "spki" in csrBody ? csrBody : await checkedCsr(deps, bank, csrBody, ctx, "certificate.acquire", ids);
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
