import { REVOCATION_REASONS } from "../domain/certificate.js";
import { isLive } from "./issuance.js";
import type { BankContext, Deps } from "./context.js";

/** Users handled in one write transaction: big enough to be quick, small enough not to hold locks for long. */
const BATCH = 200;

export interface CompromiseOutcome {
  /** users returned to 未発行 (they held no working certificate of another generation) */
  reset: number;
  /** users who still hold a certificate of a newer generation: only the compromised ones are revoked */
  kept: number;
  certificates: number;
}

/**
 * After the root revoked an issuing generation (compromise drill): every certificate it signed that
 * is still live is revoked (cACompromise); a user left with no working certificate returns to
 * 未発行 as a reset does (sessions end, acquisition opens again) and gets a security notice by
 * mail and on 重要なお知らせ. Their certificates were already refused at the first request after
 * the revocation (one check on the issuer); this makes their records say so. Audited per user.
 */
export async function resetAfterIssuerRevoked(deps: Deps, bank: BankContext, caId: number, actor: string): Promise<CompromiseOutcome> {
  const bankId = bank.config.id;
  const holders = await deps.store.holdersOfCa(bankId, caId);
  const out: CompromiseOutcome = { reset: 0, kept: 0, certificates: 0 };
  for (let i = 0; i < holders.length; i += BATCH) {
    const now = deps.clock.now();
    await deps.store.write(bankId, async (w) => {
      for (const userId of holders.slice(i, i + BATCH)) {
        const certs = await w.userCertificates(bankId, userId);
        const revoked: string[] = [];
        for (const c of certs) {
          if (c.caId !== caId || !(c.state === "active" || c.state === "pending" || c.state === "signing")) continue;
          if (await w.revoke({ serial: c.serial, caId, notAfter: c.notAfter, reason: REVOCATION_REASONS.cACompromise, state: "revoked", actor: `cli:${actor}`, at: now, notify: false })) revoked.push(c.serial);
        }
        if (revoked.length === 0) continue;
        out.certificates += revoked.length;
        const keeps = certs.some((c) => c.caId !== caId && (c.state === "active" || c.state === "pending") && isLive(c, now));
        if (keeps) out.kept++;
        else {
          out.reset++;
          await w.markCertificatesReset(userId, now);
          await w.deleteUserSessions(userId);
          await w.queueNotice({ kind: "ca_compromised", serial: revoked[0]!, userId, at: now });
        }
        await w.audit({ at: now, actorKind: "cli", actorId: actor, action: "certificate.reset", targetUserId: userId, result: "ok", detail: { cause: "ca_compromise", issuingCaId: caId, revoked: revoked.join(" "), reset: !keeps } });
      }
    });
  }
  await deps.ca.revoked(bankId);
  return out;
}
