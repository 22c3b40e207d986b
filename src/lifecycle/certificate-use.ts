import { DomainError } from "../domain/errors.js";
import { REVOCATION_REASONS } from "../domain/certificate.js";
import type { CertificateRefusal } from "../i18n/refusals.js";
import type { CertificateRecord, UserRecord, ContractRecord } from "../store/store.js";
import type { AuditedStep, BankContext, Deps, RequestContext } from "./context.js";
import { checkInService } from "./authentication.js";

export interface CertificateHolder {
  cert: CertificateRecord;
  user: UserRecord;
  contract: ContractRecord;
  /** true when this use activated a pending certificate */
  activated: boolean;
}

/** The seeds' refusal: 「お客様が選択された証明書は本サービスではご利用できません。」 plus why and what to do. */
export function certificateRefused(cause: CertificateRefusal): DomainError {
  return new DomainError("certificate_refused", { cause });
}

/**
 * A presented client certificate, checked on every new TLS session and every request: it chains to
 * this bank's issuing CA, its record is pending or active (a pending one is activated by this use,
 * superseding the old one), it is within its validity on the injected clock, and its user and
 * contract are in service. The status is read from the database each time, never from a cache,
 * so a revocation made by any process refuses the very next request.
 */
export async function useCertificate(s: AuditedStep, der: Uint8Array | undefined, opts: { allowExpired?: boolean } = {}): Promise<CertificateHolder> {
  const { deps, bank, ctx, action } = s;
  const bankId = bank.config.id;
  const j = await judgePresented(deps, bank, der, opts);
  if ("refused" in j) {
    const rec = j.cert;
    await deps.store.write(bankId, (w) =>
      w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: rec?.serial ?? ctx.certSerial ?? null, action, contractId: rec?.contractId ?? null, targetUserId: rec?.userId ?? null, result: "refused", detail: { reason: `certificate_${j.refused}` } }),
    );
    throw certificateRefused(j.refused);
  }
  const { cert, user } = j;
  const contract = await checkInService({ ...s, ctx: { ...ctx, certSerial: cert.serial } }, user);
  let activated = false;
  if (cert.state === "pending") activated = await activate(deps, bank, cert, ctx);
  return { cert: activated ? { ...cert, state: "active" } : cert, user, contract, activated };
}

/**
 * The judgement of a presented certificate, without effect (no audit, no activation): the one ladder
 * of checks that both a request (useCertificate) and the login screen's greeting go by.
 */
export async function judgePresented(deps: Deps, bank: BankContext, der: Uint8Array | undefined, opts: { allowExpired?: boolean } = {}): Promise<{ cert: CertificateRecord; user: UserRecord } | { refused: CertificateRefusal; cert?: CertificateRecord }> {
  const bankId = bank.config.id;
  if (!der || der.length === 0) return { refused: "none" };
  const id = deps.ca.identifyClient(der);
  if (!id || id.bankId !== bankId) return { refused: "foreign" };
  const cert = await deps.store.certificateBySerial(id.caId, id.serial);
  if (!cert || cert.state === "signing" || cert.bankId !== bankId) return { refused: "unknown" };
  // the root revoked the generation that signed it (compromise drill): one check on the issuer, whatever the certificate's own state
  if (id.issuerRevoked) return { refused: "issuer_revoked", cert };
  const now = deps.clock.now().getTime();
  // the drill revokes the generation's certificates right after the generation itself, often before
  // this process's status poll has seen the latter: the record of the issuer says why all the same
  if (cert.state === "revoked") return { refused: (await deps.store.getCa(bankId, cert.caId))?.revokedAt ? "issuer_revoked" : "revoked", cert };
  if (cert.state === "superseded") return { refused: "superseded", cert };
  if (now < cert.notBefore.getTime()) return { refused: "not_yet_valid", cert };
  if (now > cert.notAfter.getTime() && !opts.allowExpired) return { refused: "expired", cert };
  const user = await deps.store.getUser(bankId, cert.userId);
  if (!user || user.status === "deleted") return { refused: "unknown", cert };
  return { cert, user };
}

/**
 * Whose certificate the browser presents, for the login screen's greeting: read only (nothing is
 * activated or audited here; the login itself does both).
 */
export async function presentedHolder(deps: Deps, bank: BankContext, der: Uint8Array | undefined): Promise<{ loginId: string; name: string } | { refused: CertificateRefusal } | undefined> {
  if (!der || der.length === 0) return undefined;
  const j = await judgePresented(deps, bank, der);
  return "refused" in j ? { refused: j.refused } : { loginId: j.user.loginId, name: j.user.name };
}

/**
 * pending → active on first use; whatever else the user had active becomes superseded (published
 * as revoked, reason superseded) in the same transaction, so one login ID never has two.
 */
export async function activate(deps: Deps, bank: BankContext, cert: CertificateRecord, ctx: RequestContext): Promise<boolean> {
  const bankId = bank.config.id;
  const now = deps.clock.now();
  const superseded: string[] = [];
  const done = await deps.store.write(bankId, async (w) => {
    if (!(await w.setState(cert.serial, ["pending"], "active", now))) return false;
    for (const other of await w.userCertificates(bankId, cert.userId)) {
      if (other.serial !== cert.serial && (other.state === "active" || other.state === "pending" || other.state === "signing")) {
        await w.revoke({ serial: other.serial, caId: other.caId, notAfter: other.notAfter, reason: REVOCATION_REASONS.superseded, state: "superseded", actor: `user:${ctx.actorId}`, at: now });
        superseded.push(other.serial);
      }
    }
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: cert.serial, action: "certificate.activate", contractId: cert.contractId, targetUserId: cert.userId, result: "ok", detail: { superseded: superseded.join(",") || null } });
    return true;
  });
  if (superseded.length > 0) await deps.ca.revoked(bankId);
  return done;
}
