import type { AuditEntry } from "../domain/audit.js";
import { REVOCATION_REASONS } from "../domain/certificate.js";
import type { CertificateRecord, QueuedNotice } from "../store/store.js";
import { isLive } from "./issuance.js";
import type { BankContext, Deps } from "./context.js";

/**
 * Users handled in one write transaction, with a few statements for all of them (not a few each):
 * big enough to be quick, small enough that the bank's lock — which every refusal's audit record
 * waits for meanwhile — is held for a moment only.
 */
const BATCH = 500;

export interface CompromiseOutcome {
  /** users returned to 未発行 (they held no working certificate of another generation) */
  reset: number;
  /** users who still hold a certificate of a newer generation: only the compromised ones are revoked */
  kept: number;
  certificates: number;
}

const LIVE_STATES = new Set(["active", "pending", "signing"]);

/**
 * After the root revoked an issuing generation (compromise drill): every certificate it signed that
 * is still live is revoked (cACompromise); a user left with no working certificate returns to
 * 未発行 as a reset does (sessions end, acquisition opens again) and gets a security notice by
 * mail and on 重要なお知らせ. Their certificates were already refused at the first request after
 * the revocation (one check on the issuer); this makes their records say so. Audited per user.
 */
export async function resetAfterIssuerRevoked(deps: Deps, bank: BankContext, caId: number, actor: string, batchSize = BATCH): Promise<CompromiseOutcome> {
  const bankId = bank.config.id;
  const holders = await deps.store.holdersOfCa(bankId, caId);
  const out: CompromiseOutcome = { reset: 0, kept: 0, certificates: 0 };
  for (let i = 0; i < holders.length; i += batchSize) {
    const now = deps.clock.now();
    const users = holders.slice(i, i + batchSize);
    const batch = await deps.store.write(bankId, async (w) => {
      const certs = await w.certificatesOfUsers(bankId, users);
      const revoked = new Set(
        await w.revokeAll(
          certs.filter((c) => c.caId === caId && LIVE_STATES.has(c.state)),
          { reason: REVOCATION_REASONS.cACompromise, state: "revoked", actor: `cli:${actor}`, at: now, notify: false },
        ),
      );
      const mine = new Map<number, CertificateRecord[]>();
      for (const c of certs) {
        const own = mine.get(c.userId);
        if (own) own.push(c);
        else mine.set(c.userId, [c]);
      }
      const o: CompromiseOutcome = { reset: 0, kept: 0, certificates: revoked.size };
      const reset: number[] = [];
      const notices: QueuedNotice[] = [];
      const records: AuditEntry[] = [];
      for (const userId of users) {
        const own = mine.get(userId) ?? [];
        const gone = own.filter((c) => revoked.has(c.serial)).map((c) => c.serial);
        if (gone.length === 0) continue;
        const keeps = own.some((c) => c.caId !== caId && isLive(c, now));
        if (keeps) o.kept++;
        else {
          reset.push(userId);
          // named for the newest of the user's revoked certificates
          notices.push({ kind: "ca_compromised", serial: gone[0]!, userId, at: now });
        }
        records.push({ at: now, actorKind: "cli", actorId: actor, action: "certificate.reset", targetUserId: userId, result: "ok", detail: { cause: "ca_compromise", issuingCaId: caId, revoked: gone.join(" "), reset: !keeps } });
      }
      o.reset = reset.length;
      await w.markCertificatesReset(reset, now);
      await w.deleteUserSessions(reset);
      await w.queueNotices(notices);
      await w.auditAll(records);
      return o;
    });
    out.reset += batch.reset;
    out.kept += batch.kept;
    out.certificates += batch.certificates;
  }
  await deps.ca.revoked(bankId);
  return out;
}
