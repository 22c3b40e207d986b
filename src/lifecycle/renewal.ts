import { DomainError } from "../domain/errors.js";
import { parseDuration } from "../domain/duration.js";
import { renewalWindow } from "../domain/renewal-window.js";
import { formatLocalDateTime } from "../domain/time-zone.js";
import type { AuditedStep, BankContext, RequestBase, RequestContext } from "./context.js";
import { checkLoginPassword } from "./authentication.js";
import { checkOneTimePasswordFor } from "./otp-enrolment.js";
import { useCertificate } from "./certificate-use.js";
import { checkedCsr } from "./acquisition.js";
import { issue, refusal, type Deps, type IssuedCertificate } from "./issuance.js";

export interface RenewalRequest {
  /** the client certificate presented on the TLS connection */
  presented: Uint8Array | undefined;
  loginId: string;
  password: string;
  otp?: string;
  csrBody: string | Uint8Array;
}

/**
 * 更新: inside the bank's window, proven by the current certificate (mutual TLS) plus the login
 * password (and the one-time password by policy), with a new key. The new certificate is pending;
 * the current one stays valid until the new one is used. The same request again gets the same
 * pending certificate; a different key replaces it. After expiry, renewal is refused and
 * acquisition (within the grace period) applies.
 */
export async function renew(deps: Deps, bank: BankContext, r: RenewalRequest, base: RequestBase): Promise<IssuedCertificate> {
  const ctx: RequestContext = { ...base, actorKind: "user", actorId: r.loginId.slice(0, 40) };
  const action = "certificate.renew";
  const holder = await useCertificate({ deps, bank, ctx, action }, r.presented, { allowExpired: true });
  const { cert, user, contract } = holder;
  const ids = { userId: user.id, contractId: contract.id };
  const withCert = { ...ctx, certSerial: cert.serial };
  const step: AuditedStep = { deps, bank, ctx: withCert, action };
  // the password is the holder's: another user's login ID on this certificate is a refusal
  if (user.loginId !== r.loginId) throw await refusal(step, ids, "renewal_needs_current_certificate");
  await checkLoginPassword(step, user, r.password);
  // the one-time password rides in the X-Inkan-OTP header or in the CSR (RFC 7030 clients)
  const csr = await checkedCsr(step, r.csrBody, ids);
  await checkOneTimePasswordFor(step, "renewal", user, r.otp ?? csr.challengePassword);
  const win = renewalWindow(cert.notAfter, bank.policy.renewalWindow, deps.clock.now());
  if (win.state === "expired") throw await refusal(step, ids, "certificate_expired_renew");
  if (win.state === "not_open") {
    throw await refusal(step, ids, "renewal_not_open", { window: parseDuration(bank.policy.renewalWindow).days, opensAt: formatLocalDateTime(win.opensAt, bank.offsetMinutes) });
  }
  if (csr.spkiSha256 === cert.spkiSha256) throw await refusal(step, ids, "renewal_same_key");
  return issue(
    deps,
    bank,
    {
      kind: "renew",
      user,
      contract,
      csr,
      async decide(w) {
        const current = await w.getCertificate(bank.config.id, cert.serial);
        // revoked or replaced while this request was on its way
        if (!current || current.state !== "active") throw new DomainError("renewal_needs_current_certificate");
        return { replaces: cert.serial };
      },
    },
    withCert,
  );
}
