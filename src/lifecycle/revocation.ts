import { DomainError } from "../domain/errors.js";
import { REVOCATION_REASONS, isRevocationReason } from "../domain/certificate.js";
import type { BankScope } from "./context.js";

export interface RevocationRequest {
  serial: string;
  /** the CRLReason's name (keyCompromise, cessationOfOperation, …); superseded is not chosen by people */
  reason: string;
  /** the paper form's reference, when bank staff revoke on one */
  reference?: string | null;
}

/**
 * 証明書失効: takes effect before the call returns — the record, the CRL and this process's OCSP
 * answers change at once; other processes see it at their next status poll.
 */
export async function revokeCertificate(scope: BankScope, r: RevocationRequest): Promise<{ serial: string; revokedAt: Date; reason: number }> {
  const { deps, bank, ctx } = scope;
  const { serial, reason: reasonName, reference } = r;
  const { store, ca, clock } = deps;
  const bankId = bank.config.id;
  if (!isRevocationReason(reasonName) || reasonName === "superseded") throw new DomainError("revocation_reason_invalid", { reason: reasonName });
  const reason = REVOCATION_REASONS[reasonName];
  const now = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
  const normalized = serial.toLowerCase().replace(/[^0-9a-f]/g, "");
  await store.write(bankId, async (w) => {
    const cert = await w.getCertificate(bankId, normalized);
    if (!cert) throw new DomainError("certificate_not_found");
    if (cert.state === "revoked" || cert.state === "superseded") throw new DomainError("certificate_already_revoked");
    await w.revoke({ serial: cert.serial, caId: cert.caId, notAfter: cert.notAfter, reason, state: "revoked", actor: `${ctx.actorKind}:${ctx.actorId}`, reference, at: now });
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: cert.serial, action: "certificate.revoke", contractId: cert.contractId, targetUserId: cert.userId, result: "ok", detail: { reason: reasonName, reference: reference ?? null } });
  });
  await ca.revoked(bankId);
  return { serial: normalized, revokedAt: now, reason };
}
